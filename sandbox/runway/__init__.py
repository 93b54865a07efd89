"""An offline emulator of the Runway API as resold by kie.ai / apikley, with real MP4s."""

from sandbox.runway.app import RunningRunway, create_runway_app, serve_runway
from sandbox.runway.config import RunwayKnobs
from sandbox.runway.state import RUNWAY_STATE, RunwayState

__all__ = [
    "RUNWAY_STATE",
    "RunningRunway",
    "RunwayKnobs",
    "RunwayState",
    "create_runway_app",
    "serve_runway",
]
