"""Word, Excel and OpenDocument files are ZIP archives of parts. Each is checked without
expanding it onto disk or into memory:

- the central directory first: how many parts, and how large they say they expand to
  (a zip bomb: a 1 GB part, a 512 MB [Content_Types].xml), two parts with one name,
  parts locked with a password, compressions Office never uses;
- then every part is decompressed as a stream, counting what comes out against the same
  cap (sizes in the directory are the sender's claim), and its XML looked at for macros
  (VBA projects, Excel 4.0 macro sheets, LibreOffice Basic and scripts, event
  listeners that call them), DDE fields, links to a remote template or object (how
  "Follina" ran), XML entity declarations (no office program writes them), and embedded
  programs or OLE objects."""

from __future__ import annotations

import re
import zipfile

from casework.file_checks.kinds import CHUNK_SIZE, OVERLAP, FileKind, refuse

# Far above any real document the SEND team reads (a 10 MB .docx of photos expands to
# about as much; a large spreadsheet's XML to perhaps 50 MB), far below harm.
EXPANDED_MAX = 100 * 1024 * 1024
PARTS_MAX = 1000
ADVICE = "Save it again as a PDF (or without macros, as .docx, .xlsx or .odt) and send that."
BOMB_ADVICE = "Save it again as a PDF, or send a smaller document."
VBA = "contains macros (Visual Basic programs that run inside Word or Excel)"
XLM = "contains an Excel 4.0 macro sheet (programs that run inside Excel)"
ODF_MACROS = "contains LibreOffice macros (programs that run inside LibreOffice)"
ODF_BASIC = "contains LibreOffice Basic macros (programs that run inside LibreOffice)"
ODF_SCRIPTS = "contains scripts (programs that run inside LibreOffice)"

# Part names (lowercased, after a leading "/") that are programs, as Office and
# LibreOffice store them.
MACRO_PARTS = (
    ("vbaproject.bin", VBA),
    ("vbadata.xml", VBA),
    ("/macrosheets/", XLM),
    ("/intl-macrosheets/", XLM),
    ("/dialogsheets/", "contains an Excel 5.0 dialog sheet (used by Excel macros)"),
    ("/activex/", "contains ActiveX controls (programs that run inside Word or Excel)"),
    ("/basic/", ODF_BASIC),
    ("/scripts/", ODF_SCRIPTS),
)
# What inside a part's XML (lowercased) names a program, a macro, or something fetched.
MACRO_TEXT = (
    (b"vbaproject", VBA),
    (b"macroenabled", VBA),
    (b"macrosheet", XLM),
    (b"_xlnm.auto_open", "contains an Excel macro that runs when it is opened"),
    (b"vnd.sun.star.script:", ODF_MACROS),
    (b"macro:///", ODF_MACROS),
    (b"<script:event-listener", ODF_MACROS),
    (b'full-path="basic/', ODF_BASIC),
    (b'full-path="scripts/', ODF_SCRIPTS),
)
DDE = re.compile(rb"(instrtext[^>]*>|instr=\")\s*\"?\s*dde(auto)?\b")
ENTITY = (b"<!doctype", b"<!entity")
RELATIONSHIP = re.compile(rb"<relationship\b[^>]*>")
# Relationships that fetch and act on something elsewhere when the document opens.
REMOTE_TYPES = (b"/attachedtemplate", b"/oleobject", b"/frame", b"/subdocument", b"/externallinkpath", b"/package")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROGRAMS = (b"MZ", b"\x7fELF")


def _bomb(shown: str):
    return refuse(
        "expands_too_far",
        shown,
        f"would expand to more than {EXPANDED_MAX // (1024 * 1024)} MB when opened",
        BOMB_ADVICE,
    )


def _damaged(shown: str, why: str = "is damaged"):
    return refuse("damaged", shown, f"{why}, so we cannot read it", ADVICE)


def directory_check(archive: zipfile.ZipFile, *, shown: str) -> None:
    """What the central directory says, before a byte is decompressed."""
    infos = archive.infolist()
    if len(infos) > PARTS_MAX:
        raise refuse("too_many_parts", shown, f"has more than {PARTS_MAX:,} parts inside it", BOMB_ADVICE)
    if sum(info.file_size for info in infos) > EXPANDED_MAX:
        raise _bomb(shown)
    names = [info.filename for info in infos]
    if len({name.lower() for name in names}) != len(names):
        raise _damaged(shown, "has two parts with the same name")
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse(
                "encrypted",
                shown,
                "is protected by a password, so we cannot check what is inside it",
                "Save a copy without the password and send that.",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged(shown, "is packed in a way Word and LibreOffice never use")


def _names_check(archive: zipfile.ZipFile, *, shown: str) -> None:
    for name in archive.namelist():
        lowered = "/" + name.lower()
        for part, what in MACRO_PARTS:
            if part in lowered:
                raise refuse("macros", shown, what, ADVICE)


def _text_check(text: bytes, *, name: str, shown: str) -> None:
    for pattern, what in MACRO_TEXT:
        if pattern in text:
            raise refuse("macros", shown, what, ADVICE)
    if any(pattern in text for pattern in ENTITY):
        raise refuse(
            "hidden_content",
            shown,
            "declares XML entities, which Word and LibreOffice never write (they can make a reader fetch or "
            "expand things)",
            ADVICE,
        )
    if DDE.search(text):
        raise refuse("active_content", shown, "contains a DDE field (it can start another program)", ADVICE)
    if name.endswith(".rels"):
        for relationship in RELATIONSHIP.findall(text):
            if b'targetmode="external"' in relationship and any(t in relationship for t in REMOTE_TYPES):
                raise refuse(
                    "active_content",
                    shown,
                    "links to a template or object on another website, fetched when it is opened",
                    ADVICE,
                )


def _parts_check(archive: zipfile.ZipFile, *, shown: str) -> None:
    """Every part decompressed as a stream, the total kept under EXPANDED_MAX."""
    expanded = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = info.filename.lower()
        is_xml = name.endswith((".xml", ".rels")) or "." not in name.rsplit("/", 1)[-1]
        first = True
        tail = b""
        with archive.open(info) as part:
            while chunk := part.read(CHUNK_SIZE):
                expanded += len(chunk)
                if expanded > EXPANDED_MAX:
                    raise _bomb(shown)
                if first:
                    if chunk.startswith(OLE):
                        raise refuse(
                            "active_content",
                            shown,
                            "has an object from another program embedded in it (these can hide programs)",
                            ADVICE,
                        )
                    if chunk.startswith(PROGRAMS):
                        raise refuse("active_content", shown, "has a program hidden inside it", ADVICE)
                    first = False
                if is_xml:
                    text = tail + chunk.lower()
                    _text_check(text, name=name, shown=shown)
                    tail = text[-OVERLAP:]


def archive_check(upload, *, kind: FileKind, shown: str) -> None:
    """Raises FileRefused for a zip bomb, macros, or active content in the parts."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            directory_check(archive, shown=shown)
            _names_check(archive, shown=shown)
            _parts_check(archive, shown=shown)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, RuntimeError, NotImplementedError, ValueError, OSError):
        # A CRC that does not match, or a part shorter than it says: the directory lied.
        raise _damaged(shown) from None
