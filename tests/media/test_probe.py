"""Probing: photos through Pillow, videos through ffmpeg's header, everything else refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bot.domain.errors import UserError
from bot.media.probe import parse_header, probe_media, probe_video
from tests.media.media import colourful, ffmpeg, header, make_video, save, size_of

# A phone recording as ffmpeg 6 prints it: a rotation tag, a codec tag in hex, a data track.
PHONE_HEADER = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'IMG_0001.MOV':
  Metadata:
    major_brand     : qt
    creation_time   : 2024-05-01T10:20:30.000000Z
  Duration: 00:01:02.50, start: 0.000000, bitrate: 9000 kb/s
  Stream #0:0[0x1](und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, bt709), \
1920x1080, 8900 kb/s, 29.97 fps, 29.97 tbr, 600 tbn (default)
    Side data:
      displaymatrix: rotation of -90.00 degrees
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp
  Stream #0:2[0x3](und): Data: none (mebx / 0x7862656D), 0 kb/s (default)
"""


def test_a_phone_header_is_read_upright() -> None:
    probe = parse_header(PHONE_HEADER, 1000, "mov")
    assert probe is not None
    info = probe.info
    assert (info.width, info.height) == (1080, 1920)
    assert info.duration == pytest.approx(62.5)
    assert info.fps == pytest.approx(29.97)
    assert info.has_audio is True
    assert info.format == "mov"
    assert info.created_at == "2024-05-01T10:20:30.000000Z"
    assert (probe.video_codec, probe.audio_codec) == ("hevc", "aac")


def test_a_header_without_duration_or_fps_leaves_them_empty() -> None:
    text = (
        "Input #0, h264, from 'raw.h264':\n  Duration: N/A, bitrate: N/A\n"
        "  Stream #0:0: Video: h264 (High), yuv420p(progressive), 640x360, 25 tbr\n"
    )
    probe = parse_header(text)
    assert probe is not None
    assert probe.info.duration is None
    assert probe.info.fps == 25
    assert probe.info.has_audio is False


def test_cover_art_is_not_a_video() -> None:
    text = (
        "Input #0, mp3, from 'song.mp3':\n  Duration: 00:03:00.00, start: 0.0, bitrate: 128 kb/s\n"
        "  Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 128 kb/s\n"
        "  Stream #0:1: Video: mjpeg (Baseline), yuvj420p, 500x500, 90k tbr (attached pic)\n"
    )
    assert parse_header(text) is None


async def test_a_clip_with_sound(sound_clip: Path) -> None:
    info = await probe_media(sound_clip)
    assert info.kind == "video"
    assert (info.width, info.height, info.fps, info.format) == (160, 120, 25, "mp4")
    assert info.duration == pytest.approx(3.0, abs=0.05)
    assert info.has_audio is True
    assert info.size_bytes == size_of(sound_clip)


async def test_a_clip_without_sound(silent_clip: Path) -> None:
    probe = await probe_video(silent_clip)
    assert probe is not None
    assert probe.info.has_audio is False
    assert (probe.video_codec, probe.audio_codec) == ("h264", None)


async def test_a_rotated_clip_reports_its_shown_size(sound_clip: Path, tmp_path: Path) -> None:
    rotated = tmp_path / "rotated.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(sound_clip), "-c", "copy", str(rotated))
    assert "rotation of" in header(rotated)
    info = await probe_media(rotated)
    assert (info.width, info.height) == (120, 160)


async def test_a_clip_in_matroska(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "clip.mkv", seconds=1, audio=False)
    info = await probe_media(clip)
    assert info.format == "matroska"
    assert info.duration == pytest.approx(1.0, abs=0.05)


async def test_a_photo(tmp_path: Path) -> None:
    photo = save(colourful(120, 90), tmp_path / "photo.png")
    info = await probe_media(photo)
    assert info.kind == "photo"
    assert (info.width, info.height, info.format) == (120, 90, "png")
    assert info.duration is None
    assert info.size_bytes == size_of(photo)


async def test_a_sideways_photo_reports_its_shown_size_and_date(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90° clockwise to show
    exif[0x0132] = "2024:05:01 10:20:30"
    photo = save(colourful(120, 90), tmp_path / "photo.jpg", exif=exif)
    info = await probe_media(photo)
    assert (info.width, info.height, info.format) == (90, 120, "jpeg")
    assert info.created_at == "2024-05-01 10:20:30"


@pytest.mark.parametrize(
    "content",
    [b"", b"not a picture at all" * 50, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64],
    ids=["empty", "text", "broken png"],
)
async def test_a_file_that_is_neither_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "upload.jpg"
    path.write_bytes(content)
    with pytest.raises(UserError) as refused:
        await probe_media(path)
    assert refused.value.key == "media.unreadable"


async def test_sound_alone_is_refused(tmp_path: Path) -> None:
    song = tmp_path / "song.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libmp3lame", str(song))
    with pytest.raises(UserError) as refused:
        await probe_media(song)
    assert refused.value.key == "media.unreadable"
