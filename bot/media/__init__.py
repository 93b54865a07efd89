"""Media files on the bot's side: fetching provider results, joining chains with ffmpeg."""
