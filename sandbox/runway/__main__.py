"""`python -m sandbox.runway --port N`: run the Runway API emulator alone.

Any knob can be set with `--knob NAME=VALUE` (VALUE as JSON: `--knob submit_fault='"drop"'`,
or a bare word for a string: `--knob record_shape=newer`); `GET /` lists the knobs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
from typing import Any

from sandbox.runway.app import serve_runway
from sandbox.runway.config import KnobError, RunwayKnobs, update_knobs

logger = logging.getLogger("sandbox.runway")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox.runway", description=__doc__)
    add = parser.add_argument
    add("--host", default="127.0.0.1")
    add("--port", type=int, default=0, help="0 picks a free port")
    add("--api-key", help="require this Bearer key (otherwise any key is accepted)")
    add("--hmac-key", help="sign callbacks with this key")
    add("--latency", type=float, default=RunwayKnobs.latency, help="seconds per task")
    add("--failure-rate", type=float, default=0.0, help="share of tasks that fail")
    add("--drop-callbacks", type=float, default=0.0, help="share of callbacks never sent")
    add("--duplicate-callbacks", type=float, default=0.0, help="share sent twice")
    add("--callback-delay", type=float, default=0.0, help="seconds before a callback")
    add("--rate-429", type=float, default=0.0, help="share of calls answered 429")
    add("--rate-500", type=float, default=0.0, help="share of calls answered 500")
    add("--generation-limit", type=int, default=RunwayKnobs.generation_limit)
    add("--generation-window", type=float, default=RunwayKnobs.generation_window)
    add("--credits", type=int, default=RunwayKnobs.credits)
    add("--fps", type=int, default=RunwayKnobs.fps)
    add("--min-video-bytes", type=int, default=0, help="pad MP4s to at least this size")
    add("--visibility-delay", type=float, default=0.0, help="seconds a new task answers 404")
    add("--seed", type=int)
    add("--files-dir", help="keep files here instead of a temp dir")
    add("--knob", action="append", default=[], metavar="NAME=VALUE", help="set any knob")
    add("--log-level", default="INFO")
    return parser.parse_args(argv)


def knobs_from(args: argparse.Namespace) -> RunwayKnobs:
    """The knobs the flags name, then the `--knob` settings on top."""
    knobs = _flag_knobs(args)
    changes = dict(_knob_setting(item) for item in args.knob)
    return update_knobs(knobs, changes) if changes else knobs


def _knob_setting(item: str) -> tuple[str, Any]:
    name, equals, raw = item.partition("=")
    if not equals:
        raise KnobError(f"--knob takes NAME=VALUE, not {item!r}")
    try:
        return name, json.loads(raw)
    except ValueError:
        return name, raw


def _flag_knobs(args: argparse.Namespace) -> RunwayKnobs:
    return RunwayKnobs(
        api_key=args.api_key,
        webhook_hmac_key=args.hmac_key,
        latency=args.latency,
        failure_rate=args.failure_rate,
        drop_callbacks=args.drop_callbacks,
        duplicate_callbacks=args.duplicate_callbacks,
        callback_delay=args.callback_delay,
        rate_429=args.rate_429,
        rate_500=args.rate_500,
        generation_limit=args.generation_limit,
        generation_window=args.generation_window,
        credits=args.credits,
        fps=args.fps,
        min_video_bytes=args.min_video_bytes,
        visibility_delay=args.visibility_delay,
        seed=args.seed,
        files_dir=args.files_dir,
    )


async def serve_forever(knobs: RunwayKnobs, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM, then shut down cleanly (files dir removed)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with serve_runway(knobs, host=host, port=port) as running:
        logger.info("Runway API emulator listening on %s", running.url)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        knobs = knobs_from(args)
    except KnobError as exc:
        raise SystemExit(f"python -m sandbox.runway: {exc}") from None
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(knobs, args.host, args.port))
    logger.info("Runway API emulator stopped")


if __name__ == "__main__":
    main()
