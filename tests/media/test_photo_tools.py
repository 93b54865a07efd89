"""/edit and /text with Pillow, checked on the pixels of the result."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from bot.domain.errors import UserError
from bot.domain.tools import EditPhoto, ResultKind, TextOnPhoto, TextPosition, ToolOutput
from bot.media.tools import LocalTools, text
from tests.media.media import colourful, inputs, rgb, save


async def edit(tools: LocalTools, photo: Path, request: EditPhoto | TextOnPhoto) -> Image.Image:
    output = await tools.run(request, inputs(photo), photo.parent)
    return opened(output)


def pixels(image: Image.Image) -> list[tuple[int, int, int]]:
    data = image.convert("RGB").tobytes()
    return list(zip(data[0::3], data[1::3], data[2::3], strict=True))


def opened(output: ToolOutput) -> Image.Image:
    assert output.kind is ResultKind.PHOTO
    assert output.path is not None
    with Image.open(output.path) as image:
        assert image.format == "JPEG"
        return image.convert("RGB")


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return save(colourful(), tmp_path / "photo.png")


async def test_sepia_is_brown_from_dark_to_light(tools: LocalTools, photo: Path) -> None:
    result = await edit(tools, photo, EditPhoto("add-filter", filter="sepia"))
    toned = pixels(result)
    # JPEG may blur a channel by a level or two; the order red > green > blue must hold.
    assert all(r + 3 >= g and g + 3 >= b for r, g, b in toned)
    assert sum(r - b for r, _, b in toned) / len(toned) > 30


@pytest.mark.parametrize("name", ["black-and-white", "Black_and_White", "bw", "grayscale"])
async def test_black_and_white_has_no_colour(tools: LocalTools, photo: Path, name: str) -> None:
    result = await edit(tools, photo, EditPhoto("add-filter", filter=name))
    assert all(max(p) - min(p) <= 3 for p in pixels(result))
    assert ImageStat.Stat(result.convert("L")).stddev[0] > 20  # still a picture, not a blank


@pytest.mark.parametrize("name", ["vintage", "cinematic"])
async def test_looks_darken_the_corners(tools: LocalTools, tmp_path: Path, name: str) -> None:
    grey = save(Image.new("RGB", (120, 90), (150, 150, 150)), tmp_path / "grey.png")
    result = await edit(tools, grey, EditPhoto("add-filter", filter=name))
    centre, corner = rgb(result, (60, 45)), rgb(result, (2, 2))
    assert sum(corner) < sum(centre) - 30
    assert result.size == (120, 90)


async def test_vintage_is_warm(tools: LocalTools, tmp_path: Path) -> None:
    grey = save(Image.new("RGB", (60, 60), (128, 128, 128)), tmp_path / "grey.png")
    result = await edit(tools, grey, EditPhoto("add-filter", filter="vintage"))
    red, _, blue = rgb(result, (30, 30))
    assert red > blue + 20


async def test_colour_adjust_stretches_a_dull_photo(tools: LocalTools, tmp_path: Path) -> None:
    dull = colourful().point(lambda v: 100 + v // 5)  # every level squeezed into 100..151
    result = await edit(tools, save(dull, tmp_path / "dull.png"), EditPhoto("color-adjust"))
    levels = result.convert("L").tobytes()
    assert min(levels) < 40 and max(levels) > 215


async def test_resize_to_an_exact_size(tools: LocalTools, photo: Path) -> None:
    result = await edit(tools, photo, EditPhoto("resize", width=301, height=17))
    assert result.size == (301, 17)


async def test_resize_with_one_side_keeps_the_shape(tools: LocalTools, photo: Path) -> None:
    result = await edit(tools, photo, EditPhoto("resize", width=240))
    assert result.size == (240, 180)


async def test_a_sideways_photo_is_edited_upright(tools: LocalTools, tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = save(colourful(120, 90), tmp_path / "sideways.jpg", exif=exif)
    result = await edit(tools, photo, EditPhoto("add-filter", filter="sepia"))
    assert result.size == (90, 120)


async def test_transparency_becomes_white(tools: LocalTools, tmp_path: Path) -> None:
    clear = save(Image.new("RGBA", (40, 40), (0, 0, 0, 0)), tmp_path / "clear.png")
    result = await edit(tools, clear, EditPhoto("add-filter", filter="black-and-white"))
    assert min(rgb(result, (20, 20))) >= 250


@pytest.mark.parametrize(
    ("request_", "key"),
    [
        (EditPhoto("add-filter"), "tool.photo_filter_missing"),
        (EditPhoto("add-filter", filter="lomo"), "tool.photo_filter_unknown"),
        (EditPhoto("resize"), "tool.size_missing"),
        (EditPhoto("resize", width=5000, height=100), "tool.size_range"),
        (EditPhoto("resize", width=15), "tool.size_range"),
        (TextOnPhoto("   "), "tool.text_missing"),
        (TextOnPhoto("hi", font_size=4), "tool.font_size_range"),
        (TextOnPhoto("hi", font_size=46), "tool.font_size_range"),  # half of 90 is the most
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
async def test_impossible_photo_edits_are_refused(
    tools: LocalTools, photo: Path, request_: EditPhoto | TextOnPhoto, key: str
) -> None:
    with pytest.raises(UserError) as refused:
        await tools.run(request_, inputs(photo), photo.parent)
    assert refused.value.key == key


async def test_refusals_name_the_valid_range(tools: LocalTools, photo: Path) -> None:
    with pytest.raises(UserError) as refused:
        await tools.run(EditPhoto("resize", width=5000, height=10), inputs(photo), photo.parent)
    assert refused.value.params == {"width": 5000, "height": 10, "min": 16, "max": 4096}
    with pytest.raises(UserError) as unknown:
        await tools.run(EditPhoto("add-filter", filter="Lomo"), inputs(photo), photo.parent)
    assert unknown.value.params == {
        "name": "Lomo",
        "valid": "sepia, black-and-white, vintage, cinematic",
    }


async def test_a_photo_edit_on_a_video_is_refused(tools: LocalTools, silent_clip: Path) -> None:
    for request in (EditPhoto("color-adjust"), TextOnPhoto("hello")):
        with pytest.raises(UserError) as refused:
            await tools.run(request, inputs(silent_clip), silent_clip.parent)
        assert refused.value.key == "tool.needs_photo"


async def test_an_unreadable_photo_is_refused(tools: LocalTools, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"garbage" * 20)
    with pytest.raises(UserError) as refused:
        await tools.run(EditPhoto("color-adjust"), inputs(broken), tmp_path)
    assert refused.value.key == "media.unreadable"


async def test_results_do_not_overwrite_each_other(tools: LocalTools, photo: Path) -> None:
    first = await tools.run(EditPhoto("color-adjust"), inputs(photo), photo.parent)
    second = await tools.run(EditPhoto("color-adjust"), inputs(photo), photo.parent)
    assert first.path != second.path


# -- text --------------------------------------------------------------------------------------


def changed_box(before: Image.Image, after: Image.Image) -> tuple[int, int, int, int]:
    box = ImageChops.difference(before, after).convert("L").point(lambda v: 255 * (v > 40))
    found = box.getbbox()
    assert found is not None, "nothing was drawn"
    return found


POSITIONS: list[tuple[TextPosition, tuple[float, float]]] = [
    ("top-left", (0.25, 0.25)),
    ("top-right", (0.75, 0.25)),
    ("bottom-left", (0.25, 0.75)),
    ("bottom-right", (0.75, 0.75)),
    ("center", (0.5, 0.5)),
]


@pytest.mark.parametrize(("position", "where"), POSITIONS, ids=[p for p, _ in POSITIONS])
async def test_text_lands_where_asked(
    tools: LocalTools, tmp_path: Path, position: TextPosition, where: tuple[float, float]
) -> None:
    grey = Image.new("RGB", (400, 300), (128, 128, 128))
    photo = save(grey, tmp_path / "grey.png")
    result = await edit(tools, photo, TextOnPhoto("Hello", position=position))
    left, top, right, bottom = changed_box(grey, result)
    centre_x, centre_y = (left + right) / 2 / 400, (top + bottom) / 2 / 300
    assert abs(centre_x - where[0]) < 0.2 and abs(centre_y - where[1]) < 0.2
    assert left >= 4 and top >= 4 and right <= 396 and bottom <= 296  # inside the margin


@pytest.mark.parametrize("background", [(0, 0, 0), (255, 255, 255)], ids=["black", "white"])
async def test_text_reads_on_any_background(
    tools: LocalTools, tmp_path: Path, background: tuple[int, int, int]
) -> None:
    plain = Image.new("RGB", (300, 200), background)
    result = await edit(tools, save(plain, tmp_path / "plain.png"), TextOnPhoto("Hello"))
    levels = [sum(pixel) / 3 for pixel in pixels(result.crop(changed_box(plain, result)))]
    assert any(level > 230 for level in levels)  # the white letters
    assert any(level < 25 for level in levels)  # their dark outline


async def test_long_text_wraps_inside_the_photo(tools: LocalTools, tmp_path: Path) -> None:
    grey = Image.new("RGB", (300, 200), (128, 128, 128))
    photo = save(grey, tmp_path / "grey.png")
    _, top, _, bottom = changed_box(grey, await edit(tools, photo, TextOnPhoto("Hello")))
    one_line = bottom - top
    words = "a long caption that cannot possibly fit on one line of this small photo " * 2
    left, top, right, bottom = changed_box(grey, await edit(tools, photo, TextOnPhoto(words)))
    assert right - left > 200  # it uses the width...
    assert bottom - top > 3 * one_line  # ...on several lines
    assert left >= 0 and right <= 300


async def test_the_default_size_grows_with_the_photo(tools: LocalTools, tmp_path: Path) -> None:
    heights = []
    for side in (200, 800):
        grey = Image.new("RGB", (side, side), (128, 128, 128))
        result = await edit(tools, save(grey, tmp_path / f"{side}.png"), TextOnPhoto("Hi"))
        _, top, _, bottom = changed_box(grey, result)
        heights.append((bottom - top) / side)
    assert heights[1] == pytest.approx(heights[0], rel=0.3)  # the same share of the photo


def test_too_much_text_is_cut_rather_than_shrunk_to_dust() -> None:
    layout = text.fit_layout("word " * 2000, 40, 640, 480)
    assert layout.font.size >= 20  # at most halved
    assert layout.lines[-1].endswith(" …")
    assert len(layout.lines) * layout.line_height <= 480 - 2 * layout.margin
