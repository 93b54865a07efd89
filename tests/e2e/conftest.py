"""The whole system: both emulators and the real bot (fixtures shared with tests/chat)."""

from tests.chat.conftest import start_sandbox

__all__ = ["start_sandbox"]
