"""`platform` is a standard-library module: our platform/ folder must never shadow it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_platform_folder_is_not_a_package():
    assert (ROOT / "platform").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_standard_library_platform_still_works_from_the_project_root():
    result = subprocess.run(
        [sys.executable, "-c", "import uuid, platform; print(platform.system(), uuid.uuid4().version)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Linux", "4"]
