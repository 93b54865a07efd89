"""Parse the arguments of the tool commands into tool requests, with the option syntax of
/video (options anywhere, `--name value` or a quoted value, the dashes phones make). Every
refusal names the bad word or option and what is valid; nothing here reads a file, so a refusal
that depends on the photo or video itself (a trim past its end) comes from the tool."""

from __future__ import annotations

import math
import re
from typing import TypeVar

from bot.domain.errors import UserError
from bot.domain.rules import MAX_PROMPT_LENGTH, visible
from bot.domain.tools import (
    ChangeSpeed,
    EditPhoto,
    FilterVideo,
    GeneratePicture,
    PhotoEditType,
    PictureStyle,
    ResizeVideo,
    TextOnPhoto,
    TextPosition,
    Thumbnail,
    TrimVideo,
    VideoFilterName,
)
from bot.media.tools import checks
from bot.media.tools.photos import filter_name
from bot.telegram.options import QUOTES, OptionError, split_options

STYLES: tuple[PictureStyle, ...] = ("photorealistic", "sketch", "abstract")
EDIT_TYPES: tuple[PhotoEditType, ...] = ("color-adjust", "add-filter", "resize")
POSITIONS: tuple[TextPosition, ...] = (
    "top-left",
    "top-right",
    "bottom-left",
    "bottom-right",
    "center",
)
VIDEO_FILTERS: tuple[VideoFilterName, ...] = ("vintage", "cinematic", "black-and-white")
FILTER_ALIASES = {"bw": "black-and-white", "b&w": "black-and-white", "mono": "black-and-white"}
Word = TypeVar("Word", bound=str)
MAX_FONT = 512
MAX_TEXT = 200  # words on a photo; more would not fit it
_SIZE = re.compile(r"^(\d{1,6})\s*[x×х*]\s*(\d{1,6})$", re.IGNORECASE)  # Latin x, ×, Cyrillic х


def parse_image(body: str) -> GeneratePicture:
    """`/image <prompt> [--style photorealistic|sketch|abstract]`"""
    words, values = split_options(body, ("--style",), _valid)
    prompt = " ".join(words)
    if not visible(prompt):
        raise UserError("tool.prompt_missing")
    if len(prompt) > MAX_PROMPT_LENGTH:
        raise UserError("rule.prompt_too_long", length=len(prompt), limit=MAX_PROMPT_LENGTH)
    style = _choice("--style", values.get("--style", "photorealistic"), STYLES)
    return GeneratePicture(prompt, style)


def parse_edit(body: str) -> EditPhoto:
    """`/edit color-adjust|add-filter|resize [--filter NAME] [--size WxH]`; the filter may also
    follow add-filter as a word (`/edit add-filter sepia`)."""
    words, values = split_options(body, ("--filter", "--size"), _valid)
    if not words:
        raise UserError("tool.edit_type_missing", valid=", ".join(EDIT_TYPES))
    edit_type = _choice("/edit", words[0], EDIT_TYPES)
    rest = words[1:]
    if edit_type == "add-filter":
        raw = values.get("--filter") or (rest.pop(0) if rest else None)
        _no_more(rest)
        return EditPhoto("add-filter", filter=filter_name(raw))
    _no_more(rest)
    if edit_type == "resize":
        size = values.get("--size")
        if size is None:
            raise UserError("tool.size_missing", min=checks.MIN_SIDE, max=checks.MAX_SIDE)
        width, height = parse_size(size, "--size")
        return EditPhoto("resize", width=width, height=height)
    for name in values:
        raise OptionError("option.not_for", option=name, what="color-adjust")
    return EditPhoto("color-adjust")


def parse_text(body: str) -> TextOnPhoto:
    """`/text <words> [--pos top-left|top-right|bottom-left|bottom-right|center] [--size N]`"""
    words, values = split_options(body, ("--pos", "--size"), _valid)
    words_text = checks.check_text(_unquoted(" ".join(words)))
    if len(words_text) > MAX_TEXT:
        raise UserError("tool.text_too_long", length=len(words_text), limit=MAX_TEXT)
    position = _choice("--pos", values.get("--pos", "bottom-right"), POSITIONS)
    size = values.get("--size")
    return TextOnPhoto(words_text, position, _font_size(size) if size else None)


