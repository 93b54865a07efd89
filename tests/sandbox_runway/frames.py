"""Reading the emulator's text back out of its frames: near-white ink, cut into glyphs."""

from __future__ import annotations

from PIL import Image, ImageChops

INK_LEVEL = 160  # text is drawn white; everything else in these frames is darker


def ink(frame: Image.Image) -> Image.Image:
    """The pixels whose darkest channel is bright (the text), as a black-and-white mask."""
    red, green, blue = frame.convert("RGB").split()
    darkest = ImageChops.darker(ImageChops.darker(red, green), blue)
    return darkest.point(lambda value: 255 if value > INK_LEVEL else 0)


def inked(mask: Image.Image) -> int:
    return mask.histogram()[255]


def glyphs(mask: Image.Image) -> list[Image.Image]:
    """The runs of inked columns from left to right, each cropped to its ink."""
    pixels = mask.load()
    assert pixels is not None
    width, height = mask.size
    columns = [any(pixels[x, y] for y in range(height)) for x in range(width)]
    found: list[Image.Image] = []
    start: int | None = None
    for x, has_ink in enumerate([*columns, False]):
        if has_ink and start is None:
            start = x
        elif not has_ink and start is not None:
            run = mask.crop((start, 0, x, height))
            found.append(run.crop(run.getbbox()))
            start = None
    return found


def is_box(glyph: Image.Image) -> bool:
    """True for a .notdef-like outline: ink along most of all four sides of its bounds."""
    pixels = glyph.load()
    assert pixels is not None
    width, height = glyph.size
    sides = [
        [pixels[x, 0] for x in range(width)],
        [pixels[x, height - 1] for x in range(width)],
        [pixels[0, y] for y in range(height)],
        [pixels[width - 1, y] for y in range(height)],
    ]
    return all(sum(1 for value in side if value) >= 0.8 * len(side) for side in sides)


def alike(a: Image.Image, b: Image.Image, tolerance: float = 0.15) -> bool:
    """The same shape, up to a pixel of size and a few pixels of antialiasing."""
    if abs(a.width - b.width) > 1 or abs(a.height - b.height) > 1:
        return False
    size = (max(a.width, b.width), max(a.height, b.height))
    canvas_a, canvas_b = Image.new("L", size), Image.new("L", size)
    canvas_a.paste(a)
    canvas_b.paste(b)
    differ = inked(ImageChops.difference(canvas_a, canvas_b))
    return differ <= tolerance * max(inked(a), inked(b))
