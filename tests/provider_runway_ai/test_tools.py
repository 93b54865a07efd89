"""The media-tools port on the Runway AI API, end to end against the emulator: inputs reach it
only as URLs from `publish`, and every request comes back as the right kind of result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from bot.domain.errors import ProviderRejectedError
from bot.domain.models import MediaFile
from bot.domain.tools import (
    AnimatePhoto,
    ChangeSpeed,
    DescribeMedia,
    EditPhoto,
    ExtractAudio,
    FilterVideo,
    ForgetMedia,
    GeneratePicture,
    GenerateVideo,
    ResizeVideo,
    ResultKind,
    TextOnPhoto,
    Thumbnail,
    ToolInputs,
    ToolRequest,
    TransferStyle,
    TrimVideo,
)
from bot.provider.runway_ai.client import RunwayAiClient
from bot.provider.runway_ai.tools import RunwayAiTools
from sandbox.runway_ai import RunningRunwayAi
from tests.sandbox_runway_ai.files import FileServer
from tests.sandbox_runway_ai.media import Samples

CONTENT_TYPES = {
    ResultKind.PHOTO: "image/jpeg",
    ResultKind.VIDEO: "video/mp4",
    ResultKind.AUDIO: "audio/mpeg",
}


@dataclass
class Publisher:
    """The bot's side of `inputs.publish`: serves a file on loopback and records it."""

    files: FileServer
    published: list[tuple[str, str]] = field(default_factory=list)

    async def __call__(self, media: MediaFile) -> str:
        url = self.files.url(media.path)
        self.published.append((media.filename, url))
        return url

    @property
    def urls(self) -> list[str]:
        return [url for _, url in self.published]


@pytest.fixture
def tools(client: RunwayAiClient) -> RunwayAiTools:
    return RunwayAiTools(client)


@pytest.fixture
def publisher(files: FileServer) -> Publisher:
    return Publisher(files)


def media(path: Path) -> MediaFile:
    return MediaFile(path, path.name, path.stat().st_size, source_id="AgACAgIAAxkBAAIB")


def inputs_for(request: ToolRequest, samples: Samples, publisher: Publisher) -> ToolInputs:
    photo_first = isinstance(request, AnimatePhoto | EditPhoto | TextOnPhoto | TransferStyle)
    source = media(samples.photo if photo_first else samples.colours)
    reference = media(samples.reference) if isinstance(request, TransferStyle) else None
    return ToolInputs(source=source, reference=reference, publish=publisher)


REQUESTS: list[tuple[ToolRequest, ResultKind]] = [
    (GeneratePicture("a fox in the snow", "abstract"), ResultKind.PHOTO),
    (GenerateVideo("a fox in the snow", duration=1, fps=4), ResultKind.VIDEO),
    (AnimatePhoto(duration=1), ResultKind.VIDEO),
    (TransferStyle(), ResultKind.PHOTO),
    (EditPhoto("add-filter", filter="vintage"), ResultKind.PHOTO),
    (EditPhoto("resize", width=60, height=40), ResultKind.PHOTO),
    (EditPhoto("color-adjust"), ResultKind.PHOTO),
    (TextOnPhoto("Привет", "bottom-left", 14), ResultKind.PHOTO),
    (TrimVideo(0.5, 1.5), ResultKind.VIDEO),
    (FilterVideo("cinematic"), ResultKind.VIDEO),
    (ChangeSpeed(2.0), ResultKind.VIDEO),
    (ResizeVideo(48, 48), ResultKind.VIDEO),
    (Thumbnail(1.0), ResultKind.PHOTO),
    (ExtractAudio(), ResultKind.AUDIO),
]


def test_every_request_type_is_supported(tools: RunwayAiTools) -> None:
    every = [request for request, _ in REQUESTS] + [DescribeMedia(), ForgetMedia("http://x/a")]
    assert len({type(request) for request in every}) == 14
    assert all(tools.supports(request) for request in every)
    assert tools.name == "provider"


@pytest.mark.parametrize(
    ("request_", "kind"),
    REQUESTS,
    ids=[f"{type(r).__name__}-{i}" for i, (r, _) in enumerate(REQUESTS)],
)
async def test_a_request_comes_back_as_a_result_at_the_provider(
    tools: RunwayAiTools,
    emulator: RunningRunwayAi,
    samples: Samples,
    publisher: Publisher,
    session: aiohttp.ClientSession,
    tmp_path: Path,
    request_: ToolRequest,
    kind: ResultKind,
) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    output = await tools.run(request_, inputs_for(request_, samples, publisher), workdir)

    assert output.kind is kind
    assert output.url is not None and output.url.startswith(emulator.url)
    async with session.get(output.url) as response:
        assert response.status == 200
        assert response.content_type == CONTENT_TYPES[kind]
    fetched = emulator.state.fetched_urls()
    assert fetched == publisher.urls  # it fetched what was published, and nothing else
    assert not list(workdir.iterdir())  # nothing local: the result stays at the provider


