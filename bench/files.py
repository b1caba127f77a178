"""A 50 MB document up and down through the family's page, the SEND team's page and the
API, each measured as the web process's peak memory growth against a 20 MB budget.

    .venv/bin/python bench/files.py [--size tiny|full]

One gunicorn worker, so its memory is the request's. Before each transfer the worker's
peak resident size is reset (Linux: `echo 5 > /proc/PID/clear_refs`), then the peak is
read after it (VmHWM): the growth is peak minus the resident size before. The upload
includes the checks by content (pypdf walks the PDF) and, with no broker configured,
the virus scan that runs in the same process once it commits (clamd, when `make clamd`
started one; otherwise the figure says "not scanned"). Each path moves a small file
first, so imports and caches are not counted.

The document is a real PDF of 49 pages, each a 1 MB greyscale image: 51.4 MB
(49.0 MiB), under the 50 MiB limit. The tiny size (the smoke test) moves 2 MB.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import bench_council, family, setup_django
from bench.harness import ROOT, Figure, Server, database_url, report, servers
from bench.sizes import size_from_argv

BUDGET_MB = 20
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- The document ------------------------------------------------------------------------


def pdf_file(path: Path, pages: int, image_bytes: int) -> int:
    """A well-formed PDF of `pages` pages, each drawing one greyscale image of
    `image_bytes` bytes (no ASCII in the image data, so nothing in it reads as a PDF name
    or an HTML tag). Written to `path` a page at a time; returns its size."""
    side = int(image_bytes**0.5)
    image_bytes = side * side
    rng = random.Random(13)  # noqa: S311 - image noise, not a secret
    offsets: list[int] = []
    kids = " ".join(f"{3 + 3 * n} 0 R" for n in range(pages))
    with path.open("wb") as out:

        def obj(body: bytes) -> None:
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % len(offsets) + body + b"\nendobj\n")

        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        obj(b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids.encode(), pages))
        for n in range(pages):
            contents, image = 4 + 3 * n, 5 + 3 * n  # the page itself is 3 + 3n
            obj(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                b"/Resources << /XObject << /Im%d %d 0 R >> >> >>" % (contents, n, image)
            )
            draw = b"q 612 0 0 792 0 0 cm /Im%d Do Q" % n
            obj(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
            data = bytes(rng.randrange(0x80, 0x100) for _ in range(4096)) * (image_bytes // 4096 + 1)
            obj(
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length %d >>\nstream\n"
                % (side, side, image_bytes)
                + data[:image_bytes]
                + b"\nendstream"
            )
            assert len(offsets) == image
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
        return out.tell()


# --- Requests that stream ------------------------------------------------------------------


def _multipart(fields: dict[str, str], file_field: str, path: Path) -> tuple[str, int, Iterator[bytes]]:
    boundary = uuid.uuid4().hex
    head = b"".join(
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (boundary.encode(), name.encode(), value.encode())
        for name, value in fields.items()
    ) + (
        b'--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: application/pdf\r\n\r\n'
        % (boundary.encode(), file_field.encode(), path.name.encode())
    )
    tail = b"\r\n--%s--\r\n" % boundary.encode()

    def body() -> Iterator[bytes]:
        yield head
        with path.open("rb") as source:
            while chunk := source.read(1024 * 1024):
                yield chunk
        yield tail

    return f"multipart/form-data; boundary={boundary}", len(head) + path.stat().st_size + len(tail), body()


def request(port: int, host: str, method: str, path: str, headers: dict[str, str], body=None) -> tuple[int, bytes]:
    """One request; a download's body is read and thrown away a chunk at a time."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request(method, path, body=body, headers={"Host": host} | headers)
        answer = connection.getresponse()
        kept, total = b"", 0
        while chunk := answer.read(1024 * 1024):
            total += len(chunk)
            if len(kept) < 64 * 1024:
                kept += chunk[: 64 * 1024]
        return answer.status, kept
    finally:
        connection.close()


# --- The worker's memory ----------------------------------------------------------------


