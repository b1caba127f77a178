"""Fixtures for the API tests: API clients of a council (made through the service a
council admin's page calls), a test client that sends their credentials, and the
council's records made through casework's own services."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.models import Scope
from api.services import api_client_create, api_client_revoke
from casework.models import (
    AccessRequest,
    Case,
    CaseKind,
    Child,
    Document,
    Plan,
    Relationship,
    StaffMembership,
    StaffRole,
)
from casework.services.cases import case_open
from casework.services.documents import document_upload
from casework.services.messages import message_post
from tenants.models import Council, ServiceArea
from tests.casework.conftest import make_account
from tests.casework.documents.conftest import pdf_bytes, upload
from tests.factories import AccessRequestFactory, ChildFactory, StaffMembershipFactory

ALL_SCOPES = tuple(Scope.values)
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every stored file goes under this test's own folder."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _no_settle(settings):
    """Rows are listed as soon as they are written (the settle window has tests of its own)."""
    settings.API_SYNC_SETTLE_SECONDS = 0


def council_admin(council: Council) -> StaffMembership:
    account = make_account()
    with tenant_context(council):
        return StaffMembership.objects.create(account=account, role=StaffRole.COUNCIL_ADMIN)


def api_client_make(council: Council, *, scopes=ALL_SCOPES, name: str | None = None, revoked: bool = False):
    """(client, token) for a new client of `council`, made as its admin would."""
    admin = council_admin(council)
    with tenant_context(council):
        client, credential = api_client_create(
            council=council, name=name or f"Case system {next(_numbers)}", scopes=scopes, by=admin
        )
        if revoked:
            client = api_client_revoke(client=client, by=admin)
    return client, credential.token


class ApiCaller:
    """A test client on a council's host that sends a credential with every request."""

    def __init__(self, domain: str, token: str | None):
        self.client = Client(HTTP_HOST=domain)
        self.token = token

    def _headers(self, extra: dict) -> dict:
        headers = dict(extra)
        if self.token is not None:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return headers

    def get(self, path: str, data=None, **extra):
        return self.client.get(path, data, **self._headers(extra))

    def put(self, path: str, data=None, **extra):
        return self.client.put(path, data or {}, content_type="application/json", **self._headers(extra))

    def post(self, path: str, data=None, *, content_type="application/json", **extra):
        if content_type is None:  # multipart: the test client encodes it
            return self.client.post(path, data or {}, **self._headers(extra))
        return self.client.post(path, data or {}, content_type=content_type, **self._headers(extra))


@pytest.fixture
def api_for():
    """`api_for(site_or_domain, token)`: an ApiCaller on that host."""

    def _make(domain: str, token: str | None) -> ApiCaller:
        return ApiCaller(domain, token)

    return _make


@pytest.fixture
def api(site):
    """A client of the site's council with every scope, and a caller sending its credential."""
    client, token = api_client_make(site.council)
    return SimpleNamespace(client=client, token=token, call=ApiCaller(site.domain, token))


def child_make(**fields) -> Child:
    number = next(_numbers)
    fields = {
        "legal_first_name": "Robin",
        "legal_last_name": f"Fell{number}",
        "date_of_birth": date(2012, 1, 1) + timedelta(days=number),  # never a possible duplicate
        "setting": "Fellside Primary",
        "service_area": ServiceArea.objects.filter(council_id=connection.tenant.pk).first(),
    } | fields
    return ChildFactory(**fields)


def case_make(*, child: Child | None = None, started_days_ago: int = 20) -> Case:
    """An EHC needs assessment opened through the service (the clock's stage cached)."""
    child = child or child_make()
    actor = make_account()
    StaffMembershipFactory(account=actor, role=StaffRole.CASEWORKER)
    return case_open(
        child=child,
        kind=CaseKind.ASSESSMENT,
        started_on=timezone.localdate() - timedelta(days=started_days_ago),
        actor=actor,
    )


