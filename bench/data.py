"""The data a bench measures against, made in a council of its own that is dropped at
the end (schema and all), so a bench leaves nothing behind: not in `make run`'s
database, nor in the test database the smoke test lends it.

Rows are made with bulk inserts, not one service call each: a bench sets up in
seconds, and what it measures is the pages, not the setup.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()


@contextlib.contextmanager
def bench_council(slug: str) -> Iterator[object]:
    """A council on `<slug>.localhost`, provisioned as the platform does it, then dropped."""
    from django.db import connection

    from casework.services.councils import council_create
    from tenants.models import Council

    connection.set_schema_to_public()  # as the platform provisions: never from inside another council
    stale = Council.objects.filter(slug=slug).first()
    if stale is not None:  # a run that was killed before it could drop its council
        _drop(stale)
    council = council_create(
        name=f"Bench {slug}", slug=slug, domain=f"{slug}.localhost", admin_email=f"admin@{slug}.localhost"
    ).council
    try:
        yield council
    finally:
        _drop(council)


@contextlib.contextmanager
def bench_councils(prefix: str, count: int) -> Iterator[list]:
    """`count` councils on `<prefix>-N.localhost`, dropped together at the end.

    Not one by one as bench_council does: deleting an account checks every council
    schema's references to it (about 27 foreign keys a council), so with 150 councils one
    account's delete needs some 8,000 locks, past PostgreSQL's default lock table
    (max_locks_per_transaction 64 x max_connections 100: docs/operations.md). So the
    schemas go first, then the accounts and council rows, read through the template
    schema, which has every council table and no rows."""
    import io

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.db import connection

    from casework.services.councils import council_create
    from citizen.accounts.models import Account
    from tenants.models import Council

    def drop_all() -> None:
        from django.conf import settings
        from django.db import models
        from django_tenants.utils import schema_context

        stale = list(Council.objects.filter(slug__startswith=f"{prefix}-"))
        with schema_context("public"), connection.cursor() as cursor:
            for council in stale:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{council.schema_name}" CASCADE')
        with schema_context(settings.TENANT_BASE_SCHEMA):
            for council in stale:
                # The sign-in records axes kept for the bench's people go with them: left
                # in the shared tables they are counted by every later lockout check.
                domain = f"@{council.slug}.localhost"
                for record in (AccessAttempt, AccessFailureLog, AccessLog):
                    record.objects.filter(username__icontains=domain).delete()
                Account.objects.filter(email__endswith=domain).delete()
                models.Model.delete(council)

    connection.set_schema_to_public()
    drop_all()  # a run that was killed before it could drop its councils
    made = []
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for number in range(count):
                slug = f"{prefix}-{number}"
                made.append(
                    council_create(
                        name=f"Bench {slug}",
                        slug=slug,
                        domain=f"{slug}.localhost",
                        admin_email=f"admin@{slug}.localhost",
                    ).council
                )
        yield made
    finally:
        connection.set_schema_to_public()
        drop_all()


def _drop(council) -> None:
    """The council's accounts and row, then its schema. The rows are deleted from inside
    the schema, so that Django also finds the rows there that point at them (an
    account's access, the council's API clients); django-tenants' own delete drops the
    schema first and then cannot."""
    from django.db import connection, models
    from django_tenants.utils import schema_context, schema_exists, tenant_context

    from citizen.accounts.models import Account

    if not schema_exists(council.schema_name):  # a run that died half-way through this
        council.create_schema(check_if_exists=True, verbosity=0)
    from casework.submissions.models import FormDraft, FormSubmission

    with tenant_context(council):
        FormSubmission.objects.all().delete()  # they protect their drafts, and drafts their accounts
        FormDraft.objects.all().delete()
        Account.objects.filter(email__endswith=f"@{council.slug}.localhost").delete()
        models.Model.delete(council)
    with schema_context("public"), connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{council.schema_name}" CASCADE')


@dataclass(frozen=True)
class Family:
    email: str
    cookie: str  # the session cookie of a sign-in with two-step done
    child_id: int
    case_id: int


_numbers = itertools.count(1)


def family(council, *, documents: int, messages: int) -> Family:
    """A parent with one child, one assessment, `documents` shared files and `messages`
    messages, signed in with two-step done."""
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from casework.models import Case, CaseKind, Child, ChildAccess, Document, Message, Relationship
    from casework.services.seed_caseload import analyze
    from citizen.accounts.models import Account, EmailCodeDevice

    number = next(_numbers)
    now = timezone.now()
    email = f"family{number}@{council.slug}.localhost"
    account = Account.objects.create_user(
        email, None, first_name="Bench", last_name=f"Parent{number}", is_active=True, email_verified_at=now
    )
    device = EmailCodeDevice.objects.create(user=account, name="Email", confirmed=True)
    with tenant_context(council):
        child = Child.objects.create(
            legal_first_name="Sam",
            legal_last_name=f"Bench{number}",
            date_of_birth=date(2015, 1, 1),
            council_reference=f"BENCH-{number}",
        )
        ChildAccess.objects.create(child=child, account=account, relationship=Relationship.PARENT)
        case = Case.objects.create(
            child=child,
            kind=CaseKind.ASSESSMENT,
            reference=f"EHC-BENCH-{number}",
            started_on=timezone.localdate() - timedelta(days=30),
        )
        Document.objects.bulk_create(
            Document(
                case=case,
                kind=Document.Kind.DRAFT_PLAN,
                title=f"Report {n}",
                file=f"bench/report-{n}.pdf",
                content_type="application/pdf",
                size=1000 + n,
                shared_with_family_at=now,
                scan_status=Document.ScanStatus.CLEAN,
                scanned_at=now,
            )
            for n in range(documents)
        )
        Message.objects.bulk_create(
            Message(case=case, author=None if n % 2 else account, from_send_team=bool(n % 2), body=f"Message {n}")
            for n in range(messages)
        )
        analyze(Document, Message, ChildAccess, Case, Child)  # a database in use has its statistics
        client = Client(HTTP_HOST=f"{council.slug}.localhost")
        client.force_login(account)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return Family(email, client.cookies[settings.SESSION_COOKIE_NAME].value, child.pk, case.pk)


def family_pages(found: Family) -> dict[str, str]:
    return {
        "family home": "/send/",
        "child": f"/send/children/{found.child_id}/",
        "case": f"/send/cases/{found.case_id}/",
        "documents": f"/send/cases/{found.case_id}/documents/",
        "messages": f"/send/cases/{found.case_id}/messages/",
    }


def page_queries(host: str, cookie: str, path: str) -> int:
    """How many queries the page costs a signed-in visitor, its caches warm (in-process)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host)
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    client.get(path)  # the first request fills the process's caches, as a running server's are
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return len(captured)
