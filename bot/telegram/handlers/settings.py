"""Per-chat defaults through an inline keyboard: ratio, duration, quality, watermark. In groups
only chat admins change them."""

from __future__ import annotations

from dataclasses import replace

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.engines import Engines
from bot.domain.errors import UserError
from bot.domain.models import AspectRatio, Engine, JobKind, Quality, VideoOptions
from bot.domain.ports import Awaiting, ChatSettings, PendingPrompt
from bot.domain.rules import ALEPH_ONLY_RATIOS
from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.permissions import is_chat_admin
from bot.telegram.replies import answer, language, message_of, refusal_text, reply

PATTERN = r"^set:(ar|dur|q|wm|nowm|engine)(:.*)?$"
ENGINES = (Engine.KIE, Engine.RUNWAY_AI)  # where both are configured, a chat picks one
RATIOS = [ratio for ratio in AspectRatio if ratio not in ALEPH_ONLY_RATIOS]


def panel_text(lang: str, options: VideoOptions) -> str:
    ratio = options.aspect_ratio.value if options.aspect_ratio else AspectRatio.WIDE.value
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


def engine_text(lang: str, engines: Engines, chosen: ChatSettings) -> str:
    """The engine line of the panel, where the chat may choose one."""
    if not engines.choosable:
        return ""
    engine = engines.for_video(chosen.engine)
    return "\n" + text(lang, "settings.engine", engine=text(lang, f"engine.{engine.value}"))


def engine_row(
    lang: str, engines: Engines, chosen: ChatSettings
) -> list[list[InlineKeyboardButton]]:
    if not engines.choosable:
        return []
    current = engines.for_video(chosen.engine)
    return [
        [
            InlineKeyboardButton(
                _mark(text(lang, f"engine.{engine.value}"), engine is current),
                callback_data=f"set:engine:{engine.value}",
            )
            for engine in ENGINES
        ]
    ]


def panel_keyboard(lang: str, options: VideoOptions) -> InlineKeyboardMarkup:
    def choice(field: str, value: str, label: str, chosen: bool) -> InlineKeyboardButton:
        return InlineKeyboardButton(_mark(label, chosen), callback_data=f"set:{field}:{value}")

    seconds = [
        choice("dur", str(d), text(lang, "settings.seconds", count=d), options.duration == d)
        for d in (5, 10)
    ]
    qualities = [choice("q", q.value, q.value, options.quality is q) for q in Quality]
    return InlineKeyboardMarkup(
        [
            [choice("ar", r.value, r.value, options.aspect_ratio is r) for r in RATIOS],
            seconds + qualities,
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
    chosen = await context.bot_data.chat.settings(message_of(update).chat_id)
    await reply(update, *_panel(context, language(update), chosen))


def _panel(
    context: ChatContext, lang: str, chosen: ChatSettings
) -> tuple[str, InlineKeyboardMarkup]:
    """The settings panel: the video defaults, and the engine where the chat may choose."""
    engines = context.bot_data.service.engines
    keyboard = panel_keyboard(lang, chosen.options)
    rows = [*keyboard.inline_keyboard, *engine_row(lang, engines, chosen)]
    body = panel_text(lang, chosen.options) + engine_text(lang, engines, chosen)
    return body + price_text(context, lang, chosen), InlineKeyboardMarkup(rows)


def price_text(context: ChatContext, lang: str, chosen: ChatSettings) -> str:
    """What a text-to-video request with these defaults costs in Stars, when payments are on."""
    prices = context.bot_data.service.policy.prices
    engine = context.bot_data.service.engines.for_video(chosen.engine)
    if not prices.paid or engine is not Engine.KIE:
        return ""
    stars = prices.stars(prices.estimate(JobKind.TEXT, chosen.options))
    return "\n" + text(lang, "settings.price", count=stars)


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
    chat = context.bot_data.chat
    try:
        if field == "engine":
            await chat.save_engine(chat_id, _engine(context, value))
        else:
            await chat.save_defaults(chat_id, _changed(await chat.defaults(chat_id), field, value))
    except (UserError, ValueError) as exc:
        shown = (
            refusal_text(lang, exc) if isinstance(exc, UserError) else text(lang, "button.expired")
        )
        await query.answer(shown[:200], show_alert=True)
        return
    await query.answer(text(lang, "settings.saved"))
    body, markup = _panel(context, lang, await chat.settings(chat_id))
    await query.edit_message_text(body, reply_markup=markup)


def _engine(context: ChatContext, value: str) -> Engine:
    """A pressed engine button: one of the two, and only where both are configured."""
    engine = Engine(value)
    if engine not in ENGINES or not context.bot_data.service.engines.choosable:
        raise ValueError(f"engine {value!r} cannot be chosen here")
    return engine


def _changed(options: VideoOptions, field: str, value: str) -> VideoOptions:
    if field == "ar":
        return replace(options, aspect_ratio=AspectRatio(value))
    if field == "dur":
        return replace(options, duration=int(value))
    if field == "q":
        return replace(options, quality=Quality(value))
    return replace(options, watermark="")


async def _ask_watermark(update: Update, context: ChatContext) -> None:
    prompt = await answer(update, "settings.ask_watermark", ForceReply(selective=True))
    user = update.effective_user
    pending = PendingPrompt(Awaiting.WATERMARK, None, user.id if user else None)
    await context.bot_data.chat.remember_prompt(prompt.chat_id, prompt.message_id, pending)


async def set_watermark(update: Update, context: ChatContext, value: str) -> None:
    """A reply to our watermark prompt: saved, then the panel shown again as it now is."""
    message = message_of(update)
    user = update.effective_user
    if user is None or not await is_chat_admin(context, message.chat_id, user.id):
        raise UserError("settings.admins_only")
    chat = context.bot_data.chat
    current = await chat.defaults(message.chat_id)
    saved = await chat.save_defaults(message.chat_id, replace(current, watermark=value.strip()))
    lang = language(update)
    body = text(lang, "settings.watermark_saved", text=saved.watermark)
    panel, markup = _panel(context, lang, await chat.settings(message.chat_id))
    await reply(update, f"{body}\n\n{panel}", markup)
