"""The results a bot answers an inline query with: checked as the Bot API server and Telegram
check them, and previewed as the web chat lists them."""

from __future__ import annotations

from typing import Any

from sandbox.telegram.api_common import caption_content, inline_markup, text_content
from sandbox.telegram.errors import bad_request
from sandbox.telegram.files import FileStore
from sandbox.telegram.inline import InlineAnswer
from sandbox.telegram.params import Params

MAX_RESULTS = 50
# type -> (URL field, cached file_id field, the kind of file it sends)
MEDIA_RESULTS = {
    "photo": ("photo_url", "photo_file_id", "photo"),
    "video": ("video_url", "video_file_id", "video"),
    "audio": ("audio_url", "audio_file_id", "audio"),
    "document": ("document_url", "document_file_id", "document"),
    "gif": ("gif_url", "gif_file_id", "animation"),
    "mpeg4_gif": ("mpeg4_url", "mpeg4_file_id", "animation"),
}
_TITLED = frozenset({"article", "video", "document"})
_NOT_EMULATED = frozenset({"contact", "game", "location", "sticker", "venue", "voice"})


def answer_api(answer: InlineAnswer, files: FileStore) -> dict[str, Any]:
    """The stored answer with a ``_preview`` on each result, for the control API."""
    data = answer.to_api()
    data["results"] = [{**r, "_preview": preview(r, files)} for r in answer.results]
    return data


def check_results(raw: Any, files: FileStore) -> list[dict[str, Any]]:
    """The bot's results, checked as the Bot API server and Telegram check them."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_request("Expected an Array of inline query results")
    if len(raw) > MAX_RESULTS:
        raise bad_request("Too many inline query results specified")
    results = [_checked(item, files) for item in raw]
    ids = [r["id"] for r in results]
    if len(set(ids)) != len(ids):
        raise bad_request("RESULT_ID_DUPLICATE")
    return results


def _checked(item: Any, files: FileStore) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _parse_error("Inline query result must be an object")
    kind = str(_string(item, "type")).lower()
    result_id = _string(item, "id")
    if not 1 <= len(result_id.encode()) <= 64:
        raise bad_request("RESULT_ID_INVALID")
    if kind in _NOT_EMULATED:
        raise _parse_error(f'type "{kind}" is not emulated by the sandbox')
    if kind != "article" and kind not in MEDIA_RESULTS:
        raise _parse_error(f'type "{kind}" is unsupported for the inline query result')
    if kind in _TITLED:
        _string(item, "title")
    _check_content(item, kind, files)
    return {**item, "type": kind}


def _check_content(item: dict[str, Any], kind: str, files: FileStore) -> None:
    content = item.get("input_message_content")
    if kind == "article" and not isinstance(content, dict):
        raise _parse_error('Can\'t find field "input_message_content"')
    if content is not None:
        if not isinstance(content, dict) or "message_text" not in content:
            raise _parse_error("only InputTextMessageContent is emulated by the sandbox")
        text_content(text_params(content))
    if kind in MEDIA_RESULTS:
        _check_file(item, kind, files)
        caption_content(Params(item, {}))
    if item.get("reply_markup") is not None:
        inline_markup(Params({"reply_markup": item["reply_markup"]}, {}))


def _check_file(item: dict[str, Any], kind: str, files: FileStore) -> None:
    url_field, id_field, _ = MEDIA_RESULTS[kind]
    if item.get(url_field):
        return
    file_id = item.get(id_field)
    if not file_id:
        raise _parse_error(f'Can\'t find field "{id_field}"')
    stored = files.get(str(file_id))
    if stored is None or stored.kind == "thumbnail":
        raise bad_request("wrong file identifier/HTTP URL specified")


def text_params(content: dict[str, Any]) -> Params:
    """An InputTextMessageContent as the parameters of a sendMessage."""
    values = {"text": content.get("message_text"), "parse_mode": content.get("parse_mode"),
              "entities": content.get("entities")}  # fmt: skip
    return Params(values, {})


def preview(result: dict[str, Any], files: FileStore) -> dict[str, Any]:
    """What the web chat shows for a result: a title, a line, a thumbnail."""
    kind = result["type"]
    data: dict[str, Any] = {
        "kind": kind,
        "title": result.get("title") or result.get("caption") or kind.title(),
        "description": result.get("description") or "",
    }
    if result.get("thumbnail_url"):
        data["thumbnail_url"] = result["thumbnail_url"]
    elif kind in MEDIA_RESULTS:
        stored = files.get(str(result.get(MEDIA_RESULTS[kind][1]) or ""))
        thumb = stored.thumbnail if stored else None
        if stored is not None and stored.kind == "photo":
            thumb = stored.photo_sizes[0]
        if thumb is not None:
            data["thumbnail_file_id"] = thumb.file_id
    return data


def _string(item: dict[str, Any], name: str) -> str:
    if name not in item:
        raise _parse_error(f'Can\'t find field "{name}"')
    value = item[name]
    if not isinstance(value, str):
        raise _parse_error(f'Field "{name}" must be of type String')
    return value


def _parse_error(detail: str) -> Exception:
    return bad_request(f"Can't parse inline query result: {detail}")
