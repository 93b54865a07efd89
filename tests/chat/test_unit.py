"""Pure parts: the option parser, the catalogs and failure wording."""

from __future__ import annotations

import string

import pytest

from bot.domain.models import AspectRatio, FailureReason, Quality
from bot.provider.kie.failures import classify
from bot.telegram.errors import redact
from bot.telegram.i18n import language_of, plural_form, text
from bot.telegram.locales import CATALOGS, Entry
from bot.telegram.options import OptionError, parse_request, strip_command


def placeholders(entry: Entry) -> set[str]:
    forms = entry.values() if isinstance(entry, dict) else [entry]
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}


PLURAL_FORMS = {"en": {"one", "other"}, "ru": {"one", "few", "many"}}


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    english = CATALOGS["en"]
    for language, catalog in CATALOGS.items():
        assert catalog.keys() == english.keys(), language
        for key, entry in catalog.items():
            assert placeholders(entry) == placeholders(english[key]), (language, key)
            if isinstance(entry, dict):
                assert set(entry) == PLURAL_FORMS[language], (language, key)
                assert "count" in placeholders(entry), (language, key)


@pytest.mark.parametrize(
    ("language", "count", "form"),
    [
        ("en", 1, "one"),
        ("en", 0, "other"),
        ("en", 21, "other"),
        ("ru", 1, "one"),
        ("ru", 21, "one"),
        ("ru", 11, "many"),
        ("ru", 3, "few"),
        ("ru", 13, "many"),
        ("ru", 24, "few"),
        ("ru", 5, "many"),
    ],
)
def test_plural_forms_follow_each_language(language: str, count: int, form: str) -> None:
    assert plural_form(language, count) == form


def test_plural_texts_agree_with_their_number() -> None:
    assert "1 video for today" in text("en", "quota.daily", count=1, retry_at="x")
    assert "20 videos for today" in text("en", "quota.daily", count=20, retry_at="x")
    assert "3 видео" in text("ru", "quota.active", count=3)
    assert "делаются" in text("ru", "quota.active", count=3)


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
    ("code", "message", "reason", "temporary"),
    [
        ("400", "Your prompt was caught by our AI moderator.", FailureReason.MODERATION, False),
        ("400", "get image info failed.", FailureReason.BAD_INPUT, False),
        ("402", "Insufficient credits", FailureReason.NO_CREDITS, False),
        ("500", "Server Error", FailureReason.PROVIDER_DOWN, True),
        ("400", "Reached the limit for concurrent generations.", FailureReason.PROVIDER_DOWN, True),
        ("400", "Upload failed due to network reasons", FailureReason.PROVIDER_DOWN, True),
        ("455", "Service under maintenance", FailureReason.PROVIDER_DOWN, True),
        ("400", "Please try again later", FailureReason.PROVIDER_DOWN, True),
        ("422", "prompt is required", FailureReason.REFUSED, False),
        ("422", "the video has expired", FailureReason.EXPIRED, False),
        ("501", "generation failed", FailureReason.GENERATION_FAILED, False),
    ],
)
def test_provider_failures_have_a_reason_and_a_verdict(
    code: str, message: str, reason: FailureReason, temporary: bool
) -> None:
    assert classify(code, message) == (reason, temporary)


@pytest.mark.parametrize("reason", list(FailureReason))
def test_every_failure_reason_is_explained_in_each_language(reason: FailureReason) -> None:
    for language in CATALOGS:
        assert f"failure.{reason.value}" in CATALOGS[language]


def test_redact_hides_tokens_and_file_urls() -> None:
    line = "GET http://x/file/bot1000:sandbox/photos/a.jpg failed for 123456:ABCdef_-xyz"
    cleaned = redact(line)
    assert "sandbox" not in cleaned and "ABCdef" not in cleaned