async def test_style_transfer_publishes_the_source_then_the_reference(
    tools: RunwayAiTools, emulator: RunningRunwayAi, samples: Samples, publisher: Publisher
) -> None:
    request = TransferStyle()
    await tools.run(request, inputs_for(request, samples, publisher), Path("."))

    assert [name for name, _ in publisher.published] == ["photo.png", "reference.png"]
    (record,) = emulator.state.requests
    assert record.urls == {"image_url": publisher.urls[0], "style_reference": publisher.urls[1]}


async def test_describe_asks_for_photo_or_video_metadata_by_the_file(
    tools: RunwayAiTools, emulator: RunningRunwayAi, samples: Samples, publisher: Publisher
) -> None:
    photo = await tools.run(
        DescribeMedia(), ToolInputs(media(samples.photo), publish=publisher), Path(".")
    )
    video = await tools.run(
        DescribeMedia(), ToolInputs(media(samples.colours), publish=publisher), Path(".")
    )

    assert [r.path for r in emulator.state.requests] == ["/v1/image-metadata", "/v1/video-metadata"]
    assert photo.kind is video.kind is ResultKind.TEXT
    assert photo.info is not None and (photo.info.width, photo.info.height) == (120, 90)
    assert video.info is not None and (video.info.duration, video.info.has_audio) == (2.0, True)
    assert photo.text is not None and photo.text.startswith("photo · 120×90 · ")
    assert video.text is not None and video.text.startswith("video · 96×64 · 2 s · 8 fps · ")


async def test_forget_deletes_a_result(
    tools: RunwayAiTools, session: aiohttp.ClientSession
) -> None:
    made = await tools.run(GeneratePicture("bye"), ToolInputs(), Path("."))
    assert made.url is not None

    forgotten = await tools.run(ForgetMedia(made.url), ToolInputs(), Path("."))

    assert (forgotten.kind, forgotten.text) == (ResultKind.TEXT, "Media successfully deleted")
    async with session.get(made.url) as response:
        assert response.status == 404


async def test_a_refusal_reaches_the_caller_with_the_providers_words(
    tools: RunwayAiTools, samples: Samples, publisher: Publisher
) -> None:
    silent = ToolInputs(media(samples.pattern), publish=publisher)
    with pytest.raises(ProviderRejectedError, match="no audio track"):
        await tools.run(ExtractAudio(), silent, Path("."))
    with pytest.raises(ProviderRejectedError, match=r"2\.00 s long"):
        await tools.run(TrimVideo(1, 9), silent, Path("."))


async def test_a_request_on_a_file_needs_a_source_and_a_publisher(
    tools: RunwayAiTools, emulator: RunningRunwayAi, samples: Samples, publisher: Publisher
) -> None:
    with pytest.raises(ValueError, match="source"):
        await tools.run(ExtractAudio(), ToolInputs(publish=publisher), Path("."))
    with pytest.raises(ValueError, match="source"):
        await tools.run(ExtractAudio(), ToolInputs(media(samples.colours)), Path("."))
    with pytest.raises(ValueError, match="reference"):
        await tools.run(
            TransferStyle(), ToolInputs(media(samples.photo), publish=publisher), Path(".")
        )
    assert emulator.state.requests == []


async def test_a_publisher_that_hands_out_a_telegram_url_is_stopped_at_the_client(
    tools: RunwayAiTools, emulator: RunningRunwayAi, samples: Samples
) -> None:
    async def careless(media: MediaFile) -> str:
        return f"http://127.0.0.1:9/file/bot123:SECRET/{media.filename}"

    with pytest.raises(ValueError, match="Telegram file URL"):
        await tools.run(
            ExtractAudio(), ToolInputs(media(samples.colours), publish=careless), Path(".")
        )
    assert emulator.state.requests == []


async def test_no_telegram_file_url_ever_reaches_the_provider(
    tools: RunwayAiTools,
    emulator: RunningRunwayAi,
    samples: Samples,
    publisher: Publisher,
    session: aiohttp.ClientSession,
) -> None:
    for request, _ in REQUESTS:
        await tools.run(request, inputs_for(request, samples, publisher), Path("."))

    async with session.get(f"{emulator.url}/_emulator/requests") as response:
        log = await response.json()
    assert len(log["requests"]) == len(REQUESTS)
    for record in log["requests"]:
        for url in [*record["urls"].values(), *record["fetched"]]:
            assert "/file/bot" not in url
            assert url in publisher.urls
