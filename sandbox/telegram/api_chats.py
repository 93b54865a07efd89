"""Members of the seeded chats: getChatMember and getChatAdministrators."""

from __future__ import annotations

from typing import Any

from sandbox.telegram.api_common import ApiContext, find_chat
from sandbox.telegram.errors import bad_request
from sandbox.telegram.params import Params
from sandbox.telegram.state import TelegramState
from sandbox.telegram.world import ADMIN, CREATOR, KICKED, RESTRICTED, ChatRecord

_ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_pin_messages",
)  # fmt: skip
_MEMBER_RIGHTS = (
    "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
    "can_send_other_messages", "can_add_web_page_previews", "can_change_info",
    "can_invite_users", "can_pin_messages", "can_manage_topics",
)  # fmt: skip


def member_json(state: TelegramState, chat: ChatRecord, user_id: int) -> dict[str, Any]:
    user = state.world.bot if user_id == state.bot_id else state.world.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    status = state.world.member_status(chat, user_id) or "left"
    data: dict[str, Any] = {"status": status, "user": user.to_api()}
    if status == CREATOR:
        data["is_anonymous"] = False
    if status == ADMIN:
        data.update(dict.fromkeys(_ADMIN_RIGHTS, True), can_be_edited=False, is_anonymous=False)
        if chat.type == "channel":
            data.update(can_post_messages=True, can_edit_messages=True)
        if chat.is_forum:
            data["can_manage_topics"] = True
    if status == RESTRICTED:
        data.update(dict.fromkeys(_MEMBER_RIGHTS, True), is_member=True, until_date=0)
    if status == KICKED:
        data["until_date"] = 0
    return data


async def get_chat_member(ctx: ApiContext, p: Params) -> dict[str, Any]:
    chat = find_chat(ctx.state, p)
    user_id = p.get_int("user_id", required=True)
    assert user_id is not None
    return member_json(ctx.state, chat, user_id)


async def get_chat_administrators(ctx: ApiContext, p: Params) -> list[dict[str, Any]]:
    chat = find_chat(ctx.state, p)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    admins = [uid for uid, status in chat.members.items() if status in (ADMIN, CREATOR)]
    return [member_json(ctx.state, chat, uid) for uid in admins]
