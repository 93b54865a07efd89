"""Parse `/command prompt --ar 9:16 --dur 10 --q 1080p --wm "my studio"` into prompt + options."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.domain.errors import UserError
from bot.domain.models import AspectRatio, Quality, VideoOptions
from bot.domain.rules import MAX_SEED, MAX_WATERMARK_LENGTH

QUOTES = {'"': '"', "“": "”", "«": "»", "„": "“", "'": "'"}
_TOKEN = re.compile(r"\S+")
_COMMAND = re.compile(r"^\s*/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")

RATIOS = tuple(ratio.value for ratio in AspectRatio)
DURATIONS = ("5", "10")
QUALITIES = tuple(quality.value for quality in Quality)
OPTION_NAMES = ("--ar", "--dur", "--q", "--wm", "--seed")
MAX_VALUE_LENGTH = 200  # no option value is longer; a longer one is a mistake


class OptionError(UserError):
    """An option the user typed is unknown, lacks a value, or has a bad one; `key` is the
    catalog key of the message and `params` fill it in."""


@dataclass(frozen=True, slots=True)
class Overrides:
    """Options the user typed; None means "take the chat's default"."""

    aspect_ratio: AspectRatio | None = None
    duration: int | None = None
    quality: Quality | None = None
    watermark: str | None = None
    seed: int | None = None

    def apply(self, base: VideoOptions) -> VideoOptions:
        return replace(
            base,
            aspect_ratio=self.aspect_ratio or base.aspect_ratio,
            duration=self.duration or base.duration,
            quality=self.quality or base.quality,
            watermark=base.watermark if self.watermark is None else self.watermark,
            seed=self.seed if self.seed is not None else base.seed,
        )


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    prompt: str
    overrides: Overrides = field(default_factory=Overrides)


def strip_command(text: str) -> str:
    """Drop a leading `/command` or `/command@BotName`."""
    return _COMMAND.sub("", text, count=1).strip()


def parse_request(text: str) -> ParsedRequest:
    """Split text (command already stripped) into the prompt and the options found anywhere."""
    words, values = split_options(text, OPTION_NAMES, _valid)
    return ParsedRequest(" ".join(words), _overrides(values))


def split_options(
    text: str, names: tuple[str, ...], valid: Callable[[str], str]
) -> tuple[list[str], dict[str, str]]:
    """The words of `text` and the values of the options among them (`--name value`, or a
    quoted value), wherever they stand; `valid(name)` says what an option takes."""
    words: list[str] = []
    values: dict[str, str] = {}
    pos = 0
    while (match := _TOKEN.search(text, pos)) is not None:
        token = _dashes(match.group())
        if token.startswith("--") and len(token) > 2:
            name = token.lower()
            if name not in names:
                raise OptionError("option.unknown", option=token, valid=", ".join(names) or "—")
            value, pos = _value_after(text, match.end(), name, valid)
            if len(value) > MAX_VALUE_LENGTH:
                raise OptionError("option.too_long", option=name, limit=str(MAX_VALUE_LENGTH))
            values[name] = value
            continue
        words.append(token)
        pos = match.end()
    return words, values


def _dashes(token: str) -> str:
    """Phones turn `--` into an em or en dash; read those as the option prefix."""
    if token[:1] in {"\u2014", "\u2013"} and len(token) > 1 and token[1] != token[0]:
        return "--" + token[1:]
    return token


def _value_after(text: str, start: int, name: str, valid: Callable[[str], str]) -> tuple[str, int]:
    rest = text[start:]
    stripped = rest.lstrip()
    offset = start + len(rest) - len(stripped)
    if stripped[:1] in QUOTES:
        close = stripped.find(QUOTES[stripped[0]], 1)
        if close > 0:
            return stripped[1:close].strip(), offset + close + 1
    match = _TOKEN.match(stripped)
    if match is None or _dashes(match.group()).startswith("--"):
        raise OptionError("option.missing_value", option=name, valid=valid(name))
    return match.group(), offset + match.end()


def _valid(name: str) -> str:
    if name == "--seed":
        return f"0 … {MAX_SEED}"
    choices = {"--ar": RATIOS, "--dur": DURATIONS, "--q": QUALITIES}.get(name)
    return ", ".join(choices) if choices else "TEXT"


def _check(name: str, value: str, choices: tuple[str, ...]) -> str:
    normal = value.lower()
    if name == "--q" and normal in {"720", "1080"}:
        normal += "p"
    if name == "--dur":
        normal = normal.removesuffix("s")
    if normal not in choices:
        raise OptionError("option.bad_value", option=name, value=value, valid=", ".join(choices))
    return normal


def _seed(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_SEED:
        raise OptionError("option.bad_value", option="--seed", value=value, valid=f"0 … {MAX_SEED}")
    return int(value)


def _watermark(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_WATERMARK_LENGTH:
        raise OptionError("option.too_long", option="--wm", limit=str(MAX_WATERMARK_LENGTH))
    return value


def _overrides(values: dict[str, str]) -> Overrides:
    ratio = values.get("--ar")
    duration = values.get("--dur")
    quality = values.get("--q")
    seed = values.get("--seed")
    return Overrides(
        aspect_ratio=AspectRatio(_check("--ar", ratio, RATIOS)) if ratio else None,
        duration=int(_check("--dur", duration, DURATIONS)) if duration else None,
        quality=Quality(_check("--q", quality, QUALITIES)) if quality else None,
        watermark=_watermark(values.get("--wm")),
        seed=_seed(seed) if seed else None,
    )
