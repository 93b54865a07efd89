"""The media tools on this machine: the bundled ffmpeg for videos, Pillow for photos."""

from bot.media.tools.local import LocalTools

__all__ = ["LocalTools"]
