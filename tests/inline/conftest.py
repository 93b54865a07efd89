"""Inline mode runs on the whole bot and both emulators: the chat suite's sandbox."""

from tests.chat.conftest import start_sandbox

__all__ = ["start_sandbox"]
