"""Reading and writing the photos a call works on: any format Pillow reads, out as JPEG."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from sandbox.runway_ai.errors import invalid

MAX_PIXELS = 40_000_000
JPEG_QUALITY = 90


def open_rgb(path: Path, field: str) -> Image.Image:
    """The picture at `path` upright and in RGB, or a 422 naming `field`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise invalid(f"{field} is {opened.width}x{opened.height}: too many pixels")
                upright = ImageOps.exif_transpose(opened)
                return upright.convert("RGB")
    except (
        UnidentifiedImageError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
        OSError,
        ValueError,
    ) as exc:
        raise invalid(f"{field} is not an image that can be read (JPEG, PNG, WebP, ...)") from exc


def save_jpeg(image: Image.Image, dest: Path) -> Path:
    image.convert("RGB").save(dest, format="JPEG", quality=JPEG_QUALITY)
    return dest
