"""The Telegram edge: handlers that parse updates and render answers, and the notifier."""
