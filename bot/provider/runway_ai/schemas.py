"""The Runway AI API's wire models, with the seed's parameter and answer names.

Requests are dumped with `by_alias=True, exclude_none=True`, so an unset optional parameter is
never sent. Answers keep only the field the bot needs; metadata fields are read leniently,
since the seed shows one example of each and no types.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.domain.tools import PhotoEditType, PictureStyle, TextPosition

VideoEditType = Literal["trim", "add-filter", "adjust-speed"]
Seconds = int | float  # the seed says int seconds; a fraction is sent only when asked for


class WireModel(BaseModel):
    """Base for every wire model: the API's names on the wire, Python's in code."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)


# --- requests ----------------------------------------------------------------------------


class GenerateImageBody(WireModel):
    prompt: str
    style: PictureStyle | None = None


class EditImageBody(WireModel):
    image_url: str
    edit_type: PhotoEditType
    filter_name: str | None = Field(default=None, alias="filter")
    resize_width: int | None = None
    resize_height: int | None = None


class GenerateVideoBody(WireModel):
    prompt: str
    duration: int
    fps: int | None = None


class EditVideoBody(WireModel):
    """`filter` and `speed_factor` are not in the seed's list for edit-video; they are sent
    only for its add-filter and adjust-speed types, named as video-filter and speed-adjust
    name them (a guess)."""

    video_url: str
    edit_type: VideoEditType
    start_time: Seconds | None = None
    end_time: Seconds | None = None
    filter_name: str | None = Field(default=None, alias="filter")
    speed_factor: float | None = None


class VideoFilterBody(WireModel):
    video_url: str
    filter_name: str = Field(alias="filter")


class ImageToVideoBody(WireModel):
    image_url: str
    duration: int


class AddTextBody(WireModel):
    image_url: str
    text: str
    position: TextPosition
    font_size: int | None = None


class StyleTransferBody(WireModel):
    image_url: str
    style_reference: str


class ResizeVideoBody(WireModel):
    video_url: str
    new_width: int
    new_height: int


class ThumbnailBody(WireModel):
    video_url: str
    time_position: Seconds | None = None


class VideoBody(WireModel):
    """extract-audio takes the video alone."""

    video_url: str


class SpeedAdjustBody(WireModel):
    video_url: str
    speed_factor: float


class DeleteMediaBody(WireModel):
    media_url: str
    auth_token: str


# --- answers -----------------------------------------------------------------------------

Url = Annotated[str, Field(min_length=1)]


class ImageUrlAnswer(WireModel):
    image_url: Url


class EditedImageAnswer(WireModel):
    edited_image_url: Url


class VideoUrlAnswer(WireModel):
    video_url: Url


class EditedVideoAnswer(WireModel):
    edited_video_url: Url


class FilteredVideoAnswer(WireModel):
    filtered_video_url: Url


class TextImageAnswer(WireModel):
    text_image_url: Url


class StyledImageAnswer(WireModel):
    styled_image_url: Url


class ResizedVideoAnswer(WireModel):
    resized_video_url: Url


class ThumbnailAnswer(WireModel):
    thumbnail_url: Url


class AudioAnswer(WireModel):
    audio_url: Url


class SpeedAnswer(WireModel):
    adjusted_speed_video_url: Url


class DeleteAnswer(WireModel):
    message: str = ""


def _or_none(kind: type[int] | type[float] | type[str] | type[bool]) -> BeforeValidator:
    """A validator that turns a value of the wrong shape into None instead of failing."""

    def convert(value: object) -> object:
        if value is None or isinstance(value, kind):
            return value
        if kind in (int, float) and isinstance(value, int | float | str):
            try:
                return kind(value)
            except ValueError:
                return None
        return None

    return BeforeValidator(convert)


MaybeInt = Annotated[int | None, _or_none(int)]
MaybeFloat = Annotated[float | None, _or_none(float)]
MaybeText = Annotated[str | None, _or_none(str)]
MaybeBool = Annotated[bool | None, _or_none(bool)]


class ImageMetadata(WireModel):
    """GET /v1/image-metadata. `size` is "2MB" in the seed; bare numbers are read too."""

    image_id: MaybeText = None
    size: str | int | float | None = None
    width: MaybeInt = None
    height: MaybeInt = None
    created_at: MaybeText = None
    format: MaybeText = None


class VideoMetadata(WireModel):
    """GET /v1/video-metadata. The seed shows size, duration ("30s") and created_at; width,
    height, fps, has_audio and format are read when the API sends them."""

    video_id: MaybeText = None
    size: str | int | float | None = None
    duration: str | int | float | None = None
    created_at: MaybeText = None
    width: MaybeInt = None
    height: MaybeInt = None
    fps: MaybeFloat = None
    has_audio: MaybeBool = None
    format: MaybeText = None
