"""The bot's HTTP server: provider callbacks, the Telegram webhook, health and metrics."""
