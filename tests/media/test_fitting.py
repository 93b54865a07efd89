"""Inputs fitted to kie.ai's limits: photos to JPEG under 10 MB, Aleph videos to 5 s, 10 MB."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from bot.domain.errors import UserError
from bot.domain.models import MediaFile
from bot.media.downloads import MB
from bot.media.fitting import fit_aleph_video, fit_photo
from bot.media.probe import probe_video
from tests.media.media import (
    audio_seconds,
    colourful,
    make_video,
    media,
    rgb,
    save,
    size_of,
    video_seconds,
)


def jpeg(fitted: MediaFile) -> Image.Image:
    assert fitted.filename.endswith(".jpg")
    assert fitted.size == fitted.path.stat().st_size
    with Image.open(fitted.path) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.getexif().get(0x0112, 1) == 1
        image.load()
        return image


def first_third(source: Path, dest: Path) -> Path:
    """A download cut short: the MP4's index (at its end) is missing."""
    dest.write_bytes(source.read_bytes()[: size_of(source) // 3])
    return dest


def noise(width: int, height: int) -> Image.Image:
    """Incompressible pixels: the worst case for a file size."""
    return Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))


async def test_webp_becomes_jpeg(tmp_path: Path) -> None:
    photo = save(colourful(), tmp_path / "photo.webp")
    fitted = await fit_photo(media(photo), tmp_path)
    assert jpeg(fitted).size == (120, 90)
    assert fitted.filename == "photo.jpg"


async def test_transparency_is_flattened_on_white(tmp_path: Path) -> None:
    picture = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    picture.paste((255, 0, 0, 255), (20, 0, 40, 20))
    fitted = jpeg(await fit_photo(media(save(picture, tmp_path / "logo.png")), tmp_path))
    assert min(rgb(fitted, (5, 10))) >= 250
    red, green, _ = rgb(fitted, (30, 10))
    assert red > 240 and green < 20


async def test_cmyk_becomes_rgb(tmp_path: Path) -> None:
    photo = save(Image.new("CMYK", (32, 32), (0, 255, 255, 0)), tmp_path / "print.jpg")
    red, green, _ = rgb(jpeg(await fit_photo(media(photo), tmp_path)), (16, 16))
    assert red > 240 and green < 20


async def test_a_sideways_photo_is_turned_upright(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = save(colourful(120, 90), tmp_path / "phone.jpg", exif=exif)
    assert jpeg(await fit_photo(media(photo), tmp_path)).size == (90, 120)


async def test_a_fitting_jpeg_is_left_alone(tmp_path: Path) -> None:
    original = media(save(colourful(), tmp_path / "photo.jpg"))
    assert await fit_photo(original, tmp_path) is original


async def test_a_12_mb_png_becomes_a_jpeg_under_10_mb(tmp_path: Path) -> None:
    photo = save(noise(2048, 2048), tmp_path / "scan.png", compress_level=1)
    assert size_of(photo) > 12 * MB
    fitted = await fit_photo(media(photo), tmp_path)
    assert fitted.size < 10 * MB
    assert jpeg(fitted).size == (2048, 2048)


async def test_a_photo_too_large_as_jpeg_is_scaled_down(tmp_path: Path) -> None:
    photo = save(noise(1200, 800), tmp_path / "noise.png", compress_level=1)
    fitted = await fit_photo(media(photo), tmp_path, limit=MB // 2)
    assert fitted.size < MB // 2
    width, height = jpeg(fitted).size
    assert width < 1200 and width / height == pytest.approx(1.5, abs=0.01)


@pytest.mark.parametrize("content", [b"", b"<html>not found</html>", b"\xff\xd8\xff" + b"\0" * 99])
async def test_an_unreadable_photo_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    with pytest.raises(UserError) as refused:
        await fit_photo(media(path), tmp_path)
    assert refused.value.key == "media.unreadable"


# -- Aleph -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 s of noisy picture with sound, over 12 MB."""
    path = tmp_path_factory.mktemp("aleph") / "big.mp4"
    encode = ("-c:v", "libx264", "-preset", "ultrafast", "-qp", "6", "-pix_fmt", "yuv420p")
    return make_video(
        path, seconds=8, size="320x240", video_filter=",noise=alls=80:allf=t+u", encode=encode
    )


async def test_a_12_mb_8_s_video_is_cut_under_10_mb(big_clip: Path, tmp_path: Path) -> None:
    assert size_of(big_clip) > 12 * MB
    fitted, changed = await fit_aleph_video(media(big_clip), tmp_path)
    assert changed
    assert fitted.size < 10 * MB and fitted.size == size_of(fitted.path)
    assert video_seconds(fitted.path) <= 5.04
    assert audio_seconds(fitted.path) == pytest.approx(5.0, abs=0.1)
    probe = await probe_video(fitted.path)
    assert probe is not None
    assert (probe.info.format, probe.video_codec, probe.audio_codec) == ("mp4", "h264", "aac")
    assert fitted.filename == "big.mp4"


async def test_the_bitrate_is_capped_to_the_limit(big_clip: Path, tmp_path: Path) -> None:
    fitted, _ = await fit_aleph_video(media(big_clip), tmp_path, limit=MB)
    assert fitted.size < MB
    assert video_seconds(fitted.path) == pytest.approx(5.0, abs=0.08)


async def test_a_short_mp4_is_left_alone(sound_clip: Path, tmp_path: Path) -> None:
    original = media(sound_clip)
    assert await fit_aleph_video(original, tmp_path) == (original, False)


async def test_another_container_is_transcoded(tmp_path: Path) -> None:
    odd = make_video(
        tmp_path / "clip.mkv",
        seconds=1,
        size="161x121",
        audio=False,
        encode=("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"),
    )
    fitted, changed = await fit_aleph_video(media(odd), tmp_path)
    probe = await probe_video(fitted.path)
    assert changed and probe is not None
    assert (probe.info.width, probe.info.height, probe.info.has_audio) == (160, 120, False)
    assert probe.info.format == "mp4"


async def test_a_photo_is_no_aleph_input(tmp_path: Path) -> None:
    photo = save(colourful(), tmp_path / "photo.jpg")
    with pytest.raises(UserError) as refused:
        await fit_aleph_video(media(photo), tmp_path)
    assert refused.value.key == "tool.needs_video"


async def test_an_unreadable_video_is_refused(sound_clip: Path, tmp_path: Path) -> None:
    for path in (first_third(sound_clip, tmp_path / "cut.mp4"), tmp_path / "empty.mp4"):
        path.touch()
        with pytest.raises(UserError) as refused:
            await fit_aleph_video(media(path), tmp_path)
        assert refused.value.key == "media.unreadable"
