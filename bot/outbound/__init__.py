"""Everything the bot sends to Telegram: the outbound scheduler and the notifier."""
