"""Virus scanning with ClamAV's daemon, clamd, over its INSTREAM command.

A small client of our own (about forty lines) rather than a library: `clamd` on PyPI
was last released in 2014; its maintained fork, `clamav-client`, is GPL-2.0 (a
copyleft licence on every image we ship), sends 1 KB at a time and lets socket errors
from a half-sent stream escape unwrapped; the async ones (`aioclamd`) do not fit
synchronous Celery tasks. The protocol is four steps: `zINSTREAM\\0`, chunks each
prefixed with its length (4 bytes, network order), a zero length, one reply line.

Settings: VIRUS_SCANNER ("clamd", the default, or "none" to pass files unscanned,
which must be said explicitly), CLAMD_SOCKET (a Unix socket) or CLAMD_HOST and
CLAMD_PORT, CLAMD_TIMEOUT (seconds)."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK_SIZE = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or did not answer: the file waits, it is never passed."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    threat: str = ""  # clamd's name for what it found ("Eicar-Test-Signature")
    scanned: bool = True  # False only with VIRUS_SCANNER=none


def scanner_configured() -> bool:
    return settings.VIRUS_SCANNER == "none" or bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _connect() -> socket.socket:
    timeout = settings.CLAMD_TIMEOUT
    if settings.CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(str(settings.CLAMD_SOCKET))
        return sock
    if settings.CLAMD_HOST:
        return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=timeout)
    raise ScannerUnavailable("no scanner is configured: set CLAMD_SOCKET or CLAMD_HOST (or VIRUS_SCANNER=none)")


def _reply(sock: socket.socket) -> str:
    received = b""
    while not received.endswith(b"\0"):
        part = sock.recv(4096)
        if not part:
            break
        received += part
    return received.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan_stream(stream) -> Verdict:
    """Scan a readable binary file. Raises ScannerUnavailable when clamd cannot be
    reached, stops answering, or answers with an error (a stream over its
    StreamMaxLength, for one)."""
    if settings.VIRUS_SCANNER == "none":
        return Verdict(clean=True, scanned=False)
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK_SIZE):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = _reply(sock)
    except OSError as error:  # refused, missing socket, timeout, reset mid-stream
        raise ScannerUnavailable(f"clamd: {error}") from error
    if reply == "stream: OK":
        return Verdict(clean=True)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return Verdict(clean=False, threat=reply.removeprefix("stream: ").removesuffix(" FOUND"))
    raise ScannerUnavailable(f"clamd answered: {reply or 'nothing'}")


def scanner_ping() -> bool:
    """Whether clamd answers PING (for the readiness body and the tests)."""
    if settings.VIRUS_SCANNER == "none":
        return True
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except (OSError, ScannerUnavailable):
        return False
