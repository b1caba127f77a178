"""The container image (platform/Dockerfile, .dockerignore) and gunicorn's settings
(platform/gunicorn.conf.py). No Docker engine here: the Dockerfile is parsed and
checked, and the steps that can run outside Docker (collectstatic with the image's
placeholder settings, gunicorn with its config) are run."""

from __future__ import annotations

import fnmatch
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "platform" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
GUNICORN_CONF = ROOT / "platform" / "gunicorn.conf.py"
BUILD_TOOLS = ("gcc", "g++", "build-essential", "make", "nodejs", "npm", "node", "clang", "cargo", "rustc")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order: continuations joined, comments dropped."""
    parsed, pending = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue  # blank, a comment, or a parser directive (# syntax=…)
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        instruction, _, arguments = (pending + stripped).partition(" ")
        parsed.append((instruction.upper(), " ".join(arguments.split())))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return parsed


def stages(text: str) -> list[dict]:
    found = []
    for instruction, arguments in instructions(text):
        if instruction == "FROM":
            words = [word for word in arguments.split() if not word.startswith("--")]  # --platform=…
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            found.append({"image": words[0], "name": name, "steps": []})
        else:
            assert found, f"{instruction} before the first FROM"
            found[-1]["steps"].append((instruction, arguments))
    return found


@pytest.fixture(scope="module")
def dockerfile() -> list[dict]:
    return stages(DOCKERFILE.read_text())


def steps(stage: dict, kind: str) -> list[str]:
    return [arguments for instruction, arguments in stage["steps"] if instruction == kind]


# --- Dockerfile ---------------------------------------------------------------------


def test_three_stages_frontend_build_and_runtime(dockerfile):
    assert len(dockerfile) >= 3
    frontend, build, final = dockerfile[0], dockerfile[1], dockerfile[-1]
    assert (frontend["name"], frontend["image"]) == ("frontend", "node:20-slim")
    assert any("npm ci" in run for run in steps(frontend, "RUN"))
    assert any("npm run build" in run for run in steps(frontend, "RUN"))
    assert (build["name"], build["image"]) == ("build", "python:3.11-slim")
    assert any("pip install" in run and "requirements.txt" in run for run in steps(build, "RUN"))
    assert final["image"] == "python:3.11-slim"


def test_the_image_never_installs_the_development_requirements():
    assert "requirements-dev" not in " ".join(arguments for _, arguments in instructions(DOCKERFILE.read_text()))


def test_the_final_stage_runs_as_user_10001_after_its_last_build_step(dockerfile):
    final = dockerfile[-1]
    kinds = [instruction for instruction, _ in final["steps"]]
    users = steps(final, "USER")
    assert users, "no USER in the final stage: it would run as root"
    assert users[-1].split(":")[0] == "10001"
    last_user = len(kinds) - 1 - kinds[::-1].index("USER")
    assert "RUN" not in kinds[last_user:], "a RUN after USER"


def test_the_final_stage_installs_no_build_tools(dockerfile):
    final = dockerfile[-1]
    for run in steps(final, "RUN"):
        words = set(shlex.split(run.replace(";", " ").replace("&&", " ")))
        assert not words & set(BUILD_TOOLS), run
        assert "apt-get" not in words or "install" not in words, run
        assert "pip" not in words and "npm" not in words, run
    for copy in steps(final, "COPY"):
        # Built assets from the frontend stage, never Node itself.
        if "--from=frontend" in copy:
            assert "/usr/local/bin" not in copy and "/usr/local/lib/node_modules" not in copy, copy


def test_the_final_stage_copies_the_venv_and_the_built_assets(dockerfile):
    final = dockerfile[-1]
    copies = steps(final, "COPY")
    assert any(copy.startswith("--from=build /opt/venv") for copy in copies)
    assert any("--from=frontend" in copy and copy.split()[1].endswith("portal.css") for copy in copies)
    assert any("--from=frontend" in copy and "govuk-frontend/dist/govuk" in copy for copy in copies)
    env = " ".join(steps(final, "ENV"))
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in env
    assert "/opt/venv/bin" in env


def test_the_final_stage_collects_static_files_and_serves_with_gunicorn(dockerfile):
    final = dockerfile[-1]
    assert any("manage.py collectstatic --noinput" in run for run in steps(final, "RUN"))
    assert steps(final, "EXPOSE") == ["8000"]
    (cmd,) = steps(final, "CMD")
    command = json.loads(cmd)  # exec form: gunicorn is PID 1 and receives SIGTERM
    assert command[0] == "gunicorn"
    assert "config.wsgi:application" in command
    assert command[command.index("-c") + 1] == "platform/gunicorn.conf.py"


def test_collectstatic_works_with_the_images_placeholder_settings(dockerfile, tmp_path):
    """The build's collectstatic step, run here: production settings, the Dockerfile's
    own placeholder environment, no database."""
    (run,) = [run for run in steps(dockerfile[-1], "RUN") if "collectstatic" in run]
    words = shlex.split(run)
    placeholders = dict(word.split("=", 1) for word in words[: words.index("python")])
    assert set(placeholders) == {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"}
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env |= placeholders | {"DJANGO_SETTINGS_MODULE": "config.settings.production", "STATIC_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert "portal/portal.css" in manifest
    # What the pages load of GOV.UK Frontend (portal/init.js, portal.css), and none of
    # its sources: Sass, Nunjucks and its components' test fixtures are never served.
    assert {"govuk/govuk-frontend.min.js", "govuk/assets/images/govuk-crest.svg"} <= set(manifest)
    assert not [name for name in manifest if name.endswith((".scss", ".njk", ".mjs", "fixtures.json"))]


# --- .dockerignore --------------------------------------------------------------------


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, near enough: the last matching pattern wins; a pattern that
    matches a directory covers everything in it."""
    result = False
    parts = path.split("/")
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        candidates = ["/".join(parts[: index + 1]) for index in range(len(parts))]
        if any(
            fnmatch.fnmatch(candidate, pattern) or fnmatch.fnmatch(candidate, pattern.removeprefix("**/"))
            for candidate in candidates
        ):
            result = not negated
    return result


