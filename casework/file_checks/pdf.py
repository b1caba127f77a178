"""PDFs: no active content (JavaScript, actions that start another program, attached
files, Flash), and no web page code or ZIP archive hidden inside (PDF polyglots).

Read twice: once as bytes, which finds what is written plainly (names spelt with
`#xx` escapes too); then through pypdf, walking every object reachable from the
document's trailer, which finds what is inside compressed object streams. A PDF pypdf
cannot read, or can only read with a password, is refused: what cannot be looked
inside cannot be passed."""

from __future__ import annotations

import logging
import re
import tempfile

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from casework.file_checks.kinds import CHUNK_SIZE, PDF, FileRefused, hidden_content_check, read_chunks, refuse

logger = logging.getLogger(__name__)

# PDF names that make a reader act: run a script, start a program, open an attached file.
ACTIVE_NAMES = {
    "JavaScript": "javascript",
    "JS": "javascript",
    "Launch": "launch",
    "EmbeddedFile": "embedded",
    "EmbeddedFiles": "embedded",
    "FileAttachment": "embedded",
    "GoToE": "embedded",
    "RichMedia": "media",
    "Movie": "media",
    "Sound": "media",
}
REFUSALS = {
    "javascript": "contains JavaScript (a program that runs when the PDF is opened)",
    "launch": "contains an action that starts another program when it is opened",
    "embedded": "has other files attached inside it",
    "media": "contains Flash, sound or video that plays when it is opened",
}
ADVICE = (
    "Open it and print it to a new PDF (choose 'Save as PDF' or 'Microsoft Print to PDF'), or scan the paper "
    "copy, and send that."
)
NAME = re.compile(rb"/([^\s/<>\[\]()%{}]{1,127})")
ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# More objects than any real document the SEND team reads: a PDF built to be walked for
# ever is refused instead.
OBJECTS_MAX = 200_000


def _refused(code: str, shown: str):
    return refuse("active_content", shown, REFUSALS[code], ADVICE)


def _unreadable(shown: str):
    return refuse(
        "damaged",
        shown,
        "is damaged, or is not a PDF we can read",
        "Open it and print it to a new PDF (choose 'Save as PDF'), and send that.",
    )


def _raw_names(upload, shown: str) -> None:
    for chunk in read_chunks(upload):
        for match in NAME.finditer(chunk):
            name = ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1)).decode("latin-1")
            if name in ACTIVE_NAMES:
                raise _refused(ACTIVE_NAMES[name], shown)


def _walk(reader: PdfReader, shown: str) -> None:
    stack = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            reference, item = item, item.get_object()
            if isinstance(item, StreamObject):
                # The walk reads a stream's dictionary, never its data: let pypdf forget
                # it, or every page's scanned image stays in memory until the walk ends
                # (50 MB for a 50 MB scan: bench/files.py).
                reader.resolved_objects.pop((reference.generation, reference.idnum), None)
        visited += 1
        if visited > OBJECTS_MAX:
            raise _unreadable(shown)
        if isinstance(item, NameObject):
            name = str(item)[1:]
            if name in ACTIVE_NAMES:
                raise _refused(ACTIVE_NAMES[name], shown)
        elif isinstance(item, DictionaryObject):  # a stream's dictionary too; its data is not decoded
            for key, value in item.items():
                if key[1:] in ACTIVE_NAMES:
                    raise _refused(ACTIVE_NAMES[key[1:]], shown)
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _objects_check(upload, shown: str) -> None:
    with tempfile.SpooledTemporaryFile(max_size=4 * CHUNK_SIZE) as copy:
        upload.seek(0)
        while chunk := upload.read(CHUNK_SIZE):
            copy.write(chunk)
        copy.seek(0)
        try:
            reader = PdfReader(copy, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise refuse(
                    "encrypted",
                    shown,
                    "is protected by a password, so we cannot check what is inside it",
                    "Save a copy without the password (or print it to a new PDF) and send that.",
                )
            _walk(reader, shown)
        except FileRefused:
            raise
        except Exception as error:  # pypdf's own errors, and what a hostile file makes of its parser
            logger.info("A PDF pypdf could not read was refused: %r", error)
            raise _unreadable(shown) from None


def pdf_check(upload, *, shown: str) -> None:
    """Raises FileRefused for active content or hidden content in a PDF."""
    _raw_names(upload, shown)
    hidden_content_check(upload, shown=shown, kind=PDF)
    _objects_check(upload, shown)
