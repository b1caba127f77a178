"""Every professionals' page by who is asking, on both councils: an organisation's people
see only their own organisation's requests (an admin alone its people), never another
organisation's, never the other council's; staff and families are refused (403), anyone
signed out is sent to sign in; a closed request disappears once the council's access
period has passed."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from casework.models import AdviceRequest, CaseKind, Document, Milestone, OrganisationInvitation, StaffRole
from casework.services.advice import advice_ask, advice_draft_open, advice_send
from casework.services.cases import case_open
from casework.services.reviews import review_report_draft_open, review_setting_set
from tests.casework.conftest import make_account, signed_in_client
from tests.casework.documents.conftest import pdf_bytes, upload

from .conftest import organisation_with

pytestmark = pytest.mark.django_db

WHO = (
    "anonymous",
    "family",
    "caseworker",
    "school member",
    "school admin",
    "other organisation's admin",
    "other council's professional on their own host",  # no session on this host
    "other council's professional asking for these ids",  # their own host, their own session
)
ALLOWED = "school member", "school admin"


def expect(ok: int, *, who_ok=ALLOWED, others: int = 404) -> dict[str, int]:
    answers = {
        "anonymous": 302,
        "family": 403,
        "caseworker": 403,
        "other organisation's admin": others,
        "other council's professional on their own host": 302,
        "other council's professional asking for these ids": 404,
    }
    for who in ("school member", "school admin"):
        answers[who] = ok if who in who_ok else others
    return answers


# (method, path with {placeholders}, expected status by who)
PAGES = [
    (
        "get",
        "/professionals/",
        expect(200) | {"other organisation's admin": 200, "other council's professional asking for these ids": 200},
    ),
    ("get", "/professionals/advice/{open}/", expect(200)),
    ("get", "/professionals/advice/{sent}/", expect(200)),
    ("post", "/professionals/advice/{open}/take/", expect(302)),
    ("get", "/professionals/advice/{open}/send/", expect(200)),
    ("post", "/professionals/advice/{open}/send/", expect(200)),  # nothing posted: the form's errors
    ("get", "/professionals/advice/{open}/decline/", expect(200)),
    ("post", "/professionals/advice/{open}/decline/", expect(200)),
    ("get", "/professionals/advice/{sent}/documents/{document}/", expect(200)),
    ("get", "/professionals/advice/{open}/documents/{document}/", expect(404, who_ok=())),  # not this request's
    ("get", "/professionals/reviews/{review}/", expect(200)),
    ("get", "/professionals/reviews/{review}/steps/meeting/", expect(200)),
    ("post", "/professionals/reviews/{review}/steps/meeting/", expect(200)),  # nothing posted: the form's errors
    # The council's forms, filled in by the organisation (an advice form, the review's report).
    ("post", "/professionals/advice/{open}/form/", expect(302)),
    ("get", "/professionals/advice/{open}/form/tasks/", expect(200)),
    ("get", "/professionals/advice/{open}/form/pages/involvement/", expect(200)),
    ("post", "/professionals/advice/{open}/form/pages/involvement/", expect(200)),  # errors
    ("get", "/professionals/advice/{open}/form/check/", expect(200)),
    ("get", "/professionals/advice/{open}/form/send/", expect(302)),  # not complete: back to the tasks
    ("post", "/professionals/reviews/{review}/report/", expect(302)),
    ("get", "/professionals/reviews/{review}/report/tasks/", expect(200)),
    ("get", "/professionals/reviews/{review}/report/pages/meeting/", expect(200)),
    ("post", "/professionals/reviews/{review}/report/pages/meeting/", expect(200)),  # errors
    ("get", "/professionals/reviews/{review}/report/check/", expect(200)),
    ("get", "/professionals/reviews/{review}/report/send/", expect(302)),  # not complete: back to the tasks
    ("get", "/professionals/organisations/{school}/people/", expect(200, who_ok=("school admin",))),
    ("post", "/professionals/organisations/{school}/people/", expect(200, who_ok=("school admin",))),  # errors
    ("get", "/professionals/organisations/{school}/people/{member}/remove/", expect(200, who_ok=("school admin",))),
    (
        "post",
        "/professionals/organisations/{school}/invitations/{invitation}/withdraw/",
        expect(302, who_ok=("school admin",)),
    ),
]


@pytest.fixture
def rows(site, in_council, staff_account):
    worker = staff_account(site.council, StaffRole.CASEWORKER)
    from .conftest import case_waiting_for_advice

    with in_council(site.council):
        case = case_waiting_for_advice(worker)
        school, school_people = organisation_with("Greenfield Primary School", "school", {"sam": True, "kim": False})
        _, other_people = organisation_with("Health Visiting Team", "health", {"pat": True})
        ask = {"kind": "health", "cover": "Sleep", "family_consent": True, "actor": worker, "actor_role": "caseworker"}
        (first,) = advice_ask(case=case, organisations=[school], **ask)
        member = school.memberships.get(account=school_people["kim"])
        advice_send(advice=first, membership=member, note="Advice", files=[upload("report.pdf", pdf_bytes())])
        (second,) = advice_ask(case=case, organisations=[school], **ask)
        document = Document.objects.get(advice_request=first)
        review = case_open(
            child=case.child,
            kind=CaseKind.ANNUAL_REVIEW,
            started_on=timezone.localdate() - timedelta(days=300),
            actor=worker,
        )
        review_setting_set(case=review, organisation=school, actor=worker, actor_role="caseworker")
        Milestone.objects.create(case=review, key="meeting", occurred_on=timezone.localdate() - timedelta(days=1))
        review_report_draft_open(case=review, membership=member)
        advice_draft_open(advice=second, membership=member)
    with in_council(site.other):  # the same names in the other council: ids there mean other rows
        # Each schema numbers its own rows: the other council's professional's own
        # organisation must not happen to have this council's school's id (asking for it
        # on their own host would then rightly show their own), so a spare one takes it.
        elsewhere, elsewhere_people = organisation_with("Greenfield Primary School", "school", {"lee": True})
        if elsewhere.pk == school.pk:
            _, elsewhere_people = organisation_with("Hillside Nursery", "school", {"lee": True})
    return SimpleNamespace(
        open=second.pk,
        review=review.pk,
        sent=first.pk,
        document=document.pk,
        school=school.pk,
        member=member.pk,
        people={**school_people, **other_people, **elsewhere_people},
    )


@pytest.fixture
def clients(site, rows, staff_client):
    return {
        "anonymous": Client(HTTP_HOST=site.domain),
        "family": staff_client(site.council, None),
        "caseworker": staff_client(site.council, StaffRole.CASEWORKER),
        "school member": signed_in_client(site.council, rows.people["kim"]),
        "school admin": signed_in_client(site.council, rows.people["sam"]),
        "other organisation's admin": signed_in_client(site.council, rows.people["pat"]),
        "other council's professional on their own host": signed_in_client(site.other, rows.people["lee"]),
        "other council's professional asking for these ids": signed_in_client(site.other, rows.people["lee"]),
    }


@pytest.mark.parametrize(("method", "path", "expected"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES])
def test_who_may_open_each_professionals_page(site, rows, clients, in_council, method, path, expected):
    answers = {}
    for who in WHO:
        with in_council(site.council):
            OrganisationInvitation.objects.filter(email="new@example.org").delete()
            invitation = OrganisationInvitation.objects.create(
                organisation_id=rows.school,
                email="new@example.org",
                token_hash=f"{who:x<64}"[:64],
                expires_at=timezone.now() + timedelta(days=1),
            )
            AdviceRequest.objects.filter(pk=rows.open).update(status="open", taken_by=None)
        url = path.format(
            open=rows.open,
            review=rows.review,
            sent=rows.sent,
            document=rows.document,
            school=rows.school,
            member=rows.member,
            invitation=invitation.pk,
        )
        host = site.other_domain if who == "other council's professional asking for these ids" else site.domain
        response = getattr(clients[who], method)(url, {}, HTTP_HOST=host)
        answers[who] = response.status_code
        if response.status_code == 302 and who in ("anonymous", "other council's professional on their own host"):
            assert response["Location"].startswith("/sign-in/"), (who, response["Location"])
    assert answers == expected


def test_the_invitation_page_is_open_to_anyone_with_the_link(site, rows, clients):
    for who in WHO:
        assert clients[who].get("/professionals/invitations/not-a-real-token/").status_code == 200


def test_a_closed_request_is_gone_once_the_councils_access_period_has_passed(site, rows, clients, in_council):
    kim = clients["school member"]
    assert kim.get(f"/professionals/advice/{rows.sent}/").status_code == 200
    with in_council(site.council):
        AdviceRequest.objects.filter(pk=rows.sent).update(
            closed_at=timezone.now() - timedelta(days=site.council.professional_access_days, minutes=1)
        )

    assert kim.get(f"/professionals/advice/{rows.sent}/").status_code == 404
    assert kim.get(f"/professionals/advice/{rows.sent}/documents/{rows.document}/").status_code == 404
    assert f"/professionals/advice/{rows.sent}/" not in kim.get("/professionals/").content.decode()


def test_someone_removed_from_the_organisation_loses_its_requests_at_once(site, rows, clients, post):
    kim = clients["school member"]
    sam = clients["school admin"]

    post(sam, f"/professionals/organisations/{rows.school}/people/{rows.member}/remove/", {"hand_to": ""})

    assert kim.get(f"/professionals/advice/{rows.open}/").status_code == 403
    assert kim.get("/professionals/").status_code == 403


def test_a_professional_never_sees_a_childs_family_pages_or_staff_pages(site, rows, clients, in_council):
    kim = clients["school member"]
    with in_council(site.council):
        case = AdviceRequest.objects.get(pk=rows.open).case
    assert kim.get(f"/staff/cases/{case.pk}/").status_code == 403
    assert kim.get(f"/send/cases/{case.pk}/").status_code == 404
    _ = make_account  # accounts come from organisation_with
