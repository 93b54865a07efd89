"""ffmpeg arguments for each video tool, built as plain lists so they read (and test) as data.

Every video comes out as H.264 in yuv420p with even sides and AAC sound, moov atom first
(`+faststart`), so Telegram can play it while it loads."""

from __future__ import annotations

from pathlib import Path

from bot.domain.tools import MediaInfo, VideoFilterName

H264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "22", "-pix_fmt", "yuv420p"]
AAC = ["-c:a", "aac", "-b:a", "128k"]
MP4 = ["-movflags", "+faststart"]
EVEN = "scale=trunc(iw/2)*2:trunc(ih/2)*2"
MAX_FPS = 60.0
DEFAULT_FPS = 25.0

VIDEO_FILTERS: dict[VideoFilterName, str] = {
    "vintage": "curves=preset=vintage,eq=saturation=0.85,vignette=angle=PI/5",
    "cinematic": (
        "eq=contrast=1.12:saturation=1.1,"
        "colorbalance=rs=-0.06:bs=0.08:rh=0.06:bh=-0.06,vignette=angle=PI/6"
    ),
    "black-and-white": "hue=s=0",
}


def trim(source: Path, dest: Path, start: float, end: float, info: MediaInfo) -> list[str]:
    """Re-encoded rather than copied: a copy could only cut at keyframes."""
    return [
        "-ss", f"{start:.3f}", "-i", str(source), "-t", f"{end - start:.3f}",
        *_streams(info), "-vf", EVEN, *_encode(info), str(dest),
    ]  # fmt: skip


def video_filter(source: Path, dest: Path, name: VideoFilterName, info: MediaInfo) -> list[str]:
    graph = f"{VIDEO_FILTERS[name]},{EVEN}"
    return ["-i", str(source), *_streams(info), "-vf", graph, *_encode(info), str(dest)]


def change_speed(source: Path, dest: Path, factor: float, info: MediaInfo) -> list[str]:
    """New timestamps for the frames, then the source's frame rate again (frames dropped or
    repeated); the sound through atempo, so both end together."""
    fps = min(info.fps or DEFAULT_FPS, MAX_FPS)
    graph = f"setpts=PTS/{factor:.6g},fps={fps:.6g},{EVEN}"
    sound = ["-af", atempo_chain(factor)] if info.has_audio else []
    return [
        "-i", str(source), *_streams(info), "-vf", graph, *sound, *_encode(info), str(dest),
    ]  # fmt: skip


def atempo_chain(factor: float) -> str:
    """atempo keeps its best quality from 0.5 to 2: chain steps of 2 or 0.5 for the rest."""
    steps: list[float] = []
    while factor > 2:
        steps.append(2.0)
        factor /= 2
    while factor < 0.5:
        steps.append(0.5)
        factor /= 0.5
    steps.append(factor)
    return ",".join(f"atempo={step:.6g}" for step in steps)


def resize(source: Path, dest: Path, width: int, height: int, info: MediaInfo) -> list[str]:
    """Exactly WxH, square pixels: the size asked for is the size shown."""
    graph = f"scale={width}:{height},setsar=1"
    return ["-i", str(source), *_streams(info), "-vf", graph, *_encode(info), str(dest)]


def thumbnail(source: Path, dest: Path, at: float) -> list[str]:
    return [
        "-ss", f"{at:.3f}", "-i", str(source), "-frames:v", "1", "-q:v", "2", "-update", "1",
        str(dest),
    ]  # fmt: skip


def extract_audio(source: Path, dest: Path) -> list[str]:
    return ["-i", str(source), "-map", "0:a:0", "-vn", "-c:a", "libmp3lame", "-q:a", "2", str(dest)]


def _streams(info: MediaInfo) -> list[str]:
    """The first video stream, and the first sound track when there is one."""
    audio = ["-map", "0:a:0"] if info.has_audio else []
    return ["-map", "0:v:0", *audio, "-sn", "-dn"]


def _encode(info: MediaInfo) -> list[str]:
    return [*H264, *(AAC if info.has_audio else ["-an"]), *MP4]