def _worker_pid(server: Server) -> int:
    assert server.process is not None
    (child,) = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    return int(child)


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def peak_growth_mb(server: Server, transfer) -> float:
    """Run `transfer()`; how far the worker's resident memory rose above where it was."""
    pid = _worker_pid(server)
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _status_kb(pid, "VmRSS")
    transfer()
    return max(_status_kb(pid, "VmHWM") - before, 0) / 1024


# --- The three front doors ----------------------------------------------------------------


class Paths:
    """Who sends and fetches, and how, on one council's host."""

    def __init__(self, council, port: int):
        from django.conf import settings

        self.council, self.port, self.host = council, port, f"{council.slug}.localhost"
        self.session = settings.SESSION_COOKIE_NAME
        found = family(council, documents=0, messages=0)
        self.family_cookie, self.case_id = found.cookie, found.case_id
        self.staff_cookie, self.token = _staff_and_api(council)

    def _latest_document_id(self) -> int:
        from django_tenants.utils import tenant_context

        from casework.models import Document

        with tenant_context(self.council):
            document = Document.objects.filter(case_id=self.case_id).order_by("-pk").first()
            if document.scan_status != Document.ScanStatus.CLEAN:
                raise RuntimeError(f"the upload is {document.scan_status}, not clean: was it scanned?")
            return document.pk

    def _form_post(self, cookie: str, page: str, fields: dict[str, str], file_field: str, path: Path) -> None:
        """GET the form (its CSRF cookie and token, from the same answer), then POST it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", page, headers={"Host": self.host, "Cookie": f"{self.session}={cookie}"})
        answer = connection.getresponse()
        form = answer.read()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie") or "")
        connection.close()
        token = CSRF_FIELD.search(form)
        if answer.status != 200 or token is None or csrf_cookie is None:
            raise RuntimeError(f"GET {page} answered {answer.status}, without a form to send")
        content_type, length, body_parts = _multipart(
            {"csrfmiddlewaretoken": token[1].decode()} | fields, file_field, path
        )
        cookies = f"{self.session}={cookie}; csrftoken={csrf_cookie[1]}"
        status, sent = request(
            self.port,
            self.host,
            "POST",
            page,
            {"Cookie": cookies, "Content-Type": content_type, "Content-Length": str(length)},
            body_parts,
        )
        if status != 302:  # a refused form is drawn again (200), with its errors
            errors = re.findall(rb'govuk-error-message">\s*(?:<span[^>]*>[^<]*</span>)?([^<]+)', sent)
            raise RuntimeError(f"POST {page} answered {status}: {[e.strip() for e in errors] or sent[:300]!r}")

    def family_up(self, path: Path) -> None:
        self._form_post(self.family_cookie, f"/send/cases/{self.case_id}/documents/", {}, "files", path)

    def family_down(self) -> None:
        self._download(f"/send/documents/{self._latest_document_id()}/download/", self.family_cookie)

    def staff_up(self, path: Path) -> None:
        page = f"/staff/cases/{self.case_id}/documents/upload/"
        fields = {"document-kind": "advice", "document-title": "Scanned advice"}  # the form's prefix
        self._form_post(self.staff_cookie, page, fields, "document-file", path)

    def staff_down(self) -> None:
        self._download(f"/staff/documents/{self._latest_document_id()}/download/", self.staff_cookie)

    def api_up(self, path: Path) -> None:
        content_type, length, body = _multipart({"kind": "advice", "title": "Scanned advice"}, "file", path)
        status, answer = request(
            self.port,
            self.host,
            "POST",
            f"/api/v1/cases/{self.case_id}/documents/",
            {"Authorization": f"Bearer {self.token}", "Content-Type": content_type, "Content-Length": str(length)},
            body,
        )
        if status != 201:
            raise RuntimeError(f"the API upload answered {status}: {answer[:300]!r}")

    def api_down(self) -> None:
        path = f"/api/v1/documents/{self._latest_document_id()}/file/"
        status, _ = request(self.port, self.host, "GET", path, {"Authorization": f"Bearer {self.token}"})
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")

    def _download(self, path: str, cookie: str) -> None:
        status, _ = request(self.port, self.host, "GET", path, {"Cookie": f"{self.session}={cookie}"})
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")


def _staff_and_api(council) -> tuple[str, str]:
    """A caseworker signed in with two-step, and an API client's token, made by a council
    admin as the admin pages do."""
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from api.models import Scope
    from api.services import api_client_create
    from casework.models import StaffMembership, StaffRole
    from citizen.accounts.models import Account, BackupCodeDevice

    now = timezone.now()
    with tenant_context(council):
        accounts = {}
        for role in (StaffRole.CASEWORKER, StaffRole.COUNCIL_ADMIN):
            account = Account.objects.create_user(
                f"{role}@{council.slug}.localhost", None, first_name="Bench", last_name=role, is_active=True
            )
            account.email_verified_at = now
            account.save(update_fields=["email_verified_at"])
            accounts[role] = StaffMembership.objects.create(account=account, role=role)
        caseworker = accounts[StaffRole.CASEWORKER].account
        device = BackupCodeDevice.objects.create(user=caseworker, name="Backup codes", confirmed=True)
        client = Client(HTTP_HOST=f"{council.slug}.localhost")
        client.force_login(caseworker)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        _, credential = api_client_create(
            council=council, name="Bench case system", scopes=Scope.values, by=accounts[StaffRole.COUNCIL_ADMIN]
        )
    return client.cookies[settings.SESSION_COOKIE_NAME].value, credential.token


# --- The figures -------------------------------------------------------------------------


def _scanner_env() -> tuple[dict[str, str], str]:
    socket = ROOT / ".data" / "clamd" / "clamd.sock"
    if os.environ.get("CLAMD_SOCKET") or os.environ.get("CLAMD_HOST"):
        return {}, "scanned by clamd"
    if socket.exists():
        return {"CLAMD_SOCKET": str(socket)}, "scanned by clamd"
    return {"VIRUS_SCANNER": "none"}, "not scanned: no clamd (make clamd)"


def figures(size: str) -> list[Figure]:
    from django.db import connections

    pages, image = (49, 1024 * 1024) if size == "full" else (2, 1024 * 1024)
    results = []
    env, scanned = _scanner_env()
    with tempfile.TemporaryDirectory() as folder, bench_council("benchfiles") as council:
        council.family_upload_max_mb = 50
        council.save(update_fields=["family_upload_max_mb"])
        small, large = Path(folder) / "small.pdf", Path(folder) / "scanned-report.pdf"
        pdf_file(small, 1, 64 * 1024)
        megabytes = pdf_file(large, pages, image) / 1_000_000
        # No broker, even where one is configured (CI): the scan runs in the worker, measured.
        server_env = env | {"GUNICORN_TIMEOUT": "300", "REDIS_URL": ""}
        with servers(Server(env=server_env, workers=1)) as (server,):
            paths = Paths(council, server.port)
            connections.close_all()
            for door, up, down in [
                ("the family's page", paths.family_up, paths.family_down),
                ("the SEND team's page", paths.staff_up, paths.staff_down),
                ("the API", paths.api_up, paths.api_down),
            ]:
                up(small)  # warm: imports, caches, the first connection
                down()
                for direction, transfer in [("up", lambda up=up: up(large)), ("down", down)]:
                    grew = peak_growth_mb(server, transfer)
                    results.append(
                        Figure(
                            f"{megabytes:.0f} MB {direction} through {door}: {BUDGET_MB} MB budget / peak growth",
                            BUDGET_MB / max(grew, 1.0),  # under 1 MB counts as 1 MB
                            1.0,
                            f"({grew:.1f} MB{'; ' + scanned if direction == 'up' else ''})",
                        )
                    )
    return results


if __name__ == "__main__":
    setup_django(database_url())
    sys.exit(0 if report("Large files", figures(size_from_argv())) else 1)
