"""A first install from nothing serves the platform host (docs/operations.md, "First
install from nothing").

On a fresh, empty database: the chart's migration Job's own script, with the settings the
chart gives it (its ConfigMap, the Secret's keys); then the first-install commands, read
from the operations page itself so the page cannot drift from what works; then the web
container's own command (gunicorn) with the same settings. The platform host must then
serve its admin's sign-in page, and the first operator must get through the password and
the authenticator-app set-up into the admin, as the page says. Nothing is mocked: real
processes, real HTTP, PostgreSQL from the test suite's server (a database of its own,
dropped afterwards).
"""

from __future__ import annotations

import base64
import http.client
import os
import pty
import re
import secrets
import select
import shlex
import socket
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django_otp.oath import TOTP

from tests.platform.test_helm_chart import app_settings, named, pod_spec, render

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "docs" / "operations.md"
FIRST_INSTALL_MARK = "<!-- first install: tests/platform/test_first_install.py runs these commands -->"
COMMAND_IN_A_WEB_POD = re.compile(r"^kubectl -n send-portal exec (?:-it )?deploy/send-portal-web -- (?P<command>.+)$")
OPERATOR_PASSWORD = "first-operator-" + secrets.token_hex(8)  # typed at createsuperuser's prompts
SECRET_KEY = "first-install-test-" + secrets.token_hex(24)


