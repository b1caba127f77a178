"""Hostile files, each built here in memory (no binaries in the repository), and the
ordinary good files they must not be confused with."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from fpdf import FPDF
from PIL import Image
from pypdf import PdfWriter

MB = 1024 * 1024
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


# --- PDFs --------------------------------------------------------------------------------


def pdf(*objects: bytes, root_extra: bytes = b"", before_eof: bytes = b"", after_eof: bytes = b"") -> bytes:
    """A well-formed PDF (correct cross-reference offsets): a catalog (with `root_extra`),
    one page, and `objects` numbered from 4."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + root_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        *objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + before_eof)
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref))
    return out.getvalue() + after_eof


def fpdf_bytes(text: str = "Annual review notes") -> bytes:
    """A real PDF as a program makes one (compressed page content, fonts, metadata)."""
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.cell(text=text)
    document.link(10, 10, 50, 10, "https://www.example.org/")  # an ordinary web link
    return bytes(document.output())


def pypdf_bytes(change) -> bytes:
    """fpdf_bytes() passed through pypdf, after `change(writer)`: what a PDF library writes."""
    writer = PdfWriter(clone_from=io.BytesIO(fpdf_bytes()))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_object_stream_js() -> bytes:
    """JavaScript inside a compressed object stream, with a cross-reference stream: the
    word never appears in the file's bytes."""
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"
    members = [catalog, pages, page, action]
    offsets, body = [], b""
    for member in members:
        offsets.append(len(body))
        body += member + b"\n"
    header = b" ".join(b"%d %d" % (number, offset) for number, offset in enumerate(offsets, start=1)) + b"\n"
    packed = zlib.compress(header + body)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_at = out.tell()
    out.write(
        b"5 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
    )
    out.write(packed + b"\nendstream\nendobj\n")
    xref_at = out.tell()
    rows = [b"\x00\x00\x00\xff\xff"]  # object 0: free
    rows += [b"\x02" + struct.pack(">HH", 5, index) for index in range(4)]  # 1-4: in stream 5
    rows += [b"\x01" + struct.pack(">HH", stream_at, 0)]  # 5: the object stream itself
    rows += [b"\x01" + struct.pack(">HH", xref_at, 0)]  # 6: this cross-reference stream
    table = zlib.compress(b"".join(rows))
    out.write(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 2 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(table)
    )
    out.write(table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


# --- Images ------------------------------------------------------------------------------


def png_bytes(size=(40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "PNG", **save)
    return out.getvalue()


def jpeg_bytes(size=(40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 30)).save(out, "JPEG", quality=80, **save)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunk(kind: bytes, data: bytes) -> bytes:
    """A real PNG with one more chunk before IEND."""
    image = png_bytes()
    end = image.rindex(b"\x00\x00\x00\x00IEND")
    return image[:end] + png_chunk(kind, data) + image[end:]


def jpeg_with_comment(text: bytes) -> bytes:
    image = jpeg_bytes()
    return image[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + image[2:]


# --- ZIP archives: Office Open XML and OpenDocument -------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"%s</Types>"
)
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>'
    b"<w:p><w:r><w:t>Our views about the draft plan</w:t></w:r></w:p>%s</w:body></w:document>"
)
HYPERLINK = (
    b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'hyperlink" Target="https://www.example.org/" TargetMode="External"/>'
)


def zip_bytes(parts: dict[str, bytes], *, stored_first: str | None = None, **write) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            kind = zipfile.ZIP_STORED if name == stored_first else write.get("compress_type", zipfile.ZIP_DEFLATED)
            archive.writestr(name, data, compress_type=kind)
    return out.getvalue()


def docx_parts(*, types: bytes = b"", body: bytes = b"", document_rels: bytes = HYPERLINK) -> dict[str, bytes]:
    """The parts of a real, minimal Word document (Word opens it)."""
    return {
        "[Content_Types].xml": CONTENT_TYPES % types,
        "_rels/.rels": PACKAGE_RELS,
        "word/document.xml": DOCUMENT % body,
        "word/_rels/document.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + document_rels
            + b"</Relationships>"
        ),
    }


def docx(**parts_changes) -> bytes:
    extra = parts_changes.pop("extra", {})
    return zip_bytes(docx_parts(**parts_changes) | extra)


def xlsx(*, workbook_extra: bytes = b"", extra: dict[str, bytes] | None = None, types: bytes = b"") -> bytes:
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Override PartName="/xl/workbook.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + types
            + b"</Types>"
        ),
        "_rels/.rels": PACKAGE_RELS.replace(b"word/document.xml", b"xl/workbook.xml"),
        "xl/workbook.xml": (
            b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheets><sheet name="Budget" sheetId="1"/></sheets>' + workbook_extra + b"</workbook>"
        ),
        "xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><worksheet><sheetData/></worksheet>',
    }
    return zip_bytes(parts | (extra or {}))


ODT_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"%s</manifest:manifest>"
)
ODT_CONTENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    b'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    b'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3">'
    b"%s<office:body><office:text><text:p>Our views</text:p></office:text></office:body>"
    b"</office:document-content>"
)


def odt(*, manifest: bytes = b"", content: bytes = b"", extra: dict[str, bytes] | None = None) -> bytes:
    parts = {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "content.xml": ODT_CONTENT % content,
        "META-INF/manifest.xml": ODT_MANIFEST % manifest,
    }
    return zip_bytes(parts | (extra or {}), stored_first="mimetype")


def deflated_zeros(size_mb: int) -> bytes:
    """A raw deflate stream of `size_mb` MB of zeros, about 1 KB per MB, built without
    compressing them all: after a full flush, each further MB of zeros is the same block."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(MB)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    repeat = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    return first + repeat * (size_mb - 1) + packer.flush()


def raw_zip(entries: list[tuple[str, bytes, int, int]], *, offsets: list[int] | None = None) -> bytes:
    """A ZIP written by hand: (name, deflated data, declared size, CRC) per entry, so the
    central directory can say what a real archiver would not. With `offsets`, each
    directory entry points at that local header (overlapping entries)."""
    out = io.BytesIO()
    written = []
    for name, data, size, crc in entries:
        written.append(out.tell())
        encoded = name.encode()
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
    directory_at = out.tell()
    count = 0
    for index, (name, data, size, crc) in enumerate(entries if offsets is None else [entries[0]] * len(offsets)):
        encoded = (name if offsets is None else f"word/part{index}.xml").encode()
        at = written[index] if offsets is None else offsets[index]
        out.write(
            struct.pack(
                "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, at
            )
        )
        out.write(encoded)
        count += 1
    directory_size = out.tell() - directory_at
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, directory_size, directory_at, 0))
    return out.getvalue()


def deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def docx_with_raw_part(name: str, data: bytes, size: int, crc: int) -> bytes:
    """A Word document's parts, then one part written by hand."""
    entries = [(n, deflated(d), len(d), zlib.crc32(d)) for n, d in docx_parts().items()]
    return raw_zip([*entries, (name, data, size, crc)])
