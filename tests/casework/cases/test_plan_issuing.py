"""Issuing the plan written in the portal (issue 15, items 4 and 5), on both councils: the
draft goes to the family as a web page with its 15 days; they comment on a section or on
one provision; the SEND team answers each and the family reads the answer; the final
plan goes on the timeline, closes comments, and the family sees what changed since the
draft in words. Someone the family trusts reads it but cannot comment."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from casework import clock
from casework.models import AuditEvent, ChildAccess, Milestone, PlanComment, PlanVersion, Relationship, StaffRole
from casework.plans.changes import plan_changes
from tenants.outbox.models import OutboundEmail
from tests.casework.test_plan_findings import GOOD

from ..conftest import make_account, signed_in_client
from .conftest import family_path, fields, plan_path, staff_path

pytestmark = pytest.mark.django_db


def test_the_draft_goes_to_the_family_as_a_page_with_its_fifteen_days(written, site, post):
    case, worker, family = written
    assert (
        "The SEND team has not shared a plan written here yet"
        in family.get(family_path("case-plan", case)).content.decode()
    )
    confirm = worker.get(staff_path("case-plan-issue", case.pk)).content.decode()
    assert "Issue the draft plan" in confirm and "still open. You can issue it anyway" in confirm

    issued = post(worker, staff_path("case-plan-issue", case.pk), {"kind": "draft"})

    assert issued.status_code == 302
    with tenant_context(site.council):
        version = PlanVersion.objects.get(plan__case=case)
        served = Milestone.objects.get(case=case, key="draft_served")
        emails = list(OutboundEmail.objects.filter(subject="The draft EHC plan is ready to read"))
    assert version.kind == "draft" and version.findings_open >= 3 and served.occurred_on == version.issued_on
    last_day = clock.long_date(clock.comments_close(version.issued_on))
    assert len(emails) == 1 and f"You have until {last_day} to reply" in emails[0].body
    assert case.child.legal_first_name not in emails[0].body
    page = family.get(family_path("case-plan", case)).content.decode()
    assert "Section F: Special educational provision</h2>" in page
    assert "Daily reading with an adult" in page and "Comment on provision f1" in page
    assert f"until <strong>{last_day}</strong>" in page
    case_page = worker.get(staff_path("case", case.pk)).content.decode()
    assert f"was issued on {version.issued_on:%-d %B %Y} with {version.findings_open} findings open" in case_page


def test_comments_on_a_provision_and_a_section_are_answered_and_the_family_reads_the_answers(written, site, post):
    case, worker, family = written
    post(worker, staff_path("case-plan-issue", case.pk), {"kind": "draft"})

    empty = post(family, family_path("case-plan-comment", case, "?on=F.f1"), {"text": "  "})
    assert "Enter your comment" in empty.content.decode()
    post(family, family_path("case-plan-comment", case, "?on=F.f1"), {"text": "Regular is not enough: daily, please."})
    post(family, family_path("case-plan-comment", case, "?on=I"), {"text": "We want Oak Tree Academy named."})
    assert family.get(family_path("case-plan-comment", case, "?on=F.f9")).status_code == 404
    assert family.get(family_path("case-plan-comment", case, "?on=Z")).status_code == 404

    with tenant_context(site.council):
        on_provision, on_section = PlanComment.objects.order_by("id")
        told = OutboundEmail.objects.filter(subject__startswith="A family has commented on the draft plan").count()
    assert (on_provision.section, on_provision.item, on_section.section, on_section.item) == ("F", "f1", "I", "")
    assert told == 2
    staff_page = worker.get(plan_path(case)).content.decode()
    assert "2 comments, 2 not answered" in staff_page and "On provision f1 in section F" in staff_page

    refused = post(worker, staff_path("case-plan-comment", case.pk, on_section.pk), {"answer": "not_changed"})
    assert "Enter why the plan was not changed: the family will read this" in refused.content.decode()
    post(
        worker,
        staff_path("case-plan-comment", case.pk, on_section.pk),
        {
            "answer": "not_changed",
            "answer_text": "Oak Tree has said it cannot meet the needs; we are consulting others.",
        },
    )
    post(worker, staff_path("case-plan-comment", case.pk, on_provision.pk), {"answer": "changed", "answer_text": ""})

    page = family.get(family_path("case-plan", case)).content.decode()
    assert "The SEND team's answer (not changed):</strong> Oak Tree has said it cannot meet the needs" in page
    assert "The SEND team's answer (changed):</strong> The plan was changed as you asked." in page
    with tenant_context(site.council):
        assert OutboundEmail.objects.filter(subject__startswith="The SEND team has answered your comment").count() == 2


def test_the_final_plan_closes_comments_and_the_family_sees_what_changed(written, site, post):
    case, worker, family = written
    refused = post(worker, staff_path("case-plan-issue", case.pk), {"kind": "final"})
    assert "Issue the draft first" in refused.content.decode()
    post(worker, staff_path("case-plan-issue", case.pk), {"kind": "draft"})
    form = fields(worker.get(plan_path(case, "F")).content.decode())
    form |= {
        "provisions-0-how_often": "20 minutes every school day",
        "provisions-0-who": "A trained teaching assistant",
        "provisions-0-how_long": "Until the annual review",
    }
    worker.post(plan_path(case, "F"), form)
    assert "how often was “Regular”, now “20 minutes every school day”" in worker.get(plan_path(case)).content.decode()

    early = post(worker, staff_path("case-plan-issue", case.pk), {"kind": "final"})
    assert "Record “Final EHC plan issued” after that day, or once they have replied" in early.content.decode()
    reply = {"response": "comments", "comments": "Daily, please.", "school_requested": "Oak Tree Academy"}
    assert post(family, family_path("case-reply", case), reply).status_code == 302
    post(worker, staff_path("case-plan-issue", case.pk), {"kind": "final"})

    with tenant_context(site.council):
        assert Milestone.objects.filter(case=case, key="final_issued").exists()
        assert list(PlanVersion.objects.filter(plan__case=case).values_list("kind", flat=True)) == ["draft", "final"]
    page = family.get(family_path("case-plan", case)).content.decode()
    assert "Final plan, issued" in page and "What changed since the draft" in page
    assert "Provision f1: how often was “Regular”, now “20 minutes every school day”" in page
    assert "Provision f1: who will provide it was not said, now “A trained teaching assistant”" in page
    assert "Comment on provision f1" not in page
    pdf = family.get(reverse("family:case-plan-pdf", urlconf="config.urls_council", args=[case.pk, 2]))
    assert pdf["Content-Type"] == "application/pdf" and "final.pdf" in pdf["Content-Disposition"]
    reader = PdfReader(io.BytesIO(pdf.content))
    words = "".join(p.extract_text() for p in reader.pages)
    assert site.council.name in words and "Final plan, issued" in words
    assert "How often: 20 minutes every school day" in words
    assert [o.title for o in reader.outline][:2] == [
        "Section A: The views, interests and aspirations of the child or young person and their parents",
        "Section B: Special educational needs",
    ]
    assert reader.pdf_header and reader.trailer["/Root"]["/Lang"] == "en-GB"
    staff_pdf = worker.get(staff_path("case-plan-pdf", case.pk, 1))
    assert "Draft plan, issued" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(staff_pdf.content)).pages)
    assert worker.get(staff_path("case-plan-pdf", case.pk, 3)).status_code == 404
    with tenant_context(site.council):
        assert AuditEvent.objects.filter(subject="plan", action="downloaded").count() == 2
    closed = post(family, family_path("case-plan-comment", case, "?on=F"), {"text": "Late comment"})
    assert "comments on the draft are closed" in closed.content.decode()
    with tenant_context(site.council):
        assert not PlanComment.objects.exists()
    again = post(worker, staff_path("case-plan-issue", case.pk), {"kind": "final"})
    assert "The final plan has been issued" in again.content.decode()


def test_someone_the_family_trusts_reads_the_plan_but_cannot_comment(written, site, post):
    from casework.services.trusted import trusted_accept, trusted_approve, trusted_invite

    case, worker, _ = written
    post(worker, staff_path("case-plan-issue", case.pk), {"kind": "draft"})
    advocate = make_account(email="ada@advocacy.example")
    with tenant_context(site.council):
        inviter = ChildAccess.objects.get(child=case.child, relationship=Relationship.PARENT)
        grant = trusted_invite(inviter=inviter, name="Ada", email=advocate.email, kind="advocate", scope="message")
        trusted_accept(grant=grant, account=advocate)
        if not grant.approved:
            trusted_approve(grant=grant, actor=worker.account, actor_role=StaffRole.CASEWORKER)
    client = signed_in_client(site.council, advocate)

    page = client.get(family_path("case-plan", case)).content.decode()

    assert "Daily reading with an adult" in page and "Comment on" not in page
    assert client.get(family_path("case-plan-comment", case, "?on=F")).status_code == 404


def test_changes_between_versions_in_words():
    after = {
        **GOOD,
        "A": {"views": "She likes drawing. She wants to be a vet."},
        "F": {
            "provisions": [{**GOOD["F"]["provisions"][0], "how_often": "Twice a week"}, *GOOD["F"]["provisions"][1:]]
        },
        "E": {
            "outcomes": [*GOOD["E"]["outcomes"], {"id": "e9", "text": "Travels to school alone", "timeframe": "Year 9"}]
        },
    }
    before = {**GOOD, "A": {"views": "She likes drawing. She is shy."}}

    changed = {c.section.key: c.lines for c in plan_changes(before, after)}

    assert changed["A"] == ("Their views: taken out “She is shy.”", "Their views: added “She wants to be a vet.”")
    assert changed["E"] == ("Added outcome e9: “Travels to school alone”",)
    assert changed["F"][0].startswith("Provision f1: how often was “") and changed["F"][0].endswith(
        "now “Twice a week”"
    )
    assert plan_changes(GOOD, GOOD) == []
    emptied = [line for c in plan_changes(GOOD, {}) for line in c.lines]
    assert emptied and all("taken out" in line.lower() for line in emptied)


def test_the_dashboard_shows_what_was_open_across_plans_when_issued(written, site, post, staff_client):
    case, worker, _ = written
    post(worker, staff_path("case-plan-issue", case.pk), {"kind": "draft"})
    with tenant_context(site.council):
        findings = PlanVersion.objects.get(plan__case=case).findings_open
    manager = staff_client(site.council, StaffRole.TEAM_MANAGER)

    page = manager.get(staff_path("dashboard")).content.decode()
    table = page.split('id="plan-quality"')[1].split("</table>")[0]
    csv = manager.get(reverse("staff:dashboard-csv", urlconf="config.urls_council", args=["plan-quality"]))

    assert 'Draft plan</th><td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in table
    assert f"{findings:.1f}" in table
    assert "Final plan" in table
    assert f"Draft plan,1,0,{findings:.1f}" in csv.content.decode()
