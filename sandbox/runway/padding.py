"""Growing an MP4 to a minimum size with a trailing `free` box, which players skip."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

BOX_HEADER = 8
MAX_BOX = 2**32 - 1
CHUNK = b"\0" * (1024 * 1024)


def pad_mp4(path: Path, min_bytes: int) -> int:
    """Append one top-level `free` box so the file is at least `min_bytes`; return its size."""
    size = path.stat().st_size
    if size >= min_bytes:
        return size
    box = max(BOX_HEADER, min_bytes - size)
    if box > MAX_BOX:
        raise ValueError("padding above 4 GiB is not supported")
    with path.open("ab") as out:
        out.write(struct.pack(">I4s", box, b"free"))
        _write_zeros(out, box - BOX_HEADER)
    return size + box


def _write_zeros(out: BinaryIO, count: int) -> None:
    while count > 0:
        chunk = CHUNK if count >= len(CHUNK) else CHUNK[:count]
        out.write(chunk)
        count -= len(chunk)
