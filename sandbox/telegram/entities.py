"""Message text: formatting (HTML, MarkdownV2, Markdown) and the entities Telegram detects.

Offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from sandbox.telegram.errors import ApiError, bad_request

Entity = dict[str, Any]

_AUTO_PATTERNS = (
    ("bot_command", re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}")),
    ("hashtag", re.compile(r"(?<![\w#])#\w+")),
    ("url", re.compile(r"\bhttps?://[^\s<>\"]+")),
)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def detect_entities(text: str) -> list[Entity]:
    """The entities Telegram adds on its own: commands, mentions, hashtags and links."""
    found: list[Entity] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group()),
                }
            )
    return sorted(found, key=lambda e: (e["offset"], e["type"]))


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Apply ``parse_mode``; return the plain text and its formatting entities."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return _HtmlText(text).result()
    if mode == "markdownv2":
        return _MarkdownText(text, v2=True).result()
    if mode == "markdown":
        return _MarkdownText(text, v2=False).result()
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


def _cant_parse(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class _HtmlText(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._parts: list[str] = []
        self._length = 0
        self._open: list[tuple[str, int, dict[str, str | None]]] = []
        self._entities: list[Entity] = []

    def result(self) -> tuple[str, list[Entity]]:
        self.feed(self._source)
        self.close()
        if self._open:
            tag = self._open[-1][0]
            raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{tag}"')
        return "".join(self._parts), sorted(self._entities, key=lambda e: e["offset"])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise _cant_parse(f'Unsupported start tag "{tag}" at byte offset {self._offset()}')
        self._open.append((tag, self._length, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            raise _cant_parse(f"Unexpected end tag at byte offset {self._offset()}")
        _, start, attrs = self._open.pop()
        if self._length > start:
            self._entities.append(self._entity(tag, start, attrs))

    def handle_data(self, data: str) -> None:
        self._parts.append(data)
        self._length += utf16_len(data)

    def _entity(self, tag: str, start: int, attrs: dict[str, str | None]) -> Entity:
        entity: Entity = {"type": _HTML_TAGS[tag], "offset": start, "length": self._length - start}
        if tag == "a":
            entity["url"] = attrs.get("href") or ""
        if tag == "pre" and attrs.get("language"):
            entity["language"] = attrs["language"]
        return entity

    def _offset(self) -> int:
        line, col = self.getpos()
        lines = self._source.split("\n")
        before = "".join(f"{text}\n" for text in lines[: line - 1])
        return len((before + lines[line - 1][:col]).encode())


_V2_MARKS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_V1_MARKS = {"*": "bold", "_": "italic"}


class _MarkdownText:
    """A small MarkdownV2 / legacy Markdown reader with Telegram's error wording."""

    def __init__(self, source: str, *, v2: bool) -> None:
        self._src = source
        self._v2 = v2
        self._pos = 0
        self._parts: list[str] = []
        self._length = 0
        self._open: list[tuple[str, int, int]] = []  # mark, utf16 start, source position
        self._entities: list[Entity] = []

    def result(self) -> tuple[str, list[Entity]]:
        while self._pos < len(self._src):
            self._step()
        if self._open:
            mark, _, pos = self._open[-1]
            name = _V2_MARKS.get(mark, "TextUrl" if mark == "[" else mark).title()
            raise _cant_parse(f"Can't find end of {name} entity at byte offset {self._byte(pos)}")
        return "".join(self._parts), sorted(self._entities, key=lambda e: e["offset"])

    def _step(self) -> None:
        char = self._src[self._pos]
        if char == "\\" and self._v2 and self._pos + 1 < len(self._src):
            self._emit(self._src[self._pos + 1])
            self._pos += 2
        elif char == "`":
            self._code()
        elif self._src.startswith("__", self._pos) and self._v2:
            self._toggle("__")
        elif self._src.startswith("||", self._pos) and self._v2:
            self._toggle("||")
        elif char in (_V2_MARKS if self._v2 else _V1_MARKS):
            self._toggle(char)
        elif char == "[":
            self._open.append(("[", self._length, self._pos))
            self._pos += 1
        elif char == "]" and self._open and self._open[-1][0] == "[":
            self._link_end()
        elif self._v2 and char in _V2_RESERVED:
            raise _cant_parse(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            self._emit(char)
            self._pos += 1

    def _emit(self, text: str) -> None:
        self._parts.append(text)
        self._length += utf16_len(text)

    def _toggle(self, mark: str) -> None:
        if self._open and self._open[-1][0] == mark:
            _, start, _ = self._open.pop()
            self._add(_V2_MARKS[mark], start)
        else:
            self._open.append((mark, self._length, self._pos))
        self._pos += len(mark)

    def _add(self, kind: str, start: int, **extra: str) -> None:
        if self._length > start:
            self._entities.append(
                {"type": kind, "offset": start, "length": self._length - start, **extra}
            )

    def _code(self) -> None:
        fence = "```" if self._src.startswith("```", self._pos) else "`"
        end = self._src.find(fence, self._pos + len(fence))
        if end < 0:
            name = "Pre" if fence == "```" else "Code"
            raise _cant_parse(f"Can't find end of {name} entity at byte offset {self._byte()}")
        body = self._src[self._pos + len(fence) : end]
        language = ""
        if fence == "```" and "\n" in body:
            first, rest = body.split("\n", 1)
            if first and " " not in first:
                language, body = first, rest
        start = self._length
        self._emit(re.sub(r"\\([`\\])", r"\1", body) if self._v2 else body)
        extra = {"language": language} if language else {}
        self._add("pre" if fence == "```" else "code", start, **extra)
        self._pos = end + len(fence)

    def _link_end(self) -> None:
        _, start, _ = self._open.pop()
        if not self._src.startswith("(", self._pos + 1):
            raise _cant_parse(f"Can't find end of a URL at byte offset {self._byte()}")
        end = self._src.find(")", self._pos + 2)
        if end < 0:
            raise _cant_parse(f"Can't find end of a URL at byte offset {self._byte()}")
        url = self._src[self._pos + 2 : end].replace("\\)", ")").replace("\\\\", "\\")
        self._add("text_link", start, url=url)
        self._pos = end + 1

    def _byte(self, pos: int | None = None) -> int:
        return len(self._src[: self._pos if pos is None else pos].encode())
