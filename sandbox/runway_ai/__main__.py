"""`python -m sandbox.runway_ai --port N`: run the Runway AI API emulator alone."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from sandbox.runway_ai.app import serve_runway_ai
from sandbox.runway_ai.config import KnobError, RunwayAiKnobs, check_knobs

logger = logging.getLogger("sandbox.runway_ai")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox.runway_ai", description=__doc__)
    add = parser.add_argument
    add("--host", default="127.0.0.1")
    add("--port", type=int, default=0, help="0 picks a free port")
    add("--key", help="require this Bearer key (otherwise any key is accepted)")
    add("--latency", type=float, default=0.0, help="extra seconds per call")
    add("--failure-rate", type=float, default=0.0, help="share of calls answered 500")
    add("--rate-429", type=float, default=0.0, help="share of calls answered 429")
    add("--hang", type=float, default=0.0, help="seconds to hold each answer back")
    add("--seed", type=int)
    add("--fps", type=int, default=RunwayAiKnobs.fps, help="default frames per second")
    add("--video-short-side", type=int, default=RunwayAiKnobs.video_short_side)
    add("--image-size", default="1024x768", help="generated images, WIDTHxHEIGHT")
    add("--soundtrack", action="store_true", help="give generated videos a tone")
    add("--allow-remote-urls", action="store_true", help="fetch from other hosts too")
    add("--files-dir", help="keep results here instead of a temp dir")
    add("--log-level", default="INFO")
    return parser.parse_args(argv)


def knobs_from(args: argparse.Namespace) -> RunwayAiKnobs:
    width, _, height = args.image_size.partition("x")
    return check_knobs(
        RunwayAiKnobs(
            api_key=args.key,
            latency=args.latency,
            failure_rate=args.failure_rate,
            rate_429=args.rate_429,
            hang=args.hang,
            seed=args.seed,
            fps=args.fps,
            video_short_side=args.video_short_side,
            image_width=int(width),
            image_height=int(height),
            soundtrack=args.soundtrack,
            allow_remote_urls=args.allow_remote_urls,
            files_dir=args.files_dir,
        )
    )


async def serve_forever(knobs: RunwayAiKnobs, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM, then shut down cleanly (the temp files removed)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with serve_runway_ai(knobs, host=host, port=port) as running:
        logger.info("Runway AI API emulator listening on %s", running.url)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        knobs = knobs_from(args)
    except (KnobError, ValueError) as exc:
        raise SystemExit(f"bad option: {exc}") from None
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(knobs, args.host, args.port))
    logger.info("Runway AI API emulator stopped")


if __name__ == "__main__":
    main()
