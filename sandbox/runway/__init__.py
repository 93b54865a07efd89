"""An offline emulator of the Runway API as resold by kie.ai / apikley, with real MP4s.

`serve_runway(RunwayKnobs(...))` or `python -m sandbox.runway --port N [--knob NAME=VALUE]`.
The knobs (`config`) make it healthy or copy the provider's faults and shapes: lost, hanging or
500 answers to submissions that did create a task (`submit_fault`), "try again" task failures
(`temporary_failure_*`), maintenance (`maintenance_for`, `maintenance_until`), expiry
(`expire_after`), the newer record shape (`record_shape`) and failCode spellings
(`fail_code_style`). `GET /` lists routes, knobs with their help, and prompt markers;
`/_emulator/...` is the control API (see `control_views`).
"""

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
