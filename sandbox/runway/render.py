"""Real MP4s for the emulator's tasks, rendered by ffmpeg two at a time off the event loop.

Each render writes the video, its cover (the first frame) and a plate: the last frame without
the text layer, from which an extension continues, so that it shows its own prompt only.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

from sandbox.runway import overlay
from sandbox.runway.catalog import SHORT_SIDE, even, fit_short_side, frame_size
from sandbox.runway.probe import probe_video

logger = logging.getLogger(__name__)

ZOOM = 1.25  # how much larger than the frame a still is prepared, for the slow zoom
ENCODE = ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p")
FINISH = "setsar=1,format=yuv420p,split[v][c]"
# zlib's fastest level for the two stills: ffmpeg's default spent a third of a 720p render's
# CPU time at 4 fps squeezing them; level 1 makes a 720p still of ~200 KB.
QUICK_PNG = ("-compression_level", "1")
HUE_SPEED = 72  # degrees per second of an Aleph video's shifting hues
GRADIENT_SCALE = 4  # text videos compute their background at 1/4 of the frame size
TINT_OPACITY = 0.35  # how strongly a reference image's colour covers an Aleph video


class RenderError(Exception):
    """ffmpeg could not produce the video."""


@dataclass(frozen=True, slots=True)
class Scene:
    """What every rendered video shows: the prompt, the watermark, for how long."""

    prompt: str
    watermark: str
    duration: int
    fps: int
    scale: float = 1.0  # of the quality's frame size: tests that never look at pixels go small

    def short_side(self, quality: str) -> int:
        return even(SHORT_SIDE[quality] * self.scale)

    def fit(self, size: tuple[int, int]) -> tuple[int, int]:
        return even(size[0] * self.scale), even(size[1] * self.scale)


@dataclass(frozen=True, slots=True)
class Outputs:
    """Where one task's files go, and a scratch dir for its intermediate files."""

    video: Path
    cover: Path
    plate: Path  # the last frame without text
    scratch: Path


@dataclass(frozen=True, slots=True)
class AlephStyle:
    """How an Aleph task restyles: the hue it starts from, and an optional tint colour."""

    hue: int
    tint: tuple[int, int, int] | None = None

    def filters(self) -> str:
        look = f"hue=h={self.hue}+{HUE_SPEED}*t:s=1.8,edgedetect=mode=colormix:high=0.15"
        if self.tint is None:
            return look
        colour = "0x{:02x}{:02x}{:02x}".format(*self.tint)
        return f"{look},drawbox=x=0:y=0:w=iw:h=ih:color={colour}@{TINT_OPACITY}:t=fill"


class Renderer:
    """Turns scenes into H.264 MP4s and cover PNGs, at most `concurrency` at a time."""

    def __init__(self, ffmpeg: str, concurrency: int = 2) -> None:
        self._ffmpeg = ffmpeg
        self._slots = asyncio.Semaphore(concurrency)

    async def text_video(
        self, scene: Scene, ratio: str, quality: str, out: Outputs
    ) -> tuple[int, int]:
        size = scene.fit(frame_size(ratio, quality))
        seed = zlib.crc32(scene.prompt.encode())
        ball = out.scratch / "ball.png"
        await asyncio.to_thread(overlay.draw_ball, ball, min(size) // 6, seed)
        # The gradients are smooth, so they are computed at a quarter of the size and scaled
        # up: the same picture for a fraction of ffmpeg's time.
        small = f"{max(2, size[0] // GRADIENT_SCALE)}x{max(2, size[1] // GRADIENT_SCALE)}"
        source = (
            f"gradients=s={small}:r={scene.fps}:speed=0.02:n=4:seed={seed},"
            f"scale={size[0]}:{size[1]}"
        )
        period = scene.duration
        moving = (
            f"overlay=x='(W-w)*(0.5+0.45*sin(2*PI*t/{period}))'"
            f":y='(H-h)*(0.5+0.4*cos(4*PI*t/{period}))'"
        )
        graph = f"[0:v][2:v]{moving}[m]"
        await self._render(scene, size, ["-f", "lavfi", "-i", source], graph, out, str(ball))
        return size

    async def image_video(
        self, scene: Scene, image: Path, quality: str, out: Outputs
    ) -> tuple[int, int]:
        """Animate a still: a slow zoom towards its centre with a gentle drift."""
        still = out.scratch / "still.png"
        size = await asyncio.to_thread(
            overlay.prepare_still, image, still, scene.short_side(quality), ZOOM
        )
        frames = scene.duration * scene.fps
        zoom = (
            f"zoompan=z='1+{ZOOM - 1:.2f}*on/{frames}'"
            f":x='(iw-iw/zoom)*(0.5+0.3*sin(PI*on/{frames}))':y='(ih-ih/zoom)/2'"
            f":d={frames}:s={size[0]}x{size[1]}:fps={scene.fps}"
        )
        source = ["-i", str(still)]  # one frame that zoompan holds for the whole video
        await self._render(scene, size, source, f"[0:v]{zoom}[m]", out)
        return size

    async def extend_video(
        self, scene: Scene, parent: Path, quality: str, out: Outputs
    ) -> tuple[int, int]:
        """Continue a video from its last frame, keeping its aspect ratio.

        Only for a parent without a plate, whose last frame still carries its text; a parent
        with a plate is continued by `image_video` of the plate.
        """
        last = out.scratch / "last.png"
        async with self._slots:
            await self._ffmpeg_run("-sseof", "-0.5", "-i", str(parent), "-update", "1", str(last))
        return await self.image_video(scene, last, quality, out)

    async def aleph_video(
        self,
        scene: Scene,
        source: Path,
        size: tuple[int, int] | None,
        style: AlephStyle,
        out: Outputs,
    ) -> tuple[int, int]:
        """Restyle the first seconds of a video: shifting hues over coloured edges, tinted."""
        if size is None:
            info = await probe_video(self._ffmpeg, source)
            size = fit_short_side(info.width, info.height, scene.short_side("720p"))
        else:
            size = scene.fit(size)
        w, h = size
        look = (
            f"fps={scene.fps},scale={w}:{h}:force_original_aspect_ratio=increase:out_range=tv,"
            f"crop={w}:{h},{style.filters()}"
        )
        looped = ["-stream_loop", "-1", "-i", str(source)]
        await self._render(scene, size, looped, f"[0:v]{look}[m]", out)
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
        """Input 0 is the scene, input 1 the text layer, inputs 2... the `extras` images.

        `graph` makes the scene `[m]`; the text goes on top here, so the plate has none.
        """
        text = out.scratch / "text.png"
        await asyncio.to_thread(overlay.draw_text_layer, text, size, scene.prompt, scene.watermark)
        args = [*source, "-i", str(text)]
        for extra in extras:
            args += ["-i", extra]
        last = scene.duration * scene.fps - 1
        tail = (
            f"[m]split[s][p];[s][1:v]overlay=0:0,{FINISH};"
            f"[p]trim=start_frame={last},setsar=1[plate]"
        )
        args += ["-filter_complex", f"{graph};{tail}"]
        video = ["-map", "[v]", "-t", str(scene.duration), "-r", str(scene.fps), *ENCODE]
        video += ["-an", "-movflags", "+faststart", str(out.video)]
        cover = ["-map", "[c]", "-frames:v", "1", *QUICK_PNG, str(out.cover)]
        plate = ["-map", "[plate]", "-frames:v", "1", *QUICK_PNG, str(out.plate)]
        async with self._slots:
            await self._ffmpeg_run(*args, *video, *cover, *plate)

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
