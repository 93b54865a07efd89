"""What the video endpoints do, as ffmpeg runs: every result is H.264 yuv420p in MP4 (with AAC
sound when the source had a sound track), and audio comes out as MP3."""

from __future__ import annotations

import asyncio
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

from sandbox.runway_ai.captions import prompt_band
from sandbox.runway_ai.ffmpeg import Ffmpeg

H264 = ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p")
AAC = ("-c:a", "aac", "-b:a", "128k")
MP4 = ("-movflags", "+faststart")
EVEN = "scale=trunc(iw/2)*2:trunc(ih/2)*2,setsar=1"
FAST_PNG = 1  # zlib level for the scratch PNGs ffmpeg reads once
ZOOM = 1.2  # how much larger than the frame an animated still is prepared

VIDEO_FILTERS = {
    "black-and-white": "hue=s=0",
    "sepia": "colorchannelmixer=.393:.769:.189:0:.349:.686:.168:0:.272:.534:.131",
    "vintage": (
        "colorchannelmixer=.5:.6:.15:0:.3:.6:.12:0:.25:.45:.2,"
        "eq=contrast=0.85:brightness=0.04:saturation=0.8,vignette=PI/4"
    ),
    "cinematic": (
        "eq=contrast=1.15:saturation=0.9,"
        "colorbalance=rs=-0.08:bs=0.10:rh=0.08:bh=-0.08,"
        "drawbox=x=0:y=0:w=iw:h=ih/10:color=black:t=fill,"
        "drawbox=x=0:y=ih-ih/10:w=iw:h=ih/10:color=black:t=fill"
    ),
}


def frame_size(width: int, height: int, short_side: int) -> tuple[int, int]:
    """(width, height) scaled so its short side is `short_side`, both sides even, the ratio
    kept within 9:21..21:9 so a panorama still makes a watchable video."""
    ratio = min(max(width / height, 9 / 21), 21 / 9)
    if ratio >= 1:
        return _even(short_side * ratio), _even(short_side)
    return _even(short_side), _even(short_side / ratio)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


async def text_video(
    ff: Ffmpeg, prompt: str, duration: int, fps: int, short_side: int, sound: bool, out: Path
) -> None:
    """A drifting colour field with a ball moving over it, the prompt in a band at the top."""
    width, height = frame_size(16, 9, short_side)
    seed = zlib.crc32(prompt.encode())
    text, ball = out.with_name("text.png"), out.with_name("ball.png")
    await asyncio.to_thread(_draw_layers, prompt, (width, height), seed, text, ball)
    field = f"gradients=s={width}x{height}:r={fps}:speed=0.02:n=4:seed={seed}"
    moving = (
        f"overlay=x='(W-w)*(0.5+0.45*sin(2*PI*t/{duration}))'"
        f":y='(H-h)*(0.55+0.35*cos(4*PI*t/{duration}))'"
    )
    inputs = ["-f", "lavfi", "-i", field, "-i", str(text), "-i", str(ball)]
    graph = f"[0:v][2:v]{moving}[m];[m][1:v]overlay=0:0,format=yuv420p[v]"
    audio: list[str] = []
    if sound:
        inputs += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
        audio = ["-map", "3:a", *AAC]
    await ff.run(
        *inputs, "-filter_complex", graph, "-map", "[v]", *audio, "-t", str(duration),
        "-r", str(fps), *H264, *MP4, str(out),
    )  # fmt: skip


