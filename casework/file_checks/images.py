"""PNG and JPEG images: nothing after the image's end marker (PNG's IEND chunk, JPEG's
EOI), and no web page code or ZIP archive hidden inside (image polyglots)."""

from __future__ import annotations

import struct

from casework.file_checks.kinds import CHUNK_SIZE, JPEG, PNG, FileKind, hidden_content_check, refuse

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Bytes after an image's end that some cameras and editors write and no reader acts on.
PADDING = b"\x00\r\n\t "


class _Reader:
    """A file read forwards CHUNK_SIZE at a time, keeping only what is not yet used."""

    def __init__(self, upload, start: int):
        self.upload = upload
        upload.seek(start)
        self.buffer = b""
        self.at_end = False

    def fill(self, wanted: int) -> None:
        while len(self.buffer) < wanted and not self.at_end:
            chunk = self.upload.read(CHUNK_SIZE)
            if not chunk:
                self.at_end = True
            self.buffer += chunk

    def read(self, size: int) -> bytes:
        self.fill(size)
        taken, self.buffer = self.buffer[:size], self.buffer[size:]
        return taken

    def skip(self, size: int) -> bool:
        """Skip `size` bytes; False when the file ends first."""
        while size > 0:
            self.fill(min(size, CHUNK_SIZE))
            if not self.buffer:
                return False
            step = min(size, len(self.buffer))
            self.buffer = self.buffer[step:]
            size -= step
        return True

    def find(self, pattern: bytes) -> bool:
        """Skip to the first `pattern` (left at the front); False when there is none."""
        while True:
            index = self.buffer.find(pattern)
            if index >= 0:
                self.buffer = self.buffer[index:]
                return True
            if self.at_end:
                self.buffer = b""
                return False
            self.buffer = self.buffer[-(len(pattern) - 1) :] if len(pattern) > 1 else b""
            self.fill(len(self.buffer) + CHUNK_SIZE)

    def rest_is_padding(self) -> bool:
        while True:
            if self.buffer.strip(PADDING):
                return False
            self.buffer = b""
            self.fill(1)
            if not self.buffer:
                return True


def _damaged(shown: str, kind: FileKind):
    return refuse(
        "damaged",
        shown,
        f"is damaged or is not a complete {kind.label.removeprefix('a ')}",
        "Save the picture again (or take a screenshot) and send that.",
    )


def _png_end(upload, shown: str) -> _Reader:
    """To just after the IEND chunk (its empty length, its name, its CRC). Found by its
    bytes rather than by walking the chunks: browsers show a PNG whose chunk lengths or
    CRCs are slightly wrong, and so do we; what follows the end is what matters."""
    reader = _Reader(upload, len(PNG_SIGNATURE))
    if not reader.find(b"\x00\x00\x00\x00IEND") or not reader.skip(12):
        raise _damaged(shown, PNG)
    return reader


def _jpeg_end(upload, shown: str) -> _Reader:
    """Walk the JPEG's segments to its EOI marker. Segments with a length are skipped
    whole (so a thumbnail's own EOI inside EXIF is not taken for the end); the coded
    image data after SOS runs to the next marker that is not a restart or a stuffed 0xFF.
    Stray bytes between segments are passed over, as JPEG readers do."""
    reader = _Reader(upload, 2)
    while True:
        if not reader.find(b"\xff"):
            raise _damaged(shown, JPEG)
        reader.buffer = reader.buffer.lstrip(b"\xff")
        while not reader.buffer:
            reader.fill(1)
            if not reader.buffer:
                raise _damaged(shown, JPEG)
            reader.buffer = reader.buffer.lstrip(b"\xff")
        marker = reader.read(1)[0]
        if marker == 0xD9:  # EOI
            return reader
        if marker == 0x00 or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue  # a stuffed 0xFF in coded data, a restart marker, TEM: no length
        raw = reader.read(2)
        if len(raw) < 2:
            raise _damaged(shown, JPEG)
        (length,) = struct.unpack(">H", raw)
        if length < 2 or not reader.skip(length - 2):
            raise _damaged(shown, JPEG)
        # After SOS the coded data follows; the loop finds the next real marker in it.


def image_check(upload, *, kind: FileKind, shown: str) -> None:
    """Raises FileRefused when the image has data after its end, or hides web page code
    or a ZIP archive."""
    reader = _png_end(upload, shown) if kind is PNG else _jpeg_end(upload, shown)
    if not reader.rest_is_padding():
        raise refuse(
            "hidden_content",
            shown,
            "has something else hidden after the end of the image",
            "Save the picture again (or take a screenshot) and send that.",
        )
    hidden_content_check(upload, shown=shown, kind=kind)
