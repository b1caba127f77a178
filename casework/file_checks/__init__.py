"""What a file is, found from its content, never from its name.

A file's name and the browser's Content-Type are whatever the sender says; the first
bytes are what a program opening the file will act on. So a document is accepted only
when its content is one of a few kinds the SEND team reads (PDF, Word, Excel,
OpenDocument text, PNG, JPEG), and refused with a reason the sender can act on
otherwise. Programs, scripts, web pages and SVG images are refused outright: served back
from the council's own site they could run.

The file is read once, in chunks, counting its size and computing its SHA-256 as it
goes: never all of it in memory at once.

A file of an accepted kind is then looked at for what could act when it is opened or
served (casework.file_checks.pdf, .images, .archives): active content in a PDF (JavaScript, launch actions,
attached files), something else hidden in or after an image or a PDF (polyglots),
Office and OpenDocument files that expand too far (zip bombs) or carry macros. Viruses
are found afterwards, by clamd (casework.scanning), as the stored file waits in its
`scanning` state.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

from casework.file_checks.archives import archive_check, directory_check
from casework.file_checks.images import image_check
from casework.file_checks.kinds import (
    ACCEPTED,
    ACCEPTED_TEXT,
    CLAIMED_BY_EXTENSION,
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    XLSX,
    FileKind,
    FileRefused,
)
from casework.file_checks.pdf import pdf_check

__all__ = [
    "ACCEPTED",
    "ACCEPTED_TEXT",
    "CHUNK_SIZE",
    "DEFAULT_MAX_BYTES",
    "DOCUMENT_MAX_BYTES",
    "DOCX",
    "JPEG",
    "ODT",
    "PDF",
    "PNG",
    "XLSX",
    "CheckedFile",
    "FileKind",
    "FileRefused",
    "file_check",
    "safe_file_name",
    "size_text",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A document the SEND team or a council system uploads to a case: a scanned report or a
# plan with its appendices can be large (issue 13 measures 50 MB up and down).
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 8 * 1024
# A name longer than this is shortened (keeping its extension): the stored key adds the
# council, "documents" and the case id, and the column holds 300 characters.
NAME_MAX_LENGTH = 100
# Only this much of an Office file's [Content_Types].xml is read: enough for any real
# document, and a small, fixed cost whatever the archive claims.
CONTENT_TYPES_MAX_BYTES = 256 * 1024


PROGRAM_SIGNATURES = (
    b"MZ",  # Windows programs and libraries (.exe, .dll, .scr)
    b"\x7fELF",  # Linux programs
    b"\xfe\xed\xfa\xce",  # macOS programs (Mach-O, both byte orders, 32 and 64 bit, universal)
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # also Java class files
    b"\x00asm",  # WebAssembly
)
MARKUP_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed: the name to store it under and what its content is."""

    name: str
    kind: FileKind
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def size_text(size: int) -> str:
    """ "14.2 MB", "10 MB", "512 KB": a size as people read it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{size} bytes"


def safe_file_name(name: str) -> str:
    """The last part of a sent name, made safe to store: no folders (either kind of
    slash), no control characters, no leading dots, only letters, digits, '-', '_' and
    '.', at most NAME_MAX_LENGTH characters. Raises FileRefused for a path that climbs
    out of its folder ('../') and when nothing usable is left."""
    original = name or ""
    # Normalised first: a full-width solidus or reverse solidus becomes a real one here.
    base = unicodedata.normalize("NFKC", original).replace("\\", "/")
    if ".." in base.split("/")[:-1]:
        # A name that climbs out of its folder is refused, not quietly cut down: no browser
        # sends one (they send the bare name, or an old one the whole C:\\… path).
        raise FileRefused(
            f"'{original.strip()}' is a path that points outside its folder, so we cannot accept it. "
            "Send the file under its own name (for example 'report.pdf').",
            code="name",
        )
    base = posixpath.basename(base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = base.strip().lstrip(".")
    try:
        cleaned = get_valid_filename(base)
    except SuspiciousFileOperation:
        cleaned = ""
    stem, dot, ext = cleaned.rpartition(".")
    if not dot:
        stem, ext = ext, ""
    stem = stem.strip("._-")
    ext = f".{ext}" if re.fullmatch(r"[^\W_]{1,10}", ext) else ""
    if not re.search(r"[^\W_]", stem):
        whose = f"'{original.strip()}'" if original.strip() else "The file"
        raise FileRefused(
            f"{whose} has no letters or numbers left in its name once we remove what cannot be "
            "stored safely. Rename the file (for example 'report.pdf') and try again.",
            code="name",
        )
    return stem[: NAME_MAX_LENGTH - len(ext)] + ext


def _claimed(name: str) -> str | None:
    return CLAIMED_BY_EXTENSION.get(posixpath.splitext(name)[1].lower())


def _refusal(name: str, looks_like: str) -> FileRefused:
    claimed = _claimed(name)
    if claimed:
        return FileRefused(
            f"'{name}' is not {claimed}: it looks like {looks_like}, which we cannot accept.", code="type"
        )
    return FileRefused(f"'{name}' looks like {looks_like}, which we cannot accept.", code="type")


def _zip_kind(upload, name: str) -> FileKind:
    """An Office Open XML or OpenDocument file is a ZIP archive; which one is in its parts."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            # The directory first: a zip bomb is refused before a byte of it is expanded.
            directory_check(archive, shown=name)
            names = set(archive.namelist())
            if "mimetype" in names and archive.namelist()[0] == "mimetype":
                with archive.open("mimetype") as part:
                    if part.read(100).strip() == ODT.content_type.encode():
                        return ODT
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    content_types = part.read(CONTENT_TYPES_MAX_BYTES).lower()
                if b"macroenabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
                    raise _refusal(name, "an Office file with macros (programs inside it)")
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, RuntimeError, NotImplementedError, ValueError):
        raise _refusal(name, "a damaged or unreadable archive") from None
    finally:
        upload.seek(0)
    raise _refusal(name, "a ZIP archive (only Word, Excel and OpenDocument text files are accepted)")


