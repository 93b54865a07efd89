"""Persistence: the SQLite job store and its numbered schema migrations."""