def parse_trim(body: str) -> TrimVideo:
    """`/trim <start> <end>`, in seconds."""
    words = _plain(body)
    if len(words) != 2:
        raise UserError("tool.trim_usage")
    start, end = (_seconds(word, "/trim") for word in words)
    checks.check_trim(start, end, None)
    return TrimVideo(start, end)


def parse_filter(body: str) -> FilterVideo:
    """`/filter vintage|cinematic|black-and-white`"""
    words = _plain(body)
    valid = ", ".join(VIDEO_FILTERS)
    if not words:
        raise UserError("tool.video_filter_missing", valid=valid)
    word = words[0].lower().replace("_", "-")
    _no_more(words[1:])
    return FilterVideo(_choice("/filter", FILTER_ALIASES.get(word, word), VIDEO_FILTERS))


def parse_speed(body: str) -> ChangeSpeed:
    """`/speed <factor>`: 0.25 to 4 (`2x` and `0,5` read too)."""
    words = _plain(body)
    if len(words) != 1:
        low, high = f"{checks.MIN_SPEED:g}", f"{checks.MAX_SPEED:g}"
        raise UserError("tool.speed_usage", min=low, max=high)
    factor = _number(words[0].lower().removesuffix("x"), "/speed")
    return ChangeSpeed(checks.check_speed(factor))


def parse_resize(body: str) -> ResizeVideo:
    """`/resize <W>x<H>`; odd sides are rounded down to even (H.264 needs even sides)."""
    words = _plain(body)
    if not words:
        raise UserError("tool.size_missing", min=checks.MIN_SIDE, max=checks.MAX_SIDE)
    width, height = parse_size(" ".join(words), "/resize")
    return ResizeVideo(*checks.even_size(width, height))


def parse_thumb(body: str) -> Thumbnail:
    """`/thumb [seconds]`: the first frame when no moment is given."""
    words = _plain(body)
    _no_more(words[1:])
    at = _seconds(words[0], "/thumb") if words else 0.0
    return Thumbnail(at)


def parse_size(text: str, option: str) -> tuple[int, int]:
    """`1280x720` (or 1280×720, 1280 720): each side checked against the tools' limits."""
    match = _SIZE.match(text.strip()) or _SIZE.match(text.strip().replace(" ", "x", 1))
    if match is None:
        raise OptionError("option.bad_value", option=option, value=text, valid="WxH, e.g. 1280x720")
    width, height = int(match[1]), int(match[2])
    checks.check_size(width, height)
    return width, height


def _unquoted(text: str) -> str:
    """`"Happy birthday"` as the words themselves, without their quotes."""
    if len(text) > 1 and QUOTES.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return text


def _plain(body: str) -> list[str]:
    """The words of a command that takes no options (an option is named and refused)."""
    words, _ = split_options(body, (), _valid)
    return words


def _no_more(words: list[str]) -> None:
    if words:
        raise UserError("tool.extra_words", words=" ".join(words)[:60])


def _choice(option: str, value: str, allowed: tuple[Word, ...]) -> Word:
    normal = value.strip().lower()
    for choice in allowed:
        if normal == choice:
            return choice
    raise OptionError("option.bad_value", option=option, value=value, valid=", ".join(allowed))


def _number(word: str, option: str) -> float:
    try:
        value = float(word.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise OptionError("option.bad_value", option=option, value=word, valid="a number")
    return value


def _seconds(word: str, option: str) -> float:
    value = _number(word.lower().removesuffix("s"), option)
    if value < 0:
        raise OptionError("option.bad_value", option=option, value=word, valid="0 or more seconds")
    return value


def _font_size(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not checks.MIN_FONT <= int(value) <= MAX_FONT:
        valid = f"{checks.MIN_FONT} … {MAX_FONT}"
        raise OptionError("option.bad_value", option="--size", value=value, valid=valid)
    return int(value)


def _valid(name: str) -> str:
    return {
        "--style": ", ".join(STYLES),
        "--pos": ", ".join(POSITIONS),
        "--filter": "sepia, black-and-white, vintage, cinematic",
        "--size": "WxH (/edit) or a number (/text)",
    }.get(name, "TEXT")
