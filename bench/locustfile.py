"""The load run's simulated people (bench/load.py starts locust with this file): families
and caseworkers, each on their own council's host, each from their own address (as
behind the ingress), doing what they do: sign in with two-step, look around, send a
message, upload a document, send a form.

Not run by hand: bench/load.py writes the people (BENCH_LOAD_PEOPLE, a JSON file) and
the database to read emailed codes from (BENCH_LOAD_DATABASE_URL), then runs locust
headless against one gunicorn.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
import time
from urllib.parse import unquote, urlsplit

import psycopg
from django_otp.oath import TOTP
from locust import HttpUser, between, events, task

PEOPLE = json.loads(open(os.environ["BENCH_LOAD_PEOPLE"]).read())  # noqa: SIM115 - read once at start
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE = re.compile(r"^(\d{6})$", re.M)
_families = itertools.cycle([p for p in PEOPLE if p["kind"] == "family"])
_caseworkers = itertools.cycle([p for p in PEOPLE if p["kind"] == "caseworker"])
_lock = threading.Lock()


def _database():
    parts = urlsplit(os.environ["BENCH_LOAD_DATABASE_URL"])
    hostport = parts.netloc.rsplit("@", 1)[-1]
    host = unquote(hostport.rsplit(":", 1)[0] if ":" in hostport else hostport)
    return psycopg.connect(
        host=host,
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        dbname=parts.path.lstrip("/"),
        autocommit=True,
    )


def emailed_code(schema: str, email: str, after_id: int) -> tuple[str, int] | None:
    """The newest two-step code emailed to `email` from the council's outbox, if one
    newer than `after_id` has been written."""
    with _database() as connection:
        row = connection.execute(
            f'SELECT id, body FROM "{schema}".casework_outboundemail '  # noqa: S608 - our own schema name
            'WHERE %s = ANY("to") AND id > %s ORDER BY id DESC LIMIT 1',
            [email, after_id],
        ).fetchone()
    if row is None:
        return None
    found = CODE.search(row[1])
    return (found[1], row[0]) if found else None


def newest_email_id(schema: str, email: str) -> int:
    with _database() as connection:
        row = connection.execute(
            f'SELECT coalesce(max(id), 0) FROM "{schema}".casework_outboundemail WHERE %s = ANY("to")',  # noqa: S608
            [email],
        ).fetchone()
    return row[0]


@events.user_error.add_listener
def _counted(user_instance, exception, tb, **kwargs):
    """A person whose run raised counts as a failed request, so the figure cannot hide it."""
    user_instance.environment.events.request.fire(
        request_type="ERROR",
        name=f"a person's run raised {type(exception).__name__}",
        response_time=0,
        response_length=0,
        exception=exception,
        context={},
    )


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    kind = ""

    def on_start(self) -> None:
        with _lock:
            self.me = next(_families if self.kind == "family" else _caseworkers)
        self.headers = {"Host": self.me["host"], "X-Forwarded-For": self.me["address"]}
        self.sign_in()

    # --- requests, named by page so that locust's figures are per page ----------------------

    def get(self, path: str, name: str):
        with self.client.get(path, headers=self.headers, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{path} answered {answer.status_code}")
            return answer

    def post_form(self, page: str, fields: dict, name: str, *, files=None, expect=(302,)):
        """GET the form for its CSRF token, then POST it (a redirect is success)."""
        form = self.get(page, f"{name} (form)")
        token = CSRF_FIELD.search(form.text or "")
        if token is None:
            return None
        with self.client.post(
            page,
            data={"csrfmiddlewaretoken": token[1], **fields},
            files=files,
            headers=self.headers | {"Referer": f"http://{self.me['host']}{page}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code not in expect:
                answer.failure(f"POST {page} answered {answer.status_code}")
            return answer

    # --- signing in --------------------------------------------------------------------

    def sign_in(self) -> None:
        landing = "/send/" if self.kind == "family" else "/staff/"
        before = newest_email_id(self.me["schema"], self.me["email"])
        answer = self.post_form(
            "/sign-in/",
            {"email": self.me["email"], "password": self.me["password"], "next": landing},
            "sign in",
        )
        if answer is None or answer.status_code != 302:
            return
        # The landing page sends to two-step: an emailed code for a family, the app for staff.
        first = self.client.get(landing, headers=self.headers, name="two-step (redirect)", allow_redirects=False)
        location = first.headers.get("Location", "")
        if "/two-step/app/" in location:
            code = TOTP(bytes.fromhex(self.me["totp"]), step=30, digits=6).token()
            self.post_form(location, {"code": f"{code:06d}", "next": landing}, "two-step (app)")
        elif "/two-step/" in location:
            self.get(location, "two-step (code sent)")
            for _ in range(50):
                found = emailed_code(self.me["schema"], self.me["email"], before)
                if found:
                    break
                time.sleep(0.1)
            else:
                self.environment.events.request.fire(
                    request_type="CODE",
                    name="two-step (email arrives)",
                    response_time=5000,
                    response_length=0,
                    exception=RuntimeError("no code emailed within 5 s"),
                    context={},
                )
                return
            self.post_form(location, {"code": found[0], "next": landing}, "two-step (email code)")


class Family(Person):
    kind = "family"
    fixed_count = sum(p["kind"] == "family" for p in PEOPLE)  # one each: two signed in as one would collide

    @task(10)
    def look_around(self) -> None:
        me = self.me
        self.get("/send/", "family: SEND home")
        self.get(f"/send/children/{me['child']}/", "family: child")
        self.get(f"/send/cases/{me['case']}/", "family: case")
        self.get(f"/send/cases/{me['case']}/documents/", "family: documents")
        self.get(f"/send/cases/{me['case']}/messages/", "family: messages")

    @task(2)
    def message(self) -> None:
        page = f"/send/cases/{self.me['case']}/messages/"
        self.post_form(page, {"body": "Please can we talk about the school visit?"}, "family: send a message")

    @task(1)
    def upload(self) -> None:
        page = f"/send/cases/{self.me['case']}/documents/"
        with open(os.environ["BENCH_LOAD_PDF"], "rb") as pdf:
            self.post_form(page, {}, "family: upload", files={"files": ("report.pdf", pdf, "application/pdf")})

    @task(1)
    def send_a_form(self) -> None:
        me = self.me
        started = self.post_form(f"/send/forms/children/{me['child']}/{me['form']}/start/", {}, "family: start a form")
        if started is None or started.status_code != 302:
            return
        draft = started.headers["Location"].rstrip("/").split("/")[-1]
        self.post_form(
            f"/send/forms/drafts/{draft}/pages/{me['form_page']}/",
            {me["form_question"]: "Loves trains"},
            "family: answer",
        )
        self.get(f"/send/forms/drafts/{draft}/check/", "family: check answers")
        self.post_form(f"/send/forms/drafts/{draft}/declaration/", {"confirm": "on"}, "family: send the form")


class Caseworker(Person):
    kind = "caseworker"
    fixed_count = sum(p["kind"] == "caseworker" for p in PEOPLE)

    @task(10)
    def look_around(self) -> None:
        case = self.me["case"]
        self.get("/staff/", "staff: caseload")
        self.get("/staff/?q=Load", "staff: search")
        self.get(f"/staff/cases/{case}/", "staff: case")

    @task(2)
    def message(self) -> None:
        case = self.me["case"]
        self.post_form(
            f"/staff/cases/{case}/messages/",
            {"message-body": "We have booked the visit for Tuesday."},
            "staff: send a message",
        )
