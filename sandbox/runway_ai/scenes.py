"""The pictures generate-image draws for a prompt, one look per style, from a seeded dice:
photorealistic (soft light over hills), sketch (the same scene as pencil lines on white),
abstract (flat fields of bold colour). The prompt itself is shown in a band at the top."""

from __future__ import annotations

import colorsys
import math
import random
from collections.abc import Callable

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from sandbox.runway_ai.captions import prompt_band

STYLES = ("photorealistic", "sketch", "abstract")
PENCIL = (45, 45, 50, 255)
EDGE_FLOOR = 14  # weaker edges are the sky's gradient steps, not outlines
SHADE_BELOW = 70  # luminance under which the sketch hatches
RGB = tuple[int, int, int]


def picture(prompt: str, style: str, size: tuple[int, int], seed: int) -> Image.Image:
    """The finished RGB picture for `prompt` in `style`."""
    rng = random.Random(seed)
    scene = DRAWERS[style](size, rng).convert("RGBA")
    if style == "sketch":
        prompt_band(scene, prompt, ink=PENCIL, paper=(255, 255, 255, 0))
    else:
        prompt_band(scene, prompt)
    return scene.convert("RGB")


def photorealistic(size: tuple[int, int], rng: random.Random) -> Image.Image:
    softness = max(1.0, min(size) / 160)
    return landscape(size, rng).filter(ImageFilter.GaussianBlur(softness))


def sketch(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Pencil on white paper: the landscape's outlines, its dark parts hatched."""
    scene = landscape(size, rng).convert("L")
    edges = scene.filter(ImageFilter.FIND_EDGES).crop((1, 1, size[0] - 1, size[1] - 1))
    lines = Image.new("L", size, 0)
    lines.paste(edges.point(lambda v: min(255, v * 8) if v >= EDGE_FLOOR else 0), (1, 1))
    outlines = ImageOps.invert(lines.filter(ImageFilter.MaxFilter(3)))
    shade = scene.point(lambda v: 255 if v < SHADE_BELOW else 0)
    paper = Image.composite(_hatching(size), Image.new("L", size, 255), shade)
    return ImageChops.darker(outlines, paper).filter(ImageFilter.SMOOTH).convert("RGB")


def _hatching(size: tuple[int, int]) -> Image.Image:
    width, height = size
    hatch = Image.new("L", size, 255)
    draw = ImageDraw.Draw(hatch)
    step = max(4, min(size) // 60)
    for x in range(-height, width, step):
        draw.line((x, height, x + height, 0), fill=150)
    return hatch


def abstract(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Hard-edged shapes in a few saturated colours over a flat ground."""
    palette = [_colour(rng.random(), 0.85, 0.92) for _ in range(5)]
    image = Image.new("RGB", size, palette[0])
    draw = ImageDraw.Draw(image)
    for _ in range(9):
        _shape(draw, size, rng, rng.choice(palette[1:]))
    return image


def landscape(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A sky that brightens to the horizon, a glowing sun, rolling hills lit from above."""
    hue = rng.random()
    image = _vertical_gradient(size, _colour(hue, 0.6, 0.45), _colour(hue + 0.06, 0.25, 0.97))
    _sun(image, rng, _colour(hue + 0.12, 0.35, 1.0))
    for layer in range(3):
        top = _colour(hue + 0.3 + layer * 0.04, 0.45, 0.75 - layer * 0.18)
        _hill(image, rng, layer, top, _colour(hue + 0.3, 0.55, 0.3 - layer * 0.08))
    return image


def _vertical_gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    ramp = Image.linear_gradient("L").resize(size)
    return ImageOps.colorize(ramp, top, bottom)


def _sun(image: Image.Image, rng: random.Random, colour: RGB) -> None:
    width, height = image.size
    radius = int(min(width, height) * rng.uniform(0.08, 0.13))
    cx, cy = int(width * rng.uniform(0.2, 0.8)), int(height * rng.uniform(0.35, 0.5))
    glow = Image.new("L", image.size, 0)
    ImageDraw.Draw(glow).ellipse(
        (cx - 2 * radius, cy - 2 * radius, cx + 2 * radius, cy + 2 * radius), 140
    )
    image.paste(colour, (0, 0), glow.filter(ImageFilter.GaussianBlur(radius)))
    ImageDraw.Draw(image).ellipse((cx - radius, cy - radius, cx + radius, cy + radius), colour)


def _hill(image: Image.Image, rng: random.Random, layer: int, top: RGB, bottom: RGB) -> None:
    width, height = image.size
    base = height * (0.6 + layer * 0.12)
    amplitude, phase = height * rng.uniform(0.03, 0.08), rng.uniform(0, math.tau)
    waves = rng.uniform(1.0, 2.5)
    ridge = [
        (x, base - amplitude * math.sin(phase + waves * math.tau * x / width))
        for x in range(0, width + 8, 8)
    ]
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).polygon([*ridge, (width, height), (0, height)], fill=255)
    image.paste(_vertical_gradient(image.size, top, bottom), (0, 0), mask)


def _shape(draw: ImageDraw.ImageDraw, size: tuple[int, int], rng: random.Random, fill: RGB) -> None:
    width, height = size
    x0, y0 = rng.uniform(-0.1, 0.8) * width, rng.uniform(-0.1, 0.8) * height
    x1, y1 = x0 + rng.uniform(0.15, 0.5) * width, y0 + rng.uniform(0.15, 0.5) * height
    kind = rng.randrange(3)
    if kind == 0:
        draw.rectangle((x0, y0, x1, y1), fill=fill)
    elif kind == 1:
        draw.ellipse((x0, y0, x1, y1), fill=fill)
    else:
        draw.polygon([(x0, y1), ((x0 + x1) / 2, y0), (x1, y1)], fill=fill)


def _colour(hue: float, saturation: float, value: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, saturation, max(0.0, min(1.0, value)))
    return round(r * 255), round(g * 255), round(b * 255)


DRAWERS: dict[str, Callable[[tuple[int, int], random.Random], Image.Image]] = {
    "photorealistic": photorealistic,
    "sketch": sketch,
    "abstract": abstract,
}
