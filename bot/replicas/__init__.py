"""Several `python -m bot run` processes on one PostgreSQL database acting as one bot."""
