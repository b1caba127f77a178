"""Sending a form, over HTTP on each council: the confirmation with its reference; the
case step it feeds (a new request opens an EHC needs assessment and starts the clock; a
contribution joins the case under way, or is refused plainly when there is none); the
SEND team's alert (what arrived and the case, never a name or an answer); who is
speaking; sending twice makes one submission; a draft stays on its version."""

from __future__ import annotations

import copy
import html
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from casework.models import AuditEvent, Case, CaseKind, ChildAccess, Relationship
from casework.services.forms import PROFESSIONAL_BUILTINS
from casework.submissions.models import FormDraft, FormFile, FormSubmission
from tenants.form_definitions import builtin_definition
from tenants.models import FormVariant

from .conftest import (
    CHILD_FIRST,
    CHILD_LAST,
    KITCHEN_SINK,
    assessment_open,
    complete_everything,
    make_account,
    pdf_bytes,
    publish,
    signed_in_client,
    upload,
)

pytestmark = pytest.mark.django_db


def text(answer) -> str:
    return html.unescape(answer.content.decode())


def send(family, draft_id, post):
    return post(family.client, f"/send/forms/drafts/{draft_id}/declaration/", {"confirm": "on"})


def test_sending_shows_the_reference_and_what_happens_next(family, everything, post):
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    declaration = family.client.get(f"/send/forms/drafts/{draft_id}/declaration/")
    assert "I confirm this is right" in text(declaration)
    refused = post(family.client, f"/send/forms/drafts/{draft_id}/declaration/", {})
    assert refused.status_code == 200 and "Confirm the declaration to send the form" in text(refused)

    answer = send(family, draft_id, post)
    with tenant_context(family.council):
        submission = FormSubmission.objects.select_related("case").get()
    assert answer["Location"] == f"/send/forms/submissions/{submission.pk}/"
    page = text(family.client.get(answer["Location"]))
    year = timezone.localdate().year
    assert submission.reference == f"FS-{year}-00001"
    assert "Everything sent" in page and submission.reference in page and "We will look at it." in page
    assert f'href="/send/forms/submissions/{submission.pk}/pdf/"' in page
    # Whose form this is (issue 19, item 16): the child, by name and date of birth.
    assert f"We have sent Everything about <strong>{CHILD_FIRST} {CHILD_LAST}</strong>" in page
    assert submission.version_id == everything.pk and submission.submitted_by_id == family.account.pk


def test_a_new_request_opens_an_assessment_received_today_so_the_clock_starts(family, everything, post):
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    send(family, draft_id, post)
    today = timezone.localdate()
    with tenant_context(family.council):
        case = Case.objects.get(child=family.child)
        submission = FormSubmission.objects.get()
        events = list(AuditEvent.objects.filter(case=case).values_list("subject", "summary"))
    assert (case.kind, case.started_on) == (CaseKind.ASSESSMENT, today)
    assert case.next_deadline == today + timedelta(weeks=6)  # reg 5: decide whether to assess
    assert submission.case_id == case.pk and submission.feeds == "new_request"
    assert ("case", "Opened the case (EHC needs assessment)") in events
    assert ("form_submission", f"Sent Everything (version 1), reference {submission.reference}") in events


def test_a_new_request_is_refused_while_an_assessment_is_under_way(family, everything, post):
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    with tenant_context(family.council):
        case = assessment_open(family.child)
    answer = send(family, draft_id, post)
    assert answer.status_code == 200
    assert f"An EHC needs assessment is already under way for this child (case {case.reference})" in text(answer)
    with tenant_context(family.council):
        assert not FormSubmission.objects.exists() and Case.objects.count() == 1


def test_a_contribution_joins_the_assessment_under_way(family, post):
    publish(family.council, KITCHEN_SINK | {"feeds": "contribution"})
    start = f"/send/forms/children/{family.child.pk}/everything/start/"
    refused = family.client.post(start)
    assert refused.status_code == 200 and "Start now" not in text(refused)
    # Nothing started yet, so no "keep your draft"; a way on instead (issue 19, item 16).
    assert "There is no EHC needs assessment under way for this child yet, so this form cannot be started" in text(
        refused
    )
    assert "Keep your draft" not in text(refused) and 'href="/send/forms/"' in text(refused)
    with tenant_context(family.council):
        case = assessment_open(family.child)
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    send(family, draft_id, post)
    with tenant_context(family.council):
        submission = FormSubmission.objects.get()
        assert Case.objects.count() == 1
    assert submission.case_id == case.pk and submission.feeds == "contribution"


