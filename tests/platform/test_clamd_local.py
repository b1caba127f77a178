"""platform/clamd-local, which `make run` and `make test` use: starting it where one
already runs answers at once (it once waited forever: the daemon held the start lock,
so `make run` after `make test` hung before serving a page)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "platform" / "clamd-local"

pytestmark = pytest.mark.skipif(
    not (shutil.which("clamd") or Path("/usr/sbin/clamd").exists()), reason="clamd is not installed"
)


def test_a_second_start_finds_the_running_clamd_and_returns_at_once():
    folder = Path(tempfile.mkdtemp(prefix="clamd-", dir="/tmp"))  # a socket path stays short
    try:
        first = subprocess.run([str(SCRIPT), "start", str(folder)], capture_output=True, text=True, timeout=60)
        assert first.returncode == 0, first.stderr
        second = subprocess.run([str(SCRIPT), "start", str(folder)], capture_output=True, text=True, timeout=10)
        assert second.returncode == 0, second.stderr
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], check=False, timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