def _draw_layers(prompt: str, size: tuple[int, int], seed: int, text: Path, ball: Path) -> None:
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    prompt_band(layer, prompt)
    layer.save(text, compress_level=FAST_PNG)
    diameter = max(8, min(size) // 5)
    disc = Image.new("RGBA", (diameter, diameter), (0, 0, 0, 0))
    colour = (80 + seed % 170, 80 + seed // 7 % 170, 80 + seed // 49 % 170, 235)
    ImageDraw.Draw(disc).ellipse((0, 0, diameter - 1, diameter - 1), fill=colour)
    disc.save(ball, compress_level=FAST_PNG)


async def animate_still(
    ff: Ffmpeg, still: Path, size: tuple[int, int], duration: int, fps: int, out: Path
) -> None:
    """A slow zoom towards the picture's centre with a gentle sideways drift."""
    frames = duration * fps
    zoom = (
        f"zoompan=z='1+{ZOOM - 1:.2f}*on/{frames}'"
        f":x='(iw-iw/zoom)*(0.5+0.3*sin(PI*on/{frames}))':y='(ih-ih/zoom)/2'"
        f":d={frames}:s={size[0]}x{size[1]}:fps={fps}"
    )
    await ff.run(
        "-i", str(still), "-vf", f"{zoom},setsar=1,format=yuv420p", "-frames:v", str(frames),
        *H264, *MP4, str(out),
    )  # fmt: skip


def prepare_still(image: Image.Image, size: tuple[int, int], dest: Path) -> None:
    """Crop and scale the picture to cover `size` times ZOOM, room for the zoom to move in."""
    cover = (_even(size[0] * ZOOM), _even(size[1] * ZOOM))
    scale = max(cover[0] / image.width, cover[1] / image.height)
    resized = image.resize((round(image.width * scale) + 1, round(image.height * scale) + 1))
    left, top = (resized.width - cover[0]) // 2, (resized.height - cover[1]) // 2
    resized.crop((left, top, left + cover[0], top + cover[1])).save(dest, compress_level=FAST_PNG)


async def trim(ff: Ffmpeg, source: Path, start: float, end: float, out: Path) -> None:
    await ff.run(
        "-ss", f"{start:.3f}", "-i", str(source), "-t", f"{end - start:.3f}",
        *_streams(), "-vf", EVEN, *H264, *AAC, *MP4, str(out),
    )  # fmt: skip


async def filtered(ff: Ffmpeg, source: Path, name: str, out: Path) -> None:
    video = f"{EVEN},{VIDEO_FILTERS[name]},format=yuv420p"
    await ff.run("-i", str(source), *_streams(), "-vf", video, *H264, *AAC, *MP4, str(out))


async def speed(
    ff: Ffmpeg, source: Path, factor: float, fps: float, has_audio: bool, out: Path
) -> None:
    """Play `factor` times as fast; the sound track, if any, changes tempo to stay in step."""
    graph = f"[0:v]setpts=PTS/{factor},fps={fps:g},{EVEN}[v]"
    maps = ["-map", "[v]"]
    if has_audio:
        graph += f";[0:a]{atempo_chain(factor)}[a]"
        maps += ["-map", "[a]", *AAC]
    await ff.run("-i", str(source), "-filter_complex", graph, *maps, *H264, *MP4, str(out))


def atempo_chain(factor: float) -> str:
    """atempo takes 0.5..100 per stage: slower than half speed takes several stages."""
    stages = []
    while factor < 0.5:
        stages.append("atempo=0.5")
        factor /= 0.5
    stages.append(f"atempo={factor:g}")
    return ",".join(stages)


async def resized(ff: Ffmpeg, source: Path, width: int, height: int, out: Path) -> None:
    """Exactly width x height: scaled to fit, the rest filled with black bars (no stretching)."""
    video = (
        f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p"
    )
    await ff.run("-i", str(source), *_streams(), "-vf", video, *H264, *AAC, *MP4, str(out))


async def thumbnail(ff: Ffmpeg, source: Path, at: float, out: Path) -> None:
    await ff.run(
        "-ss", f"{at:.3f}", "-i", str(source), "-frames:v", "1", "-update", "1", "-q:v", "2",
        str(out),
    )  # fmt: skip
    if not await asyncio.to_thread(
        out.exists
    ):  # a position within the last frame's span: take the last frame
        await ff.run("-sseof", "-0.5", "-i", str(source), "-update", "1", "-q:v", "2", str(out))


async def audio_track(ff: Ffmpeg, source: Path, out: Path) -> None:
    await ff.run(
        "-i", str(source), "-map", "0:a:0", "-vn", "-c:a", "libmp3lame", "-q:a", "4", str(out)
    )


def _streams() -> list[str]:
    """The first picture and, when there is one, the first sound track."""
    return ["-map", "0:v:0", "-map", "0:a:0?"]
