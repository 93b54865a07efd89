"""The Bot API methods the emulator answers, by lower-cased name (Telegram ignores case)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.telegram import (
    api_chats,
    api_edit,
    api_inline,
    api_misc,
    api_payments,
    api_send,
    api_updates,
)
from sandbox.telegram.api_common import ApiContext
from sandbox.telegram.params import Params

Method = Callable[[ApiContext, Params], Awaitable[Any]]

METHODS: dict[str, Method] = {
    name.lower(): handler
    for name, handler in {
        "getMe": api_misc.get_me,
        "getUpdates": api_updates.get_updates,
        "setWebhook": api_updates.set_webhook,
        "deleteWebhook": api_updates.delete_webhook,
        "getWebhookInfo": api_updates.get_webhook_info,
        "setMyCommands": api_misc.set_my_commands,
        "getMyCommands": api_misc.get_my_commands,
        "deleteMyCommands": api_misc.delete_my_commands,
        "sendMessage": api_send.send_message,
        "sendPhoto": api_send.send_photo,
        "sendVideo": api_send.send_video,
        "sendAnimation": api_send.send_animation,
        "sendAudio": api_send.send_audio,
        "sendDocument": api_send.send_document,
        "editMessageText": api_edit.edit_message_text,
        "editMessageCaption": api_edit.edit_message_caption,
        "editMessageMedia": api_edit.edit_message_media,
        "editMessageReplyMarkup": api_edit.edit_message_reply_markup,
        "deleteMessage": api_edit.delete,
        "sendChatAction": api_misc.send_chat_action,
        "setMessageReaction": api_misc.set_message_reaction,
        "answerCallbackQuery": api_misc.answer_callback_query,
        "getFile": api_misc.get_file,
        "getChat": api_misc.get_chat,
        "getChatMember": api_chats.get_chat_member,
        "getChatAdministrators": api_chats.get_chat_administrators,
        "sendInvoice": api_payments.send_invoice,
        "answerPreCheckoutQuery": api_payments.answer_pre_checkout_query,
        "refundStarPayment": api_payments.refund_star_payment,
        "getStarTransactions": api_payments.get_star_transactions,
        "getMyStarBalance": api_payments.get_my_star_balance,
        "answerInlineQuery": api_inline.answer_inline_query,
    }.items()
}