def first_install_commands() -> list[list[str]]:
    """The fenced block under the mark in docs/operations.md, as the commands each
    `kubectl exec` runs inside a web pod."""
    text = OPERATIONS.read_text()
    assert FIRST_INSTALL_MARK in text, "docs/operations.md lost the first-install commands this test runs"
    block = re.search(r"```sh\n(.*?)```", text[text.index(FIRST_INSTALL_MARK) :], re.DOTALL).group(1)
    commands = []
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = COMMAND_IN_A_WEB_POD.match(line.strip())
        assert found, f"not a command run in a web pod: {line}"
        commands.append(shlex.split(found["command"]))
    return commands


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def fresh_database_url():
    """DATABASE_URL of a new, empty database on the suite's PostgreSQL server; dropped after."""
    name = f"first_install_{os.getpid()}_{secrets.token_hex(3)}"
    server = settings.DATABASES["default"]
    admin = psycopg.connect(
        dbname="postgres",
        host=server["HOST"],
        port=server["PORT"] or None,
        user=server["USER"],
        password=server["PASSWORD"] or None,
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    url = urlsplit(os.environ["DATABASE_URL"])
    try:
        yield urlunsplit(url._replace(path=f"/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def chart():
    """The chart as installed with its default values: the ConfigMap's settings, the
    migration Job's container and the web container."""
    documents = render(None)
    config_map = app_settings(documents)
    (migrations,) = pod_spec(named(documents, "Job", "migrations"))["containers"]
    (web,) = [c for c in pod_spec(named(documents, "Deployment", "web"))["containers"] if c["name"] == "web"]
    return config_map["data"], migrations, web


@pytest.fixture
def pod_environment(chart, fresh_database_url, tmp_path):
    """What a pod of the chart sees: the ConfigMap and the Secret (its required keys),
    and no other setting from this machine. The file paths the chart mounts become
    temporary folders here; `python` is this test run's interpreter."""
    config_map, _, _ = chart
    environment = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        **config_map,
        # The Secret (docs/operations.md, "Deploying"): REDIS_URL and EMAIL_URL left out,
        # so tasks run in-process and emails stay in the outbox.
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": fresh_database_url,
        # The image's folders: files collected at build time, the chart's media volume.
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    return environment


def run_in_a_terminal(argv: list[str], *, env: dict[str, str], answers: dict[str, str], timeout: float = 180):
    """Run `argv` as `kubectl exec -it` would: in a terminal, typing each answer when its
    prompt appears (passwords are read from the terminal, not from stdin). Returns the
    exit code and everything the command printed."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: nothing but the command
        try:
            os.chdir(ROOT)
            os.execvpe(argv[0], argv, env)  # noqa: S606 - a terminal of its own, as `kubectl exec -it`
        finally:
            os._exit(127)
    printed, answered_up_to = b"", 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([terminal], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            printed += chunk
            for prompt, answer in answers.items():
                at = printed.find(prompt.encode(), answered_up_to)
                if at >= 0:
                    os.write(terminal, answer.encode() + b"\n")
                    answered_up_to = at + len(prompt)
        else:
            os.kill(pid, 9)
            pytest.fail(f"{shlex.join(argv)} did not finish in {timeout} s:\n{printed.decode(errors='replace')}")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(terminal)
    return os.waitstatus_to_exitcode(status), printed.decode(errors="replace")


class Browser:
    """Plain HTTP to gunicorn as the ingress forwards it (HTTPS ended at the ingress,
    the client's address in X-Forwarded-For), keeping cookies."""

    def __init__(self, port: int, host: str):
        self.port, self.host, self.cookies = port, host, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict[str, str], str]:
        headers = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.10",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{self.host}"}
            headers["Referer"] = f"https://{self.host}{path}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie_name, cookie_value = value.split(";", 1)[0].split("=", 1)
                    self.cookies[cookie_name] = cookie_value
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path)

    def follow(self, path: str) -> tuple[str, str]:
        """GET `path`, following redirects on this host; (the final path, its page)."""
        for _ in range(10):
            status, headers, page = self.get(path)
            if status not in (301, 302):
                assert status == 200, (path, status, page[:2000])
                return path, page
            path = headers["Location"].removeprefix(f"https://{self.host}")
        pytest.fail("too many redirects")

    def post(self, path: str, form: dict) -> tuple[int, dict[str, str], str]:
        return self.request("POST", path, form)


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture
def collecting_static(pod_environment):
    """`collectstatic`, as the image's build runs it, started at once: it needs no
    database, so it runs while the migrations do."""
    collecting = subprocess.Popen(
        ["python", "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=pod_environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield collecting
    if collecting.poll() is None:
        collecting.kill()
    collecting.communicate()


@pytest.fixture
def web_server(chart, pod_environment, collecting_static):
    """The web container's command on a free port of this machine, once the static
    files are collected. Yields the port."""
    _, _, web = chart
    printed, _ = collecting_static.communicate(timeout=120)
    assert collecting_static.returncode == 0, printed
    port = free_port()
    environment = pod_environment | {item["name"]: item["value"] for item in web.get("env", [])}
    environment |= {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    server = subprocess.Popen(
        web["command"], cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"gunicorn stopped:\n{server.stdout.read()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not listen within 60 s"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


def test_a_fresh_database_the_charts_migrations_and_the_documented_steps_serve_the_platform(
    chart, pod_environment, collecting_static, request
):
    config_map, migrations, _ = chart
    platform_host = config_map["PLATFORM_DOMAIN"]

    # 1. The migration Job, exactly: its command (`sh -ec` and its script) and settings.
    migrated = subprocess.run(
        migrations["command"], cwd=ROOT, env=pod_environment, capture_output=True, text=True, check=False
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    # 2. The first-install commands from docs/operations.md, each in a terminal, as
    # `kubectl exec -it` runs it; createsuperuser asks for the password twice.
    commands = first_install_commands()
    assert [command[:3] for command in commands] == [
        ["python", "manage.py", "create_platform"],
        ["python", "manage.py", "createsuperuser"],
    ]
    answers = {"Password: ": OPERATOR_PASSWORD, "Password (again): ": OPERATOR_PASSWORD}
    for command in commands:
        code, printed = run_in_a_terminal(command, env=pod_environment, answers=answers)
        assert code == 0, f"{shlex.join(command)}:\n{printed}"
    (operator_email,) = [arg.split("=", 1)[1] for arg in commands[1] if arg.startswith("--email=")]

    # 3. The web container serves the platform host: the admin's sign-in page.
    port = request.getfixturevalue("web_server")
    browser = Browser(port, platform_host)
    status, _, page = browser.get("/admin/login/?next=/admin/")
    assert status == 200, page[:2000]
    assert "SEND Citizen Portal platform" in page
    # A host not in DJANGO_ALLOWED_HOSTS: django-tenants' empty 404 (docs/operations.md, "A host answers 404").
    assert Browser(port, "unknown.send-portal.example.org").get("/admin/login/")[::2] == (404, "")

    # 4. The first operator signs in with the password, sets up an authenticator app
    # (the key shown as text), and the admin opens.
    status, _, page = browser.post(
        "/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": csrf_token(page), "username": operator_email, "password": OPERATOR_PASSWORD},
    )
    assert status == 302, page[:2000]
    path, page = browser.follow("/admin/")
    assert path.startswith("/admin/two-step/set-up/"), path
    typed = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    totp = TOTP(base64.b32decode(typed + "=" * (-len(typed) % 8)))
    status, _, page = browser.post(
        "/admin/two-step/set-up/", {"csrfmiddlewaretoken": csrf_token(page), "code": f"{totp.token():06d}"}
    )
    assert status == 200 and "Save your backup codes" in unescape(page), page[:2000]
    status, _, page = browser.get("/admin/")
    assert status == 200, page[:2000]
    assert "Councils and platform operations" in page