def test_dockerignore_keeps_local_state_out_and_what_the_build_needs_in():
    patterns = [
        line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    local_state = (".venv/bin/python", "node_modules/sass/package.json", ".data/pg/PG_VERSION", ".git/HEAD")
    built_or_secret = (".env", "tests/conftest.py", "themes/base/static/portal/portal.css", "staticfiles/x.css")
    for path in local_state + built_or_secret:
        assert ignored(path, patterns), path
    for path in (
        "package.json",
        "package-lock.json",
        "requirements.txt",
        "manage.py",
        "config/settings/production.py",
        "themes/base/scss/portal.scss",
        "themes/base/templates/base.html",
        "platform/gunicorn.conf.py",
    ):
        assert not ignored(path, patterns), path


# --- gunicorn.conf.py ---------------------------------------------------------------

SETTINGS_SCRIPT = """
import json, runpy, sys
ns = runpy.run_path(sys.argv[1])
names = ["bind", "workers", "threads", "worker_class", "timeout", "worker_tmp_dir", "forwarded_allow_ips",
         "accesslog", "errorlog", "access_log_format", "control_socket_disable"]
settings = {name: ns[name] for name in names}
settings["logger_class"] = ns["logger_class"].__name__
settings["masked"] = {path: ns["mask_path"](path) for path in json.loads(sys.argv[2])}
print(json.dumps(settings))
"""
TOKEN = "c1x2y3-0123456789abcdef0123456789abcdef"
PATHS = {
    f"/activate/MTIz/{TOKEN}/": "/activate/[masked]/[masked]/",
    f"/password/reset/MTIz/{TOKEN}/": "/password/reset/[masked]/[masked]/",
    "/password/reset/MTIz/set-password/": "/password/reset/[masked]/[masked]/",
    "/account/email/confirm/eyJpZCI6MX0:1tXyZa:abcdefghijklmnopqrstuvwxyz/": "/account/email/confirm/[masked]/",
    "/a/new/link/.eJyrVkpUsjI0MDQ0NjYyMjE2NLIwtQQAQ0IF3Q:1tXyZa:AbCdEfGhIjKlMnOpQrStUvWxYz/": "/a/new/link/[masked]/",
    f"/somewhere/else/{TOKEN}": "/somewhere/else/[masked]",
    "/activate/resend/": "/activate/resend/",
    "/password/reset/done/": "/password/reset/done/",
    "/sign-in/": "/sign-in/",
    "/static/portal/portal.3f2a1b9c8d7e.css": "/static/portal/portal.3f2a1b9c8d7e.css",
}


def gunicorn_settings(**env: str) -> dict:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("GUNICORN_", "WEB_CONCURRENCY"))}
    clean.pop("FORWARDED_ALLOW_IPS", None)
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_SCRIPT, str(GUNICORN_CONF), json.dumps(list(PATHS))],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_gunicorn_conf_loads_with_safe_defaults():
    settings = gunicorn_settings()
    assert settings["bind"] == "0.0.0.0:8000"
    assert 1 <= settings["workers"] <= 8
    assert settings["worker_class"] == "gthread"
    # Writable with a read-only root filesystem.
    assert settings["worker_tmp_dir"] == "/dev/shm"  # noqa: S108 - checking the setting, not using the path
    assert settings["control_socket_disable"] is True  # its default lives under $HOME
    assert settings["accesslog"] == "-" and settings["errorlog"] == "-"
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert settings["logger_class"] == "MaskingLogger"


def test_gunicorn_conf_takes_its_numbers_from_the_environment():
    settings = gunicorn_settings(GUNICORN_WORKERS="5", GUNICORN_THREADS="8", FORWARDED_ALLOW_IPS="*")
    assert (settings["workers"], settings["threads"], settings["forwarded_allow_ips"]) == (5, 8, "*")


def test_the_access_log_has_no_query_string_and_masks_tokens_in_paths():
    settings = gunicorn_settings()
    log_format = settings["access_log_format"]
    assert "%(U)s" in log_format
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "{referer}i", "{raw_uri}e", "{query_string}e"):
        assert leaky not in log_format
    assert settings["masked"] == PATHS


WSGI_APP = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_logs_a_token_link_masked_and_without_its_query(tmp_path):
    (tmp_path / "tiny_wsgi.py").write_text(WSGI_APP)
    port = free_port()
    env = os.environ | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "tiny_wsgi:app"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/activate/MTIz/{TOKEN}/?next=/secret-next"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                request = urllib.request.Request(url, headers={"Referer": f"https://x.example/reset/{TOKEN}/?t=1"})
                with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - a local test server
                    assert response.read() == b"ok"
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    access = [line for line in output.splitlines() if '"GET ' in line]
    assert len(access) == 1, output
    assert "/activate/[masked]/[masked]/" in access[0]
    assert TOKEN not in output
    assert "secret-next" not in output