def test_a_contribution_is_refused_plainly_when_the_case_has_closed_meanwhile(family, post, outbox):
    publish(family.council, KITCHEN_SINK | {"feeds": "contribution"})
    with tenant_context(family.council):
        case = assessment_open(family.child)
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    with tenant_context(family.council):
        Case.objects.filter(pk=case.pk).update(closed_on=timezone.localdate())
    refused = send(family, draft_id, post)
    assert refused.status_code == 200
    assert "There is no EHC needs assessment under way for this child, so this form cannot be sent yet" in text(refused)
    with tenant_context(family.council):
        assert not FormSubmission.objects.exists()
        assert FormDraft.objects.get(pk=draft_id).submitted_at is None
    assert outbox(family.council) == []


def test_an_annual_review_contribution_needs_an_annual_review(family, post):
    publish(family.council, KITCHEN_SINK | {"feeds": "annual_review"})
    with tenant_context(family.council):
        assessment_open(family.child)
    start = text(family.client.get(f"/send/forms/children/{family.child.pk}/everything/start/"))
    assert "There is no annual review under way for this child" in start and "Start now" not in start


def test_the_send_team_is_told_what_arrived_and_on_which_case_never_names_or_answers(family, everything, post, outbox):
    draft_id = family.draft_start()
    complete_everything(family, draft_id, helper="Dr Zebedee Quill")
    send(family, draft_id, post)
    with tenant_context(family.council):
        submission = FormSubmission.objects.select_related("case").get()
    (email,) = [e for e in outbox(family.council) if e.to != [family.account.email]]
    assert email.to == [family.child.service_area.contact_email]
    # The sender hears it arrived (issue 19, item 16) and, as it opened an assessment,
    # that the assessment is open (item 7): never a name or an answer.
    own = {e.subject: e for e in outbox(family.council) if e.to == [family.account.email]}
    assert set(own) == {
        f"Everything received: reference {submission.reference}",
        "Your child's EHC needs assessment is open",
    }
    received = own[f"Everything received: reference {submission.reference}"].body
    assert f"Your reference is {submission.reference}." in received
    assert f"/send/forms/submissions/{submission.pk}/" in received
    for private in (CHILD_FIRST, CHILD_LAST, "Ann Example", "Dr Zebedee Quill"):
        assert private not in received
    assert email.subject == f"Everything received: case {submission.case.reference}"
    assert submission.reference in email.body and "the 20-week clock started" in email.body
    assert f"/staff/submissions/{submission.pk}/" in email.body
    for private in (CHILD_FIRST, CHILD_LAST, "Ann Example", "Dr Zebedee Quill", family.account.last_name, "Carlisle"):
        assert private not in email.body and private not in email.subject


def test_without_a_service_area_the_alert_goes_to_the_councils_address(family, everything, post, outbox):
    with tenant_context(family.council):
        family.child.service_area = None
        family.child.save()
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    send(family, draft_id, post)
    (email,) = [e for e in outbox(family.council) if e.to != [family.account.email]]
    assert email.to == [family.council.contact_email]


def test_sending_twice_makes_one_submission(family, everything, post, outbox):
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    first = send(family, draft_id, post)
    second = send(family, draft_id, post)  # a double click, or the back button and send again
    assert first["Location"] == second["Location"]
    with tenant_context(family.council):
        assert FormSubmission.objects.count() == 1 and Case.objects.count() == 1
    assert len(outbox(family.council)) == 3  # the SEND team's alert, the family's "received" and "is open", once each
    # Every page of a sent draft now leads to its confirmation.
    for path in ("", "pages/names/", "check/"):
        assert family.client.get(f"/send/forms/drafts/{draft_id}/{path}")["Location"] == first["Location"]
    assert family.client.post(family.page(draft_id, "names"), {"full_name": "Changed"})["Location"] == first["Location"]


def test_files_go_with_the_submission_and_replaced_ones_do_not(
    family, everything, post, media_root, django_capture_on_commit_callbacks
):
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    with django_capture_on_commit_callbacks(execute=True):
        family.client.post(family.page(draft_id, "report"), {"report": upload("old.pdf", pdf_bytes("old"))})
        family.client.post(family.page(draft_id, "report"), {"report": upload("new.pdf", pdf_bytes("new"))})
    send(family, draft_id, post)
    with tenant_context(family.council):
        (sent,) = FormFile.objects.all()
        submission = FormSubmission.objects.get()
    assert sent.submission_id == submission.pk and sent.name == "new.pdf"
    assert submission.answers["report"]["file_id"] == sent.pk


