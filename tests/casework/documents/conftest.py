"""Fixtures for the documents and messages tests: cases made in a council's schema, real
small files of each kind, and files stored under a temporary MEDIA_ROOT. Staff and family
clients, accounts and accesses come from tests/casework/conftest.py."""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from casework.models import Case, Child
from tenants.models import Council
from tests.casework.conftest import make_account  # noqa: F401 (the tests import it from here)
from tests.factories import CaseFactory, ChildFactory

_numbers = itertools.count(1)

CHILD_FIRST_NAME = "Zephyrine"
CHILD_LAST_NAME = "Quillfeather"
CHILD_DATE_OF_BIRTH = date(2016, 9, 14)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Every stored file goes under this test's own folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[str]:
    """Every file under `root`, as paths relative to it."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- Real small files of each kind ---------------------------------------------------


def pdf_bytes(text: str = "Draft EHC plan") -> bytes:
    """A real, minimal, well-formed one-page PDF (correct cross-reference offsets)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def _zip(parts: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), parts.pop(stored_first), compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_bytes(*, macros: bool = False) -> bytes:
    main = (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macros
        else ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
        ).encode(),
        "word/document.xml": b'<?xml version="1.0"?><w:document/>',
    }
    if macros:
        parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    return _zip(parts)


def xlsx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        }
    )


def odt_bytes() -> bytes:
    return _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"},
        stored_first="mimetype",
    )


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """A file as Django receives it from a browser (the name and type are the sender's claim)."""
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Cases ---------------------------------------------------------------------------


@pytest.fixture
def make_case(db):
    """`make_case(**fields)` in the current council's schema (call inside in_council): a
    child with a memorable name, and an EHC needs assessment about them."""

    def _make(*, child: Child | None = None, **fields) -> Case:
        if child is None:
            child = ChildFactory(
                legal_first_name=CHILD_FIRST_NAME,
                legal_last_name=CHILD_LAST_NAME,
                known_as="Zeph",
                date_of_birth=CHILD_DATE_OF_BIRTH,
            )
        return CaseFactory(child=child, **fields)

    return _make


@pytest.fixture
def outbox(cumbria, somerset):
    """`outbox(council)`: the emails the council queued during this test (the demo
    councils' own invitations, committed when the database was set up, left out)."""
    from tenants.outbox.models import OutboundEmail

    baseline = {}
    for council in (cumbria, somerset):
        with tenant_context(council):
            baseline[council.pk] = OutboundEmail.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def _emails(council: Council) -> list[OutboundEmail]:
        with tenant_context(council):
            return list(OutboundEmail.objects.filter(id__gt=baseline[council.pk]).order_by("id"))

    return _emails
