"""Suite-wide set-up."""

import os

# python-telegram-bot 22 warns on every int duration (RetryAfter among them) unless opted in to
# timedelta durations; the bot opts in the same way in `python -m bot`.
os.environ.setdefault("PTB_TIMEDELTA", "1")

# PostgreSQL for the tests that need it: the server at TEST_DATABASE_URL, or a throwaway cluster,
# or a skip with the reason; under CI=true a skipped PostgreSQL suite fails the run instead.
from tests.postgres import (
    postgres_clean,
    postgres_fresh,
    postgres_server,
    postgres_url,
    pytest_runtest_makereport,
)

# Tests over five seconds say why (`@pytest.mark.slow("...")`); the others are listed.
pytest_plugins = ["tests.slow"]

__all__ = [
    "postgres_clean",
    "postgres_fresh",
    "postgres_server",
    "postgres_url",
    "pytest_runtest_makereport",
]
