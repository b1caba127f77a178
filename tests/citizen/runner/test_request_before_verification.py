"""A request for an assessment does not wait for verification (issue 19, item 10): a
family member whose access request the SEND team has not decided can send the council's
request for an EHC needs assessment for that child. It is received the day it is sent;
the SEND team sees it with the access request (first in the queue, and told at once);
approving the request opens the child's assessment with its clock counting from that
day, and the family then sees the child's records with the case. Nobody else reaches the
draft or the submission, and only a request for an assessment can be sent this way."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import AccessRequest, Case, CaseKind, ChildAccess, Relationship, StaffRole
from casework.services.access import access_request_approve, access_request_approve_new_child, access_request_decline
from casework.submissions.models import FormDraft, FormSubmission
from citizen.accounts.models import Account
from tenants.models import Council, ServiceArea
from tests.api.conftest import ApiCaller, api_client_make

from .conftest import (
    KITCHEN_SINK,
    assessment_open,
    child_make,
    complete_everything,
    make_account,
    publish,
    signed_in_client,
)

pytestmark = pytest.mark.django_db

FIRST, LAST, BORN = "Ottoline", "Fenwick-Hale", date(2016, 9, 12)
CONTRIBUTION = {**KITCHEN_SINK, "title": "Your views", "short_title": "Views", "feeds": "contribution"}


def text(answer) -> str:
    return html.unescape(answer.content.decode())


@dataclass
class Asking:
    """A parent whose access request waits for the SEND team, signed in with two-step."""

    council: Council
    other: Council
    domain: str
    account: Account
    access_request: AccessRequest
    client: Client

    @property
    def request_page(self) -> str:
        return f"/send/requests/{self.access_request.pk}/"

    def draft_start(self, slug: str = "everything") -> int:
        answer = self.client.post(f"/send/forms/requests/{self.access_request.pk}/{slug}/start/")
        assert answer.status_code == 302, text(answer)[:3000]
        return int(re.search(r"/drafts/(\d+)/", answer["Location"]).group(1))

    def page(self, draft_id: int, page_id: str) -> str:
        return f"/send/forms/drafts/{draft_id}/pages/{page_id}/"


@pytest.fixture
def asking(site) -> Asking:
    account = make_account()
    with tenant_context(site.council):
        access_request = AccessRequest.objects.create(
            account=account,
            relationship=Relationship.PARENT,
            child_first_name=FIRST,
            child_last_name=LAST,
            child_date_of_birth=BORN,
        )
    return Asking(
        council=site.council,
        other=site.other,
        domain=site.domain,
        account=account,
        access_request=access_request,
        client=signed_in_client(site.council, account),
    )


@pytest.fixture
def forms(asking):
    """The test form (a request for an assessment) and a contribution form, published."""
    return publish(asking.council, KITCHEN_SINK), publish(asking.council, CONTRIBUTION, slug="views")


def sent(asking, post) -> FormSubmission:
    draft_id = asking.draft_start()
    complete_everything(asking, draft_id)
    answer = post(asking.client, f"/send/forms/drafts/{draft_id}/declaration/", {"confirm": "on"})
    assert answer.status_code == 302, text(answer)[:3000]
    with tenant_context(asking.council):
        return FormSubmission.objects.select_related("access_request").get(draft_id=draft_id)


def test_the_request_page_offers_the_request_for_an_assessment_and_no_other_form(asking, forms):
    page = text(asking.client.get(asking.request_page))
    assert "Asking for an EHC needs assessment" in page
    assert "counts as received on the day you send it" in page
    assert f'href="/send/forms/requests/{asking.access_request.pk}/everything/start/"' in page
    assert "/views/start/" not in page  # a contribution needs the case: not offered

    start = text(asking.client.get(f"/send/forms/requests/{asking.access_request.pk}/everything/start/"))
    assert "You do not need to wait for them" in start and f"for {FIRST} {LAST}" in start
    refused = asking.client.post(f"/send/forms/requests/{asking.access_request.pk}/views/start/")
    assert refused.status_code == 200
    assert "Only a request for an EHC needs assessment can be sent before then" in text(refused)
    with tenant_context(asking.council):
        assert not FormDraft.objects.exists()

    # The family's forms page lists the child they named, with the form to start.
    index = text(asking.client.get("/send/forms/"))
    assert f"{FIRST} {LAST}" in index and "You can ask for an EHC needs assessment now" in index


def test_sending_it_is_received_today_and_the_send_team_is_told_at_once(asking, forms, post, outbox):
    submission = sent(asking, post)
    today = timezone.localdate()
    assert (submission.child_id, submission.case_id) == (None, None)
    assert submission.access_request_id == asking.access_request.pk
    assert timezone.localdate(submission.submitted_at) == today
    assert submission.speaking_as == Relationship.PARENT
    with tenant_context(asking.council):
        assert not Case.objects.exists()

    confirmation = text(asking.client.get(f"/send/forms/submissions/{submission.pk}/"))
    assert f"about <strong>{FIRST} {LAST}</strong>" in confirmation
    assert f"Your request counts as received on {today:%-d %B %Y}, the day you sent it" in confirmation

    emails = outbox(asking.council)
    to_team = [e for e in emails if "decide the request" in e.subject]
    to_family = [e for e in emails if e.to == [asking.account.email]]
    assert len(to_team) == 1 and len(to_family) == 1
    assert f"access request {asking.access_request.pk}" in to_team[0].subject
    assert f"received on {today:%-d %B %Y}: the 20-week clock counts from that day" in to_team[0].body
    assert f"/staff/access-requests/{asking.access_request.pk}/" in to_team[0].body
    assert "counts as received on" in to_family[0].body
    for email in emails:  # never a name
        assert FIRST not in email.body + email.subject and LAST not in email.body + email.subject

    # Sent once: the request page shows it, offers nothing more, and a second start is refused.
    page = text(asking.client.get(asking.request_page))
    assert submission.reference in page and "/everything/start/" not in page
    again = text(asking.client.post(f"/send/forms/requests/{asking.access_request.pk}/everything/start/"))
    assert (
        f"You have already sent a request for an EHC needs assessment for this child (reference {submission.reference})"
        in again
    )


def test_approving_opens_the_assessment_from_the_day_it_was_sent(asking, forms, post, staff_account, outbox):
    submission = sent(asking, post)
    sent_on = timezone.localdate() - timedelta(days=10)  # verification took ten days
    with tenant_context(asking.council):
        FormSubmission.objects.filter(pk=submission.pk).update(
            submitted_at=submission.submitted_at - timedelta(days=10)
        )
    caseworker = staff_account(asking.council, StaffRole.CASEWORKER)
    staff = signed_in_client(asking.council, caseworker)

    queue = text(staff.get("/staff/access-requests/"))
    assert "Assessment requested" in queue and f"Received {sent_on:%-d %B %Y}" in queue
    page = text(staff.get(f"/staff/access-requests/{asking.access_request.pk}/"))
    assert "The family sent a request for an EHC needs assessment with this request" in page
    assert f"received {sent_on:%-d %B %Y}. The 20-week clock counts from that day" in page
    sub_page = text(staff.get(f"/staff/submissions/{submission.pk}/"))
    assert "None yet: it was sent with" in sub_page and f"{FIRST} {LAST}" in sub_page

    answer = post(
        staff,
        f"/staff/access-requests/{asking.access_request.pk}/",
        {"action": "approve", "approve-match": "new", "approve-council_reference": "LATE1", **_area(asking)},
    )
    assert answer.status_code == 302, text(answer)[:3000]
    with tenant_context(asking.council):
        case = Case.objects.select_related("child").get()
        submission.refresh_from_db()
        draft = FormDraft.objects.get(pk=submission.draft_id)
    assert (case.kind, case.started_on, case.child.council_reference) == (CaseKind.ASSESSMENT, sent_on, "LATE1")
    assert case.next_deadline == sent_on + timedelta(weeks=6)  # reg 5, from the day it was received
    assert (submission.child_id, submission.case_id, draft.child_id) == (case.child_id, case.pk, case.child_id)
    child_page = text(staff.get(answer["Location"]))
    assert (
        f"{submission.reference}, the request for an assessment sent with it, is on case {case.reference}" in child_page
    )

    # The family now sees the child's records with the case, and the submission there.
    family_child = text(asking.client.get(f"/send/children/{case.child_id}/"))
    assert case.reference in family_child and submission.reference in family_child
    assert any(e.subject.endswith(" is open") for e in outbox(asking.council))


def test_an_assessment_already_under_way_gets_the_request_added_not_a_second_case(asking, forms, post):
    submission = sent(asking, post)
    with tenant_context(asking.council):
        child = child_make(legal_first_name=FIRST, legal_last_name=LAST, date_of_birth=BORN)
        under_way = assessment_open(child)
        access_request_approve(access_request=asking.access_request, child=child, actor=None, actor_role="system")
        submission.refresh_from_db()
        assert list(Case.objects.values_list("pk", flat=True)) == [under_way.pk]
    assert (submission.child_id, submission.case_id) == (child.pk, under_way.pk)


def test_nobody_else_reaches_the_draft_or_the_submission(asking, forms, post, site):
    draft_id = asking.draft_start()
    stranger = make_account()
    with tenant_context(asking.council):
        AccessRequest.objects.create(
            account=stranger,
            relationship=Relationship.PARENT,
            child_first_name=FIRST,
            child_last_name=LAST,
            child_date_of_birth=BORN,
        )
    strangers = signed_in_client(asking.council, stranger)
    elsewhere = signed_in_client(asking.other, asking.account)
    for client in (strangers, elsewhere):
        assert client.get(f"/send/forms/drafts/{draft_id}/").status_code == 404
        assert client.get(f"/send/forms/requests/{asking.access_request.pk}/everything/start/").status_code == 404
    assert asking.client.get(f"/send/forms/drafts/{draft_id}/").status_code == 200

    complete_everything(asking, draft_id)
    post(asking.client, f"/send/forms/drafts/{draft_id}/declaration/", {"confirm": "on"})
    with tenant_context(asking.council):
        submission = FormSubmission.objects.get()
    for client in (strangers, elsewhere):
        assert client.get(f"/send/forms/submissions/{submission.pk}/").status_code == 404
        assert client.get(f"/send/forms/submissions/{submission.pk}/pdf/").status_code == 404

    # Declined: the request for an assessment is on no case; the sender keeps their copy.
    with tenant_context(asking.council):
        access_request_decline(
            access_request=asking.access_request, reason="Not known to us", actor=None, actor_role="system"
        )
        assert not ChildAccess.objects.exists()
    assert asking.client.get(f"/send/forms/submissions/{submission.pk}/").status_code == 200


def test_a_draft_left_open_is_refused_once_the_request_is_declined(asking, forms, post):
    draft_id = asking.draft_start()
    complete_everything(asking, draft_id)
    with tenant_context(asking.council):
        access_request_decline(
            access_request=asking.access_request, reason="Not known", actor=None, actor_role="system"
        )
    assert asking.client.get(f"/send/forms/drafts/{draft_id}/").status_code == 404
    assert asking.client.post(f"/send/forms/drafts/{draft_id}/declaration/", {"confirm": "on"}).status_code == 404
    with tenant_context(asking.council):
        assert not FormSubmission.objects.exists()


def test_a_draft_carries_on_as_the_childs_once_approved(asking, forms, post):
    draft_id = asking.draft_start()
    with tenant_context(asking.council):
        access_request_approve_new_child(
            access_request=asking.access_request,
            council_reference="MID1",
            service_area=ServiceArea.objects.filter(council=asking.council).order_by("order").first(),
            actor=None,
            actor_role="system",
        )
        child_id = FormDraft.objects.get(pk=draft_id).child_id
    assert child_id is not None
    complete_everything(asking, draft_id)
    post(asking.client, f"/send/forms/drafts/{draft_id}/declaration/", {"confirm": "on"})
    with tenant_context(asking.council):
        submission = FormSubmission.objects.select_related("case").get()
    # Sent after approval: an ordinary request, received today, on the child's new case.
    assert submission.child_id == child_id and submission.access_request_id is None
    assert submission.case.started_on == timezone.localdate()


def test_the_api_shows_it_with_its_access_request_until_approved(asking, forms, post, settings):
    settings.API_SYNC_SETTLE_SECONDS = 0
    submission = sent(asking, post)
    _, token = api_client_make(asking.council)
    api = ApiCaller(asking.domain, token)
    answer = api.get("/api/v1/form-submissions/", {"access_request": asking.access_request.pk})
    listed = answer.json()["results"]
    assert [(row["id"], row["child"], row["case"], row["access_request"]) for row in listed] == [
        (submission.pk, None, None, asking.access_request.pk)
    ]


def _area(asking) -> dict:
    area = asking.council.service_areas.order_by("order").first()
    return {"approve-service_area": str(area.pk)} if area else {}
