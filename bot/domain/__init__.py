"""The bot's core: models, rules, ports and the job service. Knows nothing of Telegram or HTTP."""