def test_a_draft_finishes_on_its_version_when_a_new_one_is_published(family, everything, post):
    draft_id = family.draft_start()
    family.client.post(family.page(draft_id, "names"), {"full_name": "Ann", "story": "Hi"})
    version_2 = copy.deepcopy(KITCHEN_SINK)
    version_2["title"] = "Everything form, second edition"
    version_2["sections"][0]["pages"][0]["questions"][0]["label"] = "Your full legal name"
    v2 = publish(family.council, version_2, variant=everything.variant)

    page = text(family.client.get(family.page(draft_id, "names")))
    assert "Full name" in page and "Your full legal name" not in page

    # Someone starting now (another parent of the child) gets version 2.
    other = make_account()
    with tenant_context(family.council):
        ChildAccess.objects.create(child=family.child, account=other, relationship=Relationship.PARENT)
    client = signed_in_client(family.council, other)
    new_draft = client.post(f"/send/forms/children/{family.child.pk}/everything/start/")["Location"]
    with tenant_context(family.council):
        assert FormDraft.objects.get(account=other).version_id == v2.pk
    assert "Your full legal name" in text(client.get(f"{new_draft}pages/names/"))

    complete_everything(family, draft_id)
    send(family, draft_id, post)
    with tenant_context(family.council):
        submission = FormSubmission.objects.get()
    assert submission.version_id == everything.pk
    words = "".join(p.extract_text() for p in PdfReader(submission.pdf.open("rb")).pages)
    assert "Everything form\n" in words and "Full name" in words and "second edition" not in words


@pytest.mark.parametrize(
    ("relationship", "said"),
    [
        (Relationship.YOUNG_PERSON, "The young person, for themself"),
        (Relationship.PARENT, "A parent, on the child's behalf"),
        (Relationship.CARER, "A carer, on the child's behalf"),
    ],
)
def test_the_submission_records_who_is_speaking(site, post, relationship, said):
    account = make_account()
    with tenant_context(site.council):
        from .conftest import child_make

        child = child_make()
        ChildAccess.objects.create(child=child, account=account, relationship=relationship)
    publish(site.council, KITCHEN_SINK)
    client = signed_in_client(site.council, account)
    start = text(client.get(f"/send/forms/children/{child.pk}/everything/start/"))
    expected = (
        "for yourself: the answers are your own views"
        if relationship == Relationship.YOUNG_PERSON
        else (f"on {CHILD_FIRST}'s behalf")
    )
    assert expected in start

    from .conftest import Family

    member = Family(
        council=site.council, other=site.other, domain=site.domain, account=account, child=child, client=client
    )
    draft_id = member.draft_start()
    complete_everything(member, draft_id)
    send(member, draft_id, post)
    with tenant_context(site.council):
        submission = FormSubmission.objects.get()
    assert submission.speaking_as == relationship and submission.speaking_as_text == said


def test_the_family_downloads_their_pdf_and_the_download_is_audited(family, everything, post):
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    send(family, draft_id, post)
    with tenant_context(family.council):
        submission = FormSubmission.objects.get()
    answer = family.client.get(f"/send/forms/submissions/{submission.pk}/pdf/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert f'filename="{submission.reference}.pdf"' in answer["Content-Disposition"]
    pdf = b"".join(answer.streaming_content)
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert submission.reference in words and "Ann Example" in words
    with tenant_context(family.council):
        assert AuditEvent.objects.filter(
            subject="form_submission", action=AuditEvent.Action.DOWNLOADED, actor=family.account
        ).exists()


def test_the_demo_councils_offer_their_own_built_in(site):
    expected = "section-a" if site.council.slug == "cumbria" else "appendix-a"
    (variant,) = FormVariant.objects.filter(council=site.council).exclude(based_on__in=PROFESSIONAL_BUILTINS)
    assert variant.slug == expected and variant.based_on == expected
    (version,) = variant.versions.all()
    assert version.is_published and version.definition == builtin_definition(expected)


def test_starting_does_not_change_a_draft_of_another_family_member(family, everything):
    """Each member's drafts are their own: another parent of the same child starts their own."""
    other = make_account()
    with tenant_context(family.council):
        ChildAccess.objects.create(child=family.child, account=other, relationship=Relationship.PARENT)
    mine = family.draft_start()
    client = signed_in_client(family.council, other)
    theirs = client.post(f"/send/forms/children/{family.child.pk}/everything/start/")["Location"]
    assert theirs != f"/send/forms/drafts/{mine}/"
    with tenant_context(family.council):
        assert FormDraft.objects.count() == 2
