"""Who may do what in a chat: chat admins by getChatMember, bot admins by ADMIN_USER_IDS."""

from __future__ import annotations

import logging

from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.domain.models import Job
from bot.telegram.context import ChatContext

logger = logging.getLogger(__name__)

ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def is_chat_admin(context: ChatContext, chat_id: int, user_id: int) -> bool:
    """Private chats: the user owns the chat. Elsewhere: an admin or owner of it, or a bot
    admin."""
    if chat_id > 0 or context.bot_data.chat.is_admin(user_id):
        return True
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        logger.info("getChatMember failed: %s", exc)
        return False
    return member.status in ADMIN_STATUSES


async def may_press(context: ChatContext, job: Job, chat_id: int, user_id: int) -> bool:
    """A job's buttons belong to its requester and the chat's admins."""
    if job.origin.user_id == user_id:
        return True
    return await is_chat_admin(context, chat_id, user_id)
