"""The kinds of file accepted, and the refusal every check raises."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError


class FileRefused(ValidationError):
    """A file that cannot be accepted, with a message fit to show the person who sent it.

    Its `code` says which rule refused it, for the API and the tests: "name", "size",
    "empty", "type", "damaged", "encrypted", "active_content", "hidden_content",
    "macros", "expands_too_far", "too_many_parts"."""


@dataclass(frozen=True)
class FileKind:
    label: str  # as the messages say it: "a PDF", "a Word document"
    content_type: str
    extensions: tuple[str, ...]  # the first is the one a stored file is given


PDF = FileKind("a PDF", "application/pdf", (".pdf",))
PNG = FileKind("a PNG image", "image/png", (".png",))
JPEG = FileKind("a JPEG image", "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileKind(
    "a Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = FileKind("an Excel spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ODT = FileKind("an OpenDocument text file", "application/vnd.oasis.opendocument.text", (".odt",))
ACCEPTED = (PDF, PNG, JPEG, DOCX, XLSX, ODT)
ACCEPTED_TEXT = "a PDF, a Word or OpenDocument text file, an Excel spreadsheet, or a PNG or JPEG image"

# How a file that claims a kind by its name is described when it is not one.
CLAIMED_BY_EXTENSION = {ext: kind.label for kind in ACCEPTED for ext in kind.extensions} | {
    ".doc": "a Word document",
    ".xls": "an Excel spreadsheet",
}

CHUNK_SIZE = 64 * 1024
# How far back each read also looks, so a pattern cut in two by a read is still found.
OVERLAP = 256
# Web page code: hidden in an image or a PDF it makes a polyglot a browser could run
# (served with the wrong type, or opened from a download).
MARKUP = (
    b"<script",
    b"<html",
    b"<!doctype html",
    b"<iframe",
    b"<body",
    b"<svg",
    b"<object",
    b"<embed",
    b"<meta http-equiv",
    b"javascript:",
)
# The end of a ZIP archive: a reader finds it in the last 64 KB and opens what it names,
# whatever comes first (a JPEG, a PNG, a PDF).
ZIP_END = b"PK\x05\x06"
ZIP_END_SEARCH = 65536 + 22


def read_chunks(upload, *, start: int = 0):
    """The file from `start`, CHUNK_SIZE at a time; each chunk comes with the last OVERLAP
    bytes of the one before, so a search of each finds what a read cut in two."""
    upload.seek(start)
    tail = b""
    while chunk := upload.read(CHUNK_SIZE):
        yield tail + chunk
        tail = chunk[-OVERLAP:]


def file_size(upload) -> int:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def refuse(code: str, shown: str, what: str, advice: str) -> FileRefused:
    """A refusal as the family reads it: the file's name, what is wrong, what to do."""
    return FileRefused(f"'{shown}' {what}, which we cannot accept. {advice}", code=code)


def hidden_content_check(upload, *, shown: str, kind: FileKind) -> None:
    """Web page code anywhere in the file, or a ZIP archive's end in its last 64 KB: a
    file that is two things at once (a polyglot)."""
    advice = f"Open it and save it again as {kind.label} (or take a screenshot), then send that."
    for chunk in read_chunks(upload):
        lowered = chunk.lower()
        if any(tag in lowered for tag in MARKUP):
            raise refuse("hidden_content", shown, "has web page code hidden inside it", advice)
    size = file_size(upload)
    for chunk in read_chunks(upload, start=max(0, size - ZIP_END_SEARCH)):
        if ZIP_END in chunk:
            raise refuse("hidden_content", shown, "has a ZIP archive hidden inside it", advice)
