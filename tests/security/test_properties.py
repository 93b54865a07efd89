"""Property-based tests of the parsers that take outside input, and of the routes behind them:
whatever arrives, the answer is a result or the parser's own error; over HTTP, never a 5xx."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.models import AspectRatio, Quality
from bot.domain.updates import TaskFailed, TaskRunning, TaskSucceeded
from bot.provider.kie.callbacks import CallbackError, parse_callback
from bot.telegram.options import DURATIONS, OptionError, ParsedRequest, parse_request
from tests.security.conftest import SECRET_HEADER, WEBHOOK_SECRET, Edge, post, signed_headers

QUICK = settings(max_examples=300, deadline=None, database=None)
OVER_HTTP = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # one edge serves every example
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
CALLBACK_KEYS = ["code", "msg", "taskId", "task_id", "data"]
DATA_KEYS = ["task_id", "taskId", "video_url", "videoUrl", "result_video_url", "image_url"]
callback_like = st.fixed_dictionaries(
    {},
    optional={
        **{key: json_values for key in CALLBACK_KEYS},
        "data": st.dictionaries(st.sampled_from(DATA_KEYS), json_values, max_size=5),
        "code": st.one_of(
            st.integers(), st.text(max_size=6), st.sampled_from(["200", "²", " 200 "])
        ),
    },
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    callback_like.map(lambda value: json.dumps(value).encode()),
)


@pytest.mark.slow(
    "About 2 s alone, 6 s beside the other workers: 300 generated bodies, each parsed as a "
    "callback (hypothesis)."
)
@QUICK
@given(bodies)
def test_parse_callback_returns_an_update_or_a_callback_error(body: bytes) -> None:
    try:
        task_id, update = parse_callback(body)
    except CallbackError:
        return
    assert isinstance(task_id, str) and task_id
    assert isinstance(update, TaskSucceeded | TaskFailed | TaskRunning)


@QUICK
@given(st.text(max_size=200))
def test_parse_request_returns_a_request_or_an_option_error(text: str) -> None:
    outcome: ParsedRequest | OptionError
    try:
        outcome = parse_request(text)
    except OptionError as exc:
        outcome = exc
    assert isinstance(outcome, ParsedRequest) or outcome.key.startswith("option.")


OPTION_TEXT = st.sampled_from(["--ar 9:16", "--dur", "--q 1080p", "--wm", '"', "«", "—ar", "--x"])


@QUICK
@given(st.lists(st.one_of(OPTION_TEXT, st.text(max_size=12)), max_size=12).map(" ".join))
def test_parse_request_survives_option_soup(text: str) -> None:
    with contextlib.suppress(OptionError):
        parse_request(text)


words = st.text(
    st.characters(exclude_categories=("Z", "C"), exclude_characters="\"“”«»„'"),
    min_size=1,
    max_size=10,
).filter(lambda word: word[0] not in "-—–")
watermarks = st.text(
    st.characters(exclude_categories=["C"], exclude_characters='"'), min_size=1, max_size=20
).filter(lambda mark: mark.strip() == mark and mark.strip() != "")


@QUICK
@given(
    prompt=st.lists(words, min_size=1, max_size=8),
    ratio=st.sampled_from(list(AspectRatio)),
    duration=st.sampled_from(DURATIONS),
    quality=st.sampled_from(list(Quality)),
    watermark=watermarks,
)
def test_valid_options_round_trip(
    prompt: list[str], ratio: AspectRatio, duration: str, quality: Quality, watermark: str
) -> None:
    options = [f"--ar {ratio.value}", f"--dur {duration}", f"--q {quality.value}"]
    options.append(f'--wm "{watermark}"')
    middle = len(prompt) // 2  # options may stand anywhere among the words
    text = " ".join([*prompt[:middle], *options[:2], *prompt[middle:], *options[2:]])
    parsed = parse_request(text)
    assert parsed.prompt == " ".join(prompt)
    assert parsed.overrides.aspect_ratio is ratio
    assert parsed.overrides.duration == int(duration)
    assert parsed.overrides.quality is quality
    assert parsed.overrides.watermark == watermark


@pytest.fixture
async def signed_route(edge: Edge) -> tuple[Edge, str, dict[str, str]]:
    job = await edge.job()
    assert job.task_id is not None
    return edge, edge.callback_url(job), signed_headers(job.task_id)


@OVER_HTTP
@given(body=bodies)
async def test_the_callback_route_never_answers_5xx(
    signed_route: tuple[Edge, str, dict[str, str]], body: bytes
) -> None:
    _, url, headers = signed_route
    status, _ = await post(url, body, headers)
    assert 200 <= status < 500, status


update_like = st.fixed_dictionaries(
    {"update_id": st.one_of(st.integers(min_value=-5, max_value=2**64), json_values)},
    optional={
        key: st.one_of(json_values, st.dictionaries(st.text(max_size=10), json_values))
        for key in ("message", "edited_message", "callback_query", "channel_post", "my_chat_member")
    },
)


@pytest.mark.slow("About 5 s: 120 generated updates, each a real HTTP request to the running edge.")
@OVER_HTTP
@given(payload=st.one_of(update_like, json_values))
async def test_the_webhook_route_never_answers_5xx(edge: Edge, payload: Any) -> None:
    body = json.dumps(payload).encode()
    status, _ = await post(f"{edge.url}/telegram", body, {SECRET_HEADER: WEBHOOK_SECRET})
    assert 200 <= status < 500, status
