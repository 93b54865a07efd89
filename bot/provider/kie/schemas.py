"""The provider's wire models: camelCase requests and replies, snake_case callbacks.

Field names are Python's; aliases are the provider's. Requests are dumped with
`by_alias=True, exclude_none=True`, so an unset optional field is never sent.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

T = TypeVar("T")


class WireModel(BaseModel):
    """Base for every wire model: aliases on the wire, Python names in code."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)


# --- the envelope --------------------------------------------------------------------------


class EnvelopeHead(WireModel):
    """The part of every reply that says whether the call worked (`success`: uploads only)."""

    code: int
    msg: str | None = None
    success: bool | None = None


class Envelope(EnvelopeHead, Generic[T]):
    """`{"code": int, "msg": str, "data": T}`, the shape of every reply."""

    data: T


class TaskIdData(WireModel):
    task_id: str = Field(alias="taskId", min_length=1)


# --- requests ------------------------------------------------------------------------------


class GenerateBody(WireModel):
    """POST /api/v1/runway/generate: text to video, or image to video with `image_url`."""

    prompt: str
    duration: int
    quality: str
    aspect_ratio: str | None = Field(default=None, alias="aspectRatio")
    image_url: str | None = Field(default=None, alias="imageUrl")
    water_mark: str = Field(default="", alias="waterMark")
    call_back_url: str | None = Field(default=None, alias="callBackUrl")


class ExtendBody(WireModel):
    """POST /api/v1/runway/extend: continue the video of `task_id`."""

    task_id: str = Field(alias="taskId")
    prompt: str
    quality: str
    water_mark: str = Field(default="", alias="waterMark")
    call_back_url: str | None = Field(default=None, alias="callBackUrl")


class AlephBody(WireModel):
    """POST /api/v1/aleph/generate: video to video."""

    prompt: str
    video_url: str = Field(alias="videoUrl")
    water_mark: str = Field(default="", alias="waterMark")
    aspect_ratio: str | None = Field(default=None, alias="aspectRatio")
    seed: int | None = None
    reference_image: str | None = Field(default=None, alias="referenceImage")
    call_back_url: str | None = Field(default=None, alias="callBackUrl")


# --- task details --------------------------------------------------------------------------


class VideoInfo(WireModel):
    video_id: str | None = Field(default=None, alias="videoId")
    video_url: str | None = Field(default=None, alias="videoUrl")
    image_url: str | None = Field(default=None, alias="imageUrl")


class RecordDetail(WireModel):
    """GET /api/v1/runway/record-detail: one generate or extend task. The docs name the ids
    `taskId`/`parentTaskId`, newer pages `id`/`parentId`; the bot knows which task it asked
    about, so neither is required."""

    task_id: str | None = Field(default=None, validation_alias=AliasChoices("taskId", "id"))
    parent_task_id: str | None = Field(
        default=None, validation_alias=AliasChoices("parentTaskId", "parentId")
    )
    state: str = ""
    generate_time: str | None = Field(default=None, alias="generateTime")
    video_info: VideoInfo | None = Field(default=None, alias="videoInfo")
    fail_code: int | str | None = Field(default=None, alias="failCode")
    fail_msg: str | None = Field(default=None, alias="failMsg")
    expire_flag: int | str | bool | None = Field(default=None, alias="expireFlag")

    @property
    def expired(self) -> bool:
        return str(self.expire_flag).strip().lower() in {"1", "true"}


class AlephResult(WireModel):
    task_id: str | None = Field(default=None, alias="taskId")
    result_video_url: str | None = Field(default=None, alias="resultVideoUrl")
    result_image_url: str | None = Field(default=None, alias="resultImageUrl")


class AlephRecordInfo(WireModel):
    """GET /api/v1/aleph/record-info: one Aleph task."""

    task_id: str | None = Field(default=None, validation_alias=AliasChoices("taskId", "id"))
    param_json: str | None = Field(default=None, alias="paramJson")
    response: AlephResult | None = None
    success_flag: int | str | None = Field(default=0, alias="successFlag")
    error_code: int | str | None = Field(default=None, alias="errorCode")
    error_message: str | None = Field(default=None, alias="errorMessage")
    create_time: str | None = Field(default=None, alias="createTime")
    complete_time: str | None = Field(default=None, alias="completeTime")


# --- uploads -------------------------------------------------------------------------------


class UploadResult(WireModel):
    """`data` of every file-upload reply; `download_url` is what the provider can fetch."""

    download_url: str = Field(alias="downloadUrl", min_length=1)
    file_name: str | None = Field(default=None, alias="fileName")
    file_path: str | None = Field(default=None, alias="filePath")
    file_size: int | None = Field(default=None, alias="fileSize")
    mime_type: str | None = Field(default=None, alias="mimeType")
    uploaded_at: str | None = Field(default=None, alias="uploadedAt")


# --- callbacks -----------------------------------------------------------------------------


class CallbackData(WireModel):
    """`data` of a callback, in either documented shape (Runway or Aleph)."""

    task_id: str | None = Field(default=None, validation_alias=AliasChoices("task_id", "taskId"))
    video_id: str | None = Field(default=None, validation_alias=AliasChoices("video_id", "videoId"))
    video_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "video_url", "result_video_url", "videoUrl", "resultVideoUrl"
        ),
    )
    image_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "image_url", "result_image_url", "imageUrl", "resultImageUrl"
        ),
    )


class CallbackBody(WireModel):
    """A completion callback; `task_id` sits at the top in the Aleph shape."""

    code: int | str | None = None
    msg: str | None = None
    task_id: str | None = Field(default=None, validation_alias=AliasChoices("taskId", "task_id"))
    data: CallbackData | None = None
