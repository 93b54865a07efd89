"""Test media made once per session with the bundled ffmpeg, and ways to measure results
that do not rely on the emulator's own probe: frame counts, WAV lengths, pixel statistics."""

from __future__ import annotations

import asyncio
import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
from PIL import Image, ImageDraw, ImageStat

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]


@dataclass(frozen=True)
class Samples:
    """Input files the tests serve to the emulator from their own loopback server."""

    colours: Path  # 2 s, 96x64 at 8 fps: red for a second, then blue; a 440 Hz tone
    pattern: Path  # 2 s, 96x64 at 8 fps: a colourful test pattern, no sound
    photo: Path  # 120x90 PNG: a warm-to-cool gradient with a white disc
    reference: Path  # 64x64 PNG: green and magenta stripes


def make_samples(directory: Path) -> Samples:
    samples = Samples(
        directory / "colours.mp4",
        directory / "pattern.mp4",
        directory / "photo.png",
        directory / "reference.png",
    )
    _ffmpeg(
        "-f", "lavfi", "-i", "color=red:s=96x64:r=8:d=1",
        "-f", "lavfi", "-i", "color=blue:s=96x64:r=8:d=1",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]",
        "-map", "[v]", "-map", "2:a", *H264, "-c:a", "aac", str(samples.colours),
    )  # fmt: skip
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=96x64:r=8:d=2", *H264, str(samples.pattern))
    _draw_photo(samples.photo)
    _draw_reference(samples.reference)
    return samples


def _ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-v", "error", "-y", *args], check=True)  # noqa: S603


def _draw_photo(dest: Path) -> None:
    ramp = Image.linear_gradient("L").rotate(90).resize((120, 90))
    photo = Image.merge(
        "RGB",
        (ramp, Image.new("L", ramp.size, 110), ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
    )
    ImageDraw.Draw(photo).ellipse((40, 25, 80, 65), fill="white")
    photo.save(dest)


def _draw_reference(dest: Path) -> None:
    stripes = Image.new("RGB", (64, 64), (20, 200, 40))
    draw = ImageDraw.Draw(stripes)
    for x in range(0, 64, 8):
        draw.rectangle((x, 0, x + 3, 63), fill=(220, 30, 200))
    stripes.save(dest)


# -- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Streams:
    """What `ffmpeg -i` reports, read by the tests' own patterns."""

    duration: float
    video_codec: str | None
    pixel_format: str | None
    width: int | None
    height: int | None
    fps: float | None
    audio_codec: str | None


async def run_ffmpeg(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        FFMPEG,
        "-hide_banner",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, err.decode(errors="replace")


async def streams(path: Path) -> Streams:
    _, report = await run_ffmpeg("-i", str(path))
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", report)
    assert duration, report
    video = re.search(r"Video: (\w+)[^,]*, (\w+)[^,]*?, (\d+)x(\d+)", report)
    fps = re.search(r"Video: .*?([\d.]+) fps", report)
    audio = re.search(r"Audio: (\w+)", report)
    h, m, s = duration.groups()
    return Streams(
        duration=int(h) * 3600 + int(m) * 60 + float(s),
        video_codec=video.group(1) if video else None,
        pixel_format=video.group(2) if video else None,
        width=int(video.group(3)) if video else None,
        height=int(video.group(4)) if video else None,
        fps=float(fps.group(1)) if fps else None,
        audio_codec=audio.group(1) if audio else None,
    )


async def sound_seconds(path: Path, scratch: Path) -> float:
    """The length of the first sound track, decoded to WAV and counted in samples."""
    wav = scratch / f"{path.stem}.wav"
    code, report = await run_ffmpeg("-v", "error", "-y", "-i", str(path), "-map", "0:a:0", str(wav))
    assert code == 0, report
    with wave.open(str(wav)) as track:
        return float(track.getnframes() / track.getframerate())


async def frame_count(path: Path) -> int:
    """Frames of the first video stream, counted by decoding them all."""
    code, report = await run_ffmpeg("-i", str(path), "-map", "0:v:0", "-f", "null", "-")
    assert code == 0, report
    frames = re.findall(r"frame=\s*(\d+)", report)
    assert frames, report
    return int(frames[-1])


async def frame_at(path: Path, seconds: float, dest: Path) -> Image.Image:
    code, report = await run_ffmpeg(
        "-v", "error", "-y", "-ss", f"{seconds}", "-i", str(path), "-frames:v", "1", str(dest)
    )  # fmt: skip
    assert code == 0, report
    with Image.open(dest) as frame:
        return frame.convert("RGB")


async def decodes_cleanly(path: Path) -> bool:
    code, errors = await run_ffmpeg("-v", "error", "-i", str(path), "-f", "null", "-")
    return code == 0 and not errors.strip()


def mean_rgb(image: Image.Image) -> tuple[float, float, float]:
    red, green, blue = ImageStat.Stat(image.convert("RGB")).mean
    return red, green, blue


def greyness(image: Image.Image) -> float:
    """The largest difference between a pixel's channels, on average: 0 for pure grey."""
    red, green, blue = (band.tobytes() for band in image.convert("RGB").split())
    spread = [max(r, g, b) - min(r, g, b) for r, g, b in zip(red, green, blue, strict=True)]
    return sum(spread) / len(spread)


def mean_saturation(image: Image.Image) -> float:
    return ImageStat.Stat(image.convert("HSV").getchannel("S")).mean[0]


def share(image: Image.Image, test: int, *, above: bool) -> float:
    """The share of pixels whose grey level is above (or below) `test`."""
    grey = grey_levels(image)
    hits = sum(1 for v in grey if (v > test if above else v < test))
    return hits / len(grey)


def roughness(image: Image.Image) -> float:
    """Mean grey difference between horizontal neighbours: low for smooth gradients."""
    width = image.width
    values = grey_levels(image)
    diffs = [abs(values[i + 1] - values[i]) for i in range(len(values) - 1) if (i + 1) % width]
    return sum(diffs) / len(diffs)


def grey_levels(image: Image.Image) -> bytes:
    """Every pixel's grey level, row by row."""
    return image.convert("L").tobytes()
