"""An offline emulator of the synchronous Runway AI API (seed 004): every call does its work
with Pillow and the bundled ffmpeg and answers with the result, served from itself.

Where the seed is silent, the emulator guesses (and the client expects the same):
- auth: `Authorization: Bearer <key>` on every /v1 call; delete-media's `auth_token` is the key;
- bodies: JSON for POST, query parameters for GET, either for DELETE;
- errors: `{"error": {"code", "message"}}`; 400 malformed JSON, 401 key, 403 auth_token,
  404 unknown media, 413 too large, 422 a bad parameter (named, with what is valid), 429, 500;
- edit-video: `filter` for add-filter and `speed_factor` for adjust-speed, as video-filter and
  speed-adjust name them; edit-image color-adjust takes optional brightness, contrast and
  saturation factors; resize-video letterboxes to exactly new_width x new_height (even sizes);
- video-metadata also answers width, height, fps, has_audio and format (the codec);
- results live until delete-media or shutdown.
"""

from sandbox.runway_ai.app import RunningRunwayAi, create_runway_ai_app, serve_runway_ai
from sandbox.runway_ai.config import RunwayAiKnobs
from sandbox.runway_ai.state import RUNWAY_AI_STATE, RunwayAiState

__all__ = [
    "RUNWAY_AI_STATE",
    "RunningRunwayAi",
    "RunwayAiKnobs",
    "RunwayAiState",
    "create_runway_ai_app",
    "serve_runway_ai",
]