def access_request_make(**fields) -> AccessRequest:
    fields = {
        "child_first_name": "Robin",
        "child_last_name": "Fell",
        "child_date_of_birth": date(2015, 4, 2),
        "family_note": "I am his dad.",
    } | fields
    return AccessRequestFactory(account=fields.pop("account", None) or make_account(), **fields)


def document_make(case: Case, *, title: str = "Decision to assess") -> Document:
    return document_upload(
        case=case,
        kind=Document.Kind.DECISION_LETTER,
        title=title,
        upload=upload("decision.pdf", pdf_bytes("We will assess")),
        actor=None,
        actor_role="api",
    )


def submission_make(case: Case, *, with_file: bool = True):
    """A form the family sent about the case's child: the council's published version,
    answers keyed by its first question's id, a PDF and (with_file) one file."""
    from django.core.files.base import ContentFile

    from casework.submissions.models import FormDraft, FormFile, FormSubmission
    from tenants.form_definitions import form_definition
    from tenants.models import FormVersion

    version = (
        FormVersion.objects.filter(variant__council_id=connection.tenant.pk, published_at__isnull=False)
        .select_related("variant")
        .order_by("-number")
        .first()
    )
    question = form_definition(version.definition).pages[0].questions[0]
    family = make_account()
    draft = FormDraft.objects.create(
        child=case.child, variant=version.variant, version=version, account=family, submitted_at=timezone.now()
    )
    submission = FormSubmission.objects.create(
        reference=f"F-{next(_numbers):06d}",
        draft=draft,
        child=case.child,
        case=case,
        variant=version.variant,
        version=version,
        feeds="contribution",
        answers={question.id: "An answer"},
        submitted_by=family,
        speaking_as=Relationship.PARENT,
        submitted_at=timezone.now(),
    )
    submission.pdf.save(f"{submission.reference}.pdf", ContentFile(pdf_bytes("Form")), save=True)
    if with_file:
        form_file = FormFile(
            draft=draft,
            submission=submission,
            question_id="evidence",
            name="report.pdf",
            content_type="application/pdf",
            size=len(pdf_bytes("Report")),
            sha256="0" * 64,
            uploaded_by=family,
            scan_status=FormFile.ScanStatus.CLEAN,  # as the runner leaves it once clamd has passed it
        )
        form_file.file.save("report.pdf", ContentFile(pdf_bytes("Report")), save=True)
    return submission


def advice_make(case):
    """Advice asked of an organisation on the case (as the SEND team does it from the case page)."""
    from casework.models import AdviceRequest, Milestone, Organisation
    from casework.services.cases import milestone_record

    if not Milestone.objects.filter(case=case, key="decided_whether_to_assess").exists():
        milestone_record(
            case=case, key="decided_whether_to_assess", occurred_on=case.started_on, outcome="yes", actor=None
        )
    organisation, _ = Organisation.objects.get_or_create(
        name="Greenfield Primary School", defaults={"kind": "school", "contact_email": "senco@example.org"}
    )
    return AdviceRequest.objects.create(
        case=case,
        adviser=organisation.name,
        organisation=organisation,
        kind="educational",
        cover="Learning",
        family_consent=True,
        requested_on=case.started_on,
    )


@pytest.fixture
def records(site):
    """One of each record in the site's council, and their ids: a child with an
    assessment, a document, a message and a form submission (with a file) on it, a
    waiting access request, the form version the submission answers, and the case's plan."""
    with tenant_context(site.council):
        case = case_make()
        document = document_make(case)
        family = make_account()
        message = message_post(case=case, author=family, from_send_team=False, body="When is the visit?")
        access_request = access_request_make(account=family)
        submission = submission_make(case)
        form_file = submission.files.get()
        advice = advice_make(case_make())  # a case of its own: its decision to assess is recorded
        Plan.objects.create(case=case, content={"A": {"views": "I like trains."}}, revision=1)
    return SimpleNamespace(
        advice_request=advice.pk,
        child=case.child_id,
        case=case.pk,
        document=document.pk,
        message=message.pk,
        access_request=access_request.pk,
        submission=submission.pk,
        form_file=form_file.pk,
        form_definition=submission.version_id,
    )
