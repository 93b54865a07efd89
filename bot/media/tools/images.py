"""Reading and writing photos with Pillow: upright, opaque RGB in, JPEG out.

Synchronous on purpose: callers run these in `asyncio.to_thread`."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from bot.domain.errors import UserError
from bot.media.probe import IMAGE_ERRORS

JPEG_QUALITY = 90
WHITE = (255, 255, 255)


def load_upright_rgb(path: Path) -> Image.Image:
    """The picture as the user sees it: EXIF rotation applied, transparency laid on white,
    CMYK, palette and grey converted to RGB. The first frame of an animation."""
    try:
        with Image.open(path) as opened:
            opened.load()
            upright = ImageOps.exif_transpose(opened)
            return _opaque_rgb(upright)
    except IMAGE_ERRORS as exc:
        raise UserError("media.unreadable") from exc


def _opaque_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, WHITE)
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def save_jpeg(image: Image.Image, dest: Path, quality: int = JPEG_QUALITY) -> Path:
    image.save(dest, "JPEG", quality=quality, optimize=True)
    return dest