def _kind_from_head(head: bytes, upload, name: str) -> FileKind:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload, name)
    if head.startswith(PROGRAM_SIGNATURES):
        raise _refusal(name, "a program")
    if head.startswith(b"#!"):
        raise _refusal(name, "a script (a program)")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(MARKUP_STARTS) or b"<script" in text or b"<svg" in text:
        raise _refusal(name, "a web page or SVG image, which could carry script")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise _refusal(
            name, "an old-style Office file (.doc or .xls, which can carry macros); save it as a PDF or .docx"
        )
    claimed = _claimed(name)
    if claimed:
        raise FileRefused(
            f"'{name}' is not {claimed}: we cannot tell what kind of file it is. Send {ACCEPTED_TEXT}.", code="type"
        )
    raise FileRefused(f"We cannot tell what kind of file '{name}' is. Send {ACCEPTED_TEXT}.", code="type")


def file_check(upload, *, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedFile:
    """Check a sent file (a Django UploadedFile or File) by its content.

    Returns what to store it as: a safe name whose extension matches the content, the
    kind, the size and the SHA-256. Raises FileRefused with a specific, plain message.
    Leaves the file at its start, ready to be stored.
    """
    sent_name = getattr(upload, "name", "") or ""
    name = safe_file_name(sent_name)
    shown = posixpath.basename(sent_name.replace("\\", "/")).strip() or name
    limit = size_text(max_bytes)
    declared_size = getattr(upload, "size", None)
    if declared_size is not None and declared_size > max_bytes:
        raise FileRefused(f"'{shown}' is {size_text(declared_size)}; files must be {limit} or smaller.", code="size")

    digest = hashlib.sha256()
    head = b""
    size = 0
    upload.seek(0)
    while chunk := upload.read(CHUNK_SIZE):
        size += len(chunk)
        if size > max_bytes:
            upload.seek(0)
            raise FileRefused(f"'{shown}' is larger than {limit}; files must be {limit} or smaller.", code="size")
        if len(head) < HEAD_SIZE:
            head += chunk[: HEAD_SIZE - len(head)]
        digest.update(chunk)
    upload.seek(0)
    if size == 0:
        raise FileRefused(
            f"'{shown}' is empty. Choose the file again, or check it opens on your computer.", code="empty"
        )

    kind = _kind_from_head(head, upload, shown)
    _content_check(upload, kind=kind, shown=shown)
    stem, ext = posixpath.splitext(name)
    if ext.lower() not in kind.extensions:
        # Stored and downloaded with the extension of what it really is, so it opens
        # in the right program: a PNG sent as "scan.pdf" becomes "scan.png".
        name = stem[: NAME_MAX_LENGTH - len(kind.extensions[0])] + kind.extensions[0]
    return CheckedFile(name=name, kind=kind, size=size, sha256=digest.hexdigest())


def _content_check(upload, *, kind: FileKind, shown: str) -> None:
    """What could act when the file is opened, by kind; raises FileRefused."""
    try:
        if kind is PDF:
            pdf_check(upload, shown=shown)
        elif kind in (PNG, JPEG):
            image_check(upload, kind=kind, shown=shown)
        elif kind in (DOCX, XLSX, ODT):
            archive_check(upload, kind=kind, shown=shown)
    finally:
        upload.seek(0)
