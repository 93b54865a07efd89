"""Real MP4s for the emulator's tasks, rendered by ffmpeg two at a time off the event loop."""

from __future__ import annotations

import asyncio
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

from sandbox.runway import overlay
from sandbox.runway.catalog import SHORT_SIDE, fit_short_side, frame_size
from sandbox.runway.probe import probe_video

logger = logging.getLogger(__name__)

ZOOM = 1.25  # how much larger than the frame a still is prepared, for the slow zoom
ENCODE = ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p")
FINISH = "setsar=1,format=yuv420p,split[v][c]"


class RenderError(Exception):
    """ffmpeg could not produce the video."""


@dataclass(frozen=True, slots=True)
class Scene:
    """What every rendered video shows: the prompt, the watermark, for how long."""

    prompt: str
    watermark: str
    duration: int
    fps: int


@dataclass(frozen=True, slots=True)
class Outputs:
    """Where one task's files go, and a scratch dir for its intermediate files."""

    video: Path
    cover: Path
    scratch: Path


class Renderer:
    """Turns scenes into H.264 MP4s and cover PNGs, at most `concurrency` at a time."""

    def __init__(self, ffmpeg: str, concurrency: int = 2) -> None:
        self._ffmpeg = ffmpeg
        self._slots = asyncio.Semaphore(concurrency)

    async def text_video(
        self, scene: Scene, ratio: str, quality: str, out: Outputs
    ) -> tuple[int, int]:
        size = frame_size(ratio, quality)
        seed = zlib.crc32(scene.prompt.encode())
        ball = out.scratch / "ball.png"
        await asyncio.to_thread(overlay.draw_ball, ball, min(size) // 6, seed)
        source = f"gradients=s={size[0]}x{size[1]}:r={scene.fps}:speed=0.02:n=4:seed={seed}"
        period = scene.duration
        moving = (
            f"overlay=x='(W-w)*(0.5+0.45*sin(2*PI*t/{period}))'"
            f":y='(H-h)*(0.5+0.4*cos(4*PI*t/{period}))'"
        )
        graph = f"[0:v][2:v]{moving}[m];[m][1:v]overlay=0:0,{FINISH}"
        await self._render(scene, size, ["-f", "lavfi", "-i", source], graph, out, str(ball))
        return size

    async def image_video(
        self, scene: Scene, image: Path, quality: str, out: Outputs
    ) -> tuple[int, int]:
        """Animate a still: a slow zoom towards its centre with a gentle drift."""
        still = out.scratch / "still.png"
        size = await asyncio.to_thread(
            overlay.prepare_still, image, still, SHORT_SIDE[quality], ZOOM
        )
        frames = scene.duration * scene.fps
        zoom = (
            f"zoompan=z='1+{ZOOM - 1:.2f}*on/{frames}'"
            f":x='(iw-iw/zoom)*(0.5+0.3*sin(PI*on/{frames}))':y='(ih-ih/zoom)/2'"
            f":d={frames}:s={size[0]}x{size[1]}:fps={scene.fps}"
        )
        source = ["-i", str(still)]  # one frame that zoompan holds for the whole video
        graph = f"[0:v]{zoom}[m];[m][1:v]overlay=0:0,{FINISH}"
        await self._render(scene, size, source, graph, out)
        return size

    async def extend_video(
        self, scene: Scene, parent: Path, quality: str, out: Outputs
    ) -> tuple[int, int]:
        """Continue a video from its last frame, keeping its aspect ratio."""
        last = out.scratch / "last.png"
        async with self._slots:
            await self._ffmpeg_run("-sseof", "-0.5", "-i", str(parent), "-update", "1", str(last))
        return await self.image_video(scene, last, quality, out)

    async def aleph_video(
        self, scene: Scene, source: Path, size: tuple[int, int] | None, out: Outputs
    ) -> tuple[int, int]:
        """Restyle the first seconds of a video: shifting hues over coloured edges."""
        if size is None:
            info = await probe_video(self._ffmpeg, source)
            size = fit_short_side(info.width, info.height, SHORT_SIDE["720p"])
        w, h = size
        style = (
            f"fps={scene.fps},scale={w}:{h}:force_original_aspect_ratio=increase:out_range=tv,"
            f"crop={w}:{h},hue=h=72*t:s=1.8,edgedetect=mode=colormix:high=0.15"
        )
        graph = f"[0:v]{style}[m];[m][1:v]overlay=0:0,{FINISH}"
        await self._render(scene, size, ["-stream_loop", "-1", "-i", str(source)], graph, out)
        return size

    async def _render(
        self,
        scene: Scene,
        size: tuple[int, int],
        source: list[str],
        graph: str,
        out: Outputs,
        *extras: str,
    ) -> None:
        """Input 0 is the scene, input 1 the text layer, inputs 2... the `extras` images."""
        text = out.scratch / "text.png"
        await asyncio.to_thread(overlay.draw_text_layer, text, size, scene.prompt, scene.watermark)
        args = [*source, "-i", str(text)]
        for extra in extras:
            args += ["-i", extra]
        args += ["-filter_complex", graph]
        video = ["-map", "[v]", "-t", str(scene.duration), "-r", str(scene.fps), *ENCODE]
        video += ["-an", "-movflags", "+faststart", str(out.video)]
        cover = ["-map", "[c]", "-frames:v", "1", str(out.cover)]
        async with self._slots:
            await self._ffmpeg_run(*args, *video, *cover)

    async def _ffmpeg_run(self, *args: str) -> None:
        process = await asyncio.create_subprocess_exec(
            self._ffmpeg,
            "-hide_banner",
            "-v",
            "error",
            "-y",
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, errors = await process.communicate()
        except asyncio.CancelledError:
            process.kill()
            await process.wait()
            raise
        if process.returncode != 0:
            raise RenderError(errors.decode(errors="replace")[-800:])
