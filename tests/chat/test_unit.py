"""Pure parts: the option parser, the catalogs, failure wording, and the edit coalescer."""

from __future__ import annotations

import asyncio
import string

import pytest

from bot.domain.models import AspectRatio, Quality
from bot.telegram.errors import redact
from bot.telegram.i18n import language_of, text
from bot.telegram.locales import CATALOGS
from bot.telegram.options import OptionError, parse_request, strip_command
from bot.telegram.pacing import Coalescer
from bot.telegram.render import failure_key


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    english = CATALOGS["en"]
    for language, catalog in CATALOGS.items():
        assert catalog.keys() == english.keys(), language
        for key, template in catalog.items():
            assert placeholders(template) == placeholders(english[key]), (language, key)


def test_language_comes_from_language_code() -> None:
    assert language_of("ru") == "ru"
    assert language_of("ru-RU") == "ru"
    assert language_of("de") == "en"
    assert language_of(None) == "en"
    assert text("ru", "cancel.none") != text("en", "cancel.none")


def test_options_anywhere_after_the_command() -> None:
    request = parse_request(strip_command('/video@MyBot a cat --ar 9:16 surfing --wm "my studio"'))
    assert request.prompt == "a cat surfing"
    assert request.overrides.aspect_ratio is AspectRatio.TALL
    assert request.overrides.watermark == "my studio"
    request = parse_request("--q 1080p --dur 5 waves —ar 1:1")
    assert request.prompt == "waves"
    assert request.overrides.quality is Quality.FULL_HD
    assert request.overrides.duration == 5
    assert request.overrides.aspect_ratio is AspectRatio.SQUARE


@pytest.mark.parametrize(
    ("body", "key", "option"),
    [
        ("a cat --speed 2", "option.unknown", "--speed"),
        ("a cat --ar 2:1", "option.bad_value", "--ar"),
        ("a cat --dur 7", "option.bad_value", "--dur"),
        ("a cat --q", "option.missing_value", "--q"),
    ],
)
def test_bad_options_name_themselves_and_the_valid_ones(body: str, key: str, option: str) -> None:
    with pytest.raises(OptionError) as caught:
        parse_request(body)
    assert caught.value.key == key
    assert caught.value.params["option"] == option
    assert caught.value.params["valid"]


@pytest.mark.parametrize(
    ("code", "message", "key"),
    [
        ("400", "Your prompt was caught by our AI moderator.", "failure.moderation"),
        ("400", "get image info failed.", "failure.bad_image"),
        ("402", "Insufficient credits", "failure.no_credits"),
        ("500", "Server Error", "failure.provider_down"),
        ("timeout", "late", "failure.timeout"),
        ("interrupted", "restart", "failure.interrupted"),
        ("422", "prompt is required", "failure.refused"),
    ],
)
def test_failures_map_to_plain_words(code: str, message: str, key: str) -> None:
    assert failure_key(code, message) == key


def test_redact_hides_tokens_and_file_urls() -> None:
    line = "GET http://x/file/bot1000:sandbox/photos/a.jpg failed for 123456:ABCdef_-xyz"
    cleaned = redact(line)
    assert "sandbox" not in cleaned and "ABCdef" not in cleaned


async def test_coalescer_keeps_the_latest_and_never_drops_the_last() -> None:
    sent: list[int] = []
    gate = asyncio.Event()

    async def ready(_: int) -> None:
        await gate.wait()

    async def flush(value: int) -> None:
        sent.append(value)

    coalescer: Coalescer[int] = Coalescer(ready, flush)
    first = asyncio.create_task(coalescer.push("k", 1))
    await asyncio.sleep(0)
    for value in (2, 3, 4):
        await coalescer.push("k", value)  # returns at once: a flush is under way
    gate.set()
    await first
    assert sent == [4]
