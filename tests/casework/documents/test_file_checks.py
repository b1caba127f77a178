"""A file is what its content says, not what its name says; each refusal says why, plainly."""

from __future__ import annotations

import hashlib
import io
import re

import pytest

from casework.file_checks import CHUNK_SIZE, DOCX, JPEG, ODT, PDF, PNG, XLSX, FileRefused, file_check, safe_file_name

from .conftest import JPEG_BYTES, PNG_BYTES, docx_bytes, odt_bytes, pdf_bytes, upload, xlsx_bytes

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "kind", "stored_as"),
    [
        ("EHC plan.pdf", pdf_bytes(), PDF, "EHC_plan.pdf"),
        ("photo.png", PNG_BYTES, PNG, "photo.png"),
        ("scan.jpeg", JPEG_BYTES, JPEG, "scan.jpeg"),
        ("letter.docx", docx_bytes(), DOCX, "letter.docx"),
        ("budget.xlsx", xlsx_bytes(), XLSX, "budget.xlsx"),
        ("views.odt", odt_bytes(), ODT, "views.odt"),
        # The content decides; the stored name gets the right extension so it opens properly.
        ("scan.pdf", PNG_BYTES, PNG, "scan.png"),
        ("no-extension", pdf_bytes(), PDF, "no-extension.pdf"),
    ],
)
def test_accepted_files_are_known_by_their_content(name, content, kind, stored_as):
    checked = file_check(upload(name, content, "application/octet-stream"))

    assert checked.kind == kind
    assert checked.content_type == kind.content_type
    assert checked.name == stored_as
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100,
            "'report.pdf' is not a PDF: it looks like a program, which we cannot accept.",
        ),
        ("report.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 50, "'report.pdf' is not a PDF: it looks like a program"),
        ("setup.exe", b"MZ" + b"\x00" * 50, "'setup.exe' looks like a program, which we cannot accept."),
        ("notes.docx", b"#!/bin/sh\nrm -rf /\n", "'notes.docx' is not a Word document: it looks like a script"),
        ("plan.pdf", b"<!DOCTYPE html><html><script>alert(1)</script>", "it looks like a web page or SVG image"),
        ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "is not a PNG image"),
        ("macro.docx", docx_bytes(macros=True), "it looks like an Office file with macros"),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 40, "damaged or unreadable archive"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old-style Office file"),
        ("notes.txt", b"Just some words", "We cannot tell what kind of file 'notes.txt' is. Send a PDF"),
        ("empty.pdf", b"", "'empty.pdf' is empty."),
    ],
)
def test_refused_files_say_why(name, content, message):
    with pytest.raises(FileRefused) as refused:
        file_check(upload(name, content))

    assert message in refused.value.messages[0]


def test_a_zip_that_is_not_an_office_file_is_refused():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ")

    with pytest.raises(FileRefused, match="a ZIP archive"):
        file_check(upload("plan.docx", out.getvalue()))


def test_an_oversize_file_is_refused_with_its_size_and_the_limit():
    content = b"%PDF-1.7\n" + b"0" * int(14.2 * MB)

    with pytest.raises(FileRefused) as refused:
        file_check(upload("scan.pdf", content))

    assert refused.value.messages == ["'scan.pdf' is 14.2 MB; files must be 10 MB or smaller."]


def test_the_limit_is_a_parameter():
    file_check(upload("plan.pdf", pdf_bytes()), max_bytes=len(pdf_bytes()))

    with pytest.raises(FileRefused, match="files must be 100 bytes or smaller"):
        file_check(upload("plan.pdf", pdf_bytes()), max_bytes=100)


class _Reads(io.BytesIO):
    """A file that records each read's size, and can claim a size it does not have."""

    def __init__(self, content: bytes, *, name: str, claimed_size: int | None = None):
        super().__init__(content)
        self.name = name
        self.size = len(content) if claimed_size is None else claimed_size
        self.reads: list[int] = []

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


def test_the_file_is_read_in_chunks_never_whole():
    content = pdf_bytes() + b"%" + b"0" * (3 * CHUNK_SIZE)
    sent = _Reads(content, name="plan.pdf")

    checked = file_check(sent)

    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert all(0 < size <= CHUNK_SIZE for size in sent.reads)
    assert sent.tell() == 0  # ready to be stored


def test_a_file_larger_than_it_claims_is_refused_while_reading():
    sent = _Reads(b"%PDF-1.7\n" + b"0" * 5000, name="plan.pdf", claimed_size=10)

    with pytest.raises(FileRefused, match=re.escape("'plan.pdf' is larger than 1 KB; files must be 1 KB or smaller")):
        file_check(sent, max_bytes=1024)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("/var/www/plan.pdf", "plan.pdf"),
        ("C:\\Users\\Parent\\Documents\\My report.pdf", "My_report.pdf"),
        ("folder\N{FULLWIDTH SOLIDUS}evil.pdf", "evil.pdf"),  # a full-width solidus is a solidus too
        ("notes..final.pdf", "notes..final.pdf"),  # two dots inside a name climb nowhere
        (".hidden.pdf", "hidden.pdf"),
        ("plan\x00.exe.pdf", "plan.exe.pdf"),
        ("Rapport d\N{RIGHT SINGLE QUOTATION MARK}évaluation.pdf", "Rapport_dévaluation.pdf"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
    ],
)
def test_file_names_are_made_harmless(sent, stored):
    assert safe_file_name(sent) == stored


@pytest.mark.parametrize(
    "sent",
    [
        "../../etc/passwd.pdf",
        "..\\..\\x.pdf",
        "reports/../../x.pdf",
        "..\N{FULLWIDTH SOLIDUS}..\N{FULLWIDTH SOLIDUS}evil.pdf",  # a full-width solidus is a solidus too
    ],
)
def test_a_path_that_climbs_out_of_its_folder_is_refused_plainly(sent):
    with pytest.raises(FileRefused) as refused:
        file_check(_Reads(pdf_bytes(), name=sent))

    assert refused.value.code == "name"
    assert "is a path that points outside its folder, so we cannot accept it." in refused.value.messages[0]


@pytest.mark.parametrize("sent", ["???.pdf", "...", "", "<>.pdf"])
def test_a_name_with_nothing_usable_left_is_refused_plainly(sent):
    with pytest.raises(FileRefused) as refused:
        file_check(_Reads(pdf_bytes(), name=sent))

    assert "Rename the file (for example 'report.pdf') and try again." in refused.value.messages[0]
