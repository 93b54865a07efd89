"""Real test media made on the spot: clips from ffmpeg's test sources, photos from Pillow, and
independent measures of results (frames counted, sound decoded), not the code under test."""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import imageio_ffmpeg
from PIL import Image

from bot.domain.models import MediaFile
from bot.domain.tools import ToolInputs

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]


def ffmpeg(*args: str) -> None:
    subprocess.run(  # noqa: S603 - the bundled ffmpeg with fixed arguments
        [FFMPEG, "-nostdin", "-y", "-loglevel", "error", *args], check=True
    )


def header(path: Path) -> str:
    """What `ffmpeg -i` prints about a file."""
    result = subprocess.run(  # noqa: S603 - the bundled ffmpeg with fixed arguments
        [FFMPEG, "-nostdin", "-hide_banner", "-i", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stderr


def make_video(
    path: Path,
    seconds: float = 3.0,
    size: str = "160x120",
    audio: bool = True,
    video_filter: str = "",
    encode: tuple[str, ...] = tuple(H264),
) -> Path:
    source = f"testsrc=size={size}:rate=25:duration={seconds}{video_filter}"
    sound = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"] if audio else []
    codec = ["-c:a", "aac"] if audio else []
    ffmpeg("-f", "lavfi", "-i", source, *sound, *encode, *codec, str(path))
    return path


def video_seconds(path: Path) -> float:
    """The video stream's length, from ffmpeg reading it to the end."""
    _, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    return float(seconds)


def audio_seconds(path: Path) -> float:
    """The first sound track's length, decoded to WAV and measured by the wave module."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "sound.wav"
        ffmpeg("-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", "8000", str(target))
        with wave.open(str(target), "rb") as sound:
            return sound.getnframes() / sound.getframerate()


def frame(path: Path, at: float = 0.5) -> Image.Image:
    """One decoded frame as RGB."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "frame.png"
        ffmpeg("-ss", str(at), "-i", str(path), "-frames:v", "1", "-update", "1", str(target))
        with Image.open(target) as image:
            return image.convert("RGB")


def colourful(width: int = 120, height: int = 90) -> Image.Image:
    """Red across, green down, blue fixed: every pixel a different colour."""
    red = Image.linear_gradient("L").rotate(90).resize((width, height))
    green = Image.linear_gradient("L").resize((width, height))
    blue = Image.new("L", (width, height), 140)
    return Image.merge("RGB", (red, green, blue))


def save(
    image: Image.Image, path: Path, image_format: str | None = None, **options: object
) -> Path:
    image.save(path, image_format, **options)
    return path


def rgb(image: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int]:
    """One pixel of an RGB image, typed as such."""
    red, green, blue = image.convert("RGB").tobytes()[(xy[1] * image.width + xy[0]) * 3 :][:3]
    return red, green, blue


def size_of(path: Path) -> int:
    return path.stat().st_size


def media(path: Path) -> MediaFile:
    return MediaFile(path, path.name, path.stat().st_size)


def inputs(path: Path) -> ToolInputs:
    return ToolInputs(source=media(path))
