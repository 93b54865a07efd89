"""The whole bot with its emulators (tests/chat's sandbox), and a crowd made as bench.crowd
makes it: jobs generating at the provider, their statuses shown, finishing through the
service's one door."""

from __future__ import annotations

from tests.chat.conftest import start_sandbox

__all__ = ["start_sandbox"]
