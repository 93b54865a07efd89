"""Per-chat defaults through an inline keyboard: ratio, duration, quality, watermark. In groups
only chat admins change them."""

from __future__ import annotations

from dataclasses import replace

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.errors import RequestRuleError
from bot.domain.models import AspectRatio, Quality, VideoOptions
from bot.telegram.context import Awaiting, ChatContext, Prompt
from bot.telegram.i18n import text
from bot.telegram.permissions import is_chat_admin
from bot.telegram.render import rule_text
from bot.telegram.replies import answer, language, send

PATTERN = r"^set:(ar|dur|q|wm|nowm)(:.*)?$"


def _title(lang: str, options: VideoOptions) -> str:
    ratio = options.aspect_ratio.value if options.aspect_ratio else "16:9"
    return text(
        lang,
        "settings.title",
        ratio=ratio,
        duration=options.duration,
        quality=options.quality.value,
        watermark=options.watermark or text(lang, "settings.no_watermark"),
    )


def _mark(label: str, chosen: bool) -> str:
    return f"• {label} •" if chosen else label


def _keyboard(lang: str, options: VideoOptions) -> InlineKeyboardMarkup:
    def choice(field: str, value: str, chosen: bool) -> InlineKeyboardButton:
        return InlineKeyboardButton(_mark(value, chosen), callback_data=f"set:{field}:{value}")

    return InlineKeyboardMarkup(
        [
            [choice("ar", r.value, options.aspect_ratio is r) for r in AspectRatio],
            [choice("dur", f"{d}", options.duration == d) for d in (5, 10)]
            + [choice("q", q.value, options.quality is q) for q in Quality],
            [
                InlineKeyboardButton(
                    text(lang, "settings.button_watermark"), callback_data="set:wm"
                ),
                InlineKeyboardButton(
                    text(lang, "settings.button_clear_watermark"), callback_data="set:nowm"
                ),
            ],
        ]
    )


async def settings(update: Update, context: ChatContext) -> None:
    message = update.effective_message
    assert message is not None
    options = await context.bot_data.chat.defaults(message.chat_id)
    lang = language(update)
    await send(update, context, _title(lang, options), _keyboard(lang, options))


async def button(update: Update, context: ChatContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    lang = language(update)
    chat_id = query.message.chat.id
    if not await is_chat_admin(context, chat_id, query.from_user.id):
        await query.answer(text(lang, "settings.admins_only"), show_alert=True)
        return
    field, _, value = query.data.removeprefix("set:").partition(":")
    if field == "wm":
        await query.answer()
        await _ask_watermark(update, context)
        return
    current = await context.bot_data.chat.defaults(chat_id)
    try:
        saved = await context.bot_data.chat.save_defaults(chat_id, _changed(current, field, value))
    except RequestRuleError as exc:
        await query.answer(rule_text(lang, exc)[:200], show_alert=True)
        return
    await query.answer(text(lang, "settings.saved"))
    await query.edit_message_text(_title(lang, saved), reply_markup=_keyboard(lang, saved))


def _changed(options: VideoOptions, field: str, value: str) -> VideoOptions:
    if field == "ar":
        return replace(options, aspect_ratio=AspectRatio(value))
    if field == "dur":
        return replace(options, duration=int(value))
    if field == "q":
        return replace(options, quality=Quality(value))
    return replace(options, watermark="")


async def _ask_watermark(update: Update, context: ChatContext) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    lang = language(update)
    prompt = await context.bot.send_message(
        query.message.chat.id,
        text(lang, "settings.ask_watermark"),
        message_thread_id=_thread(update),
        reply_markup=ForceReply(selective=True),
    )
    context.bot_data.prompts[prompt.chat_id, prompt.message_id] = Prompt(Awaiting.WATERMARK)


def _thread(update: Update) -> int | None:
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


async def set_watermark(update: Update, context: ChatContext, value: str) -> bool:
    """A reply to our watermark prompt; True when it was taken."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    if user is None or not await is_chat_admin(context, message.chat_id, user.id):
        await answer(update, context, "settings.admins_only")
        return False
    current = await context.bot_data.chat.defaults(message.chat_id)
    watermark = value.strip()[:100]
    await context.bot_data.chat.save_defaults(
        message.chat_id, replace(current, watermark=watermark)
    )
    await answer(update, context, "settings.watermark_saved", text=watermark)
    return True
