"""Suite-wide set-up."""

import os

# python-telegram-bot 22 warns on every int duration (RetryAfter among them) unless opted in to
# timedelta durations; the bot opts in the same way in `python -m bot`.
os.environ.setdefault("PTB_TIMEDELTA", "1")
