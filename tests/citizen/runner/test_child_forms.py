"""The family's SEND area shows each child's forms through one selector and one include
(citizen.runner.selectors.child_forms_summary, citizen/runner/_child_forms.html): what the
family member can start, their drafts (resume links, last saved) and what they sent
(reference, date, PDF), in the same number of queries for 2 children as for 8."""

from __future__ import annotations

import html

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import ChildAccess, Relationship
from casework.services.forms import PROFESSIONAL_BUILTINS
from casework.submissions.models import FormDraft, FormSubmission
from citizen.runner.selectors import ChildForms, child_forms_summary
from tenants.configuration import council_configuration

from .conftest import KITCHEN_SINK, assessment_open, child_make, make_account, publish

pytestmark = pytest.mark.django_db


def children_with_forms(council, account, version, n: int) -> list:
    """`n` more children for the account, each with a draft and a sent form."""
    children = []
    for _ in range(n):
        child = child_make()
        ChildAccess.objects.create(child=child, account=account, relationship=Relationship.PARENT)
        case = assessment_open(child)
        common = {"child": child, "variant": version.variant, "version": version, "account": account}
        FormDraft.objects.create(**common, pages_done=["names"])
        sent = FormDraft.objects.create(**common, submitted_at=timezone.now())
        FormSubmission.objects.create(
            reference=f"FS-2026-{sent.pk:05d}",
            draft=sent,
            child=child,
            case=case,
            variant=version.variant,
            version=version,
            feeds="contribution",
            answers={},
            submitted_by=account,
            speaking_as="parent",
            submitted_at=timezone.now(),
        )
        children.append(child)
    return children


def test_each_child_lists_what_can_be_started_carried_on_and_was_sent(site):
    version = publish(site.council, KITCHEN_SINK | {"feeds": "contribution"})
    account = make_account()
    with tenant_context(site.council):
        (child,) = children_with_forms(site.council, account, version, 1)
        stranger = child_make()
        summary = child_forms_summary(account=account, children=[child, stranger])
    mine = summary[child.pk]
    # The form with a draft open is carried on, not started again; the demo form can be started.
    assert [f.slug for f in mine.startable] == [
        site.council.form_variants.exclude(slug="everything").exclude(based_on__in=PROFESSIONAL_BUILTINS).get().slug
    ]
    (draft,) = mine.drafts
    assert draft.url == f"/send/forms/drafts/{draft.draft_id}/" and (
        draft.sections_completed,
        draft.sections_total,
    ) == (0, 3)
    (sent,) = mine.submitted
    assert sent.pdf_url == f"/send/forms/submissions/{sent.submission_id}/pdf/" and sent.short_title == "Everything"
    assert summary[stranger.pk] == ChildForms()  # not this account's child

    request = RequestFactory().get("/send/")
    page = html.unescape(
        render_to_string("citizen/runner/_child_forms.html", {"child": child, "child_forms": mine}, request=request)
    )
    assert "Carry on with Everything" in page and "Last saved" in page and "0 of 3 sections completed" in page
    assert sent.reference in page and sent.pdf_url in page and "Forms you can fill in" in page


def test_the_summary_costs_the_same_for_2_children_as_for_8(site, real_queries):
    version = publish(site.council, KITCHEN_SINK | {"feeds": "contribution"})
    account = make_account()
    with tenant_context(site.council):
        few = children_with_forms(site.council, account, version, 2)
        council_configuration(council=site.council)  # as a web process has, once read
        with real_queries() as two:
            summary = child_forms_summary(account=account, children=few)
        many = few + children_with_forms(site.council, account, version, 6)
        with real_queries() as eight:
            summary = child_forms_summary(account=account, children=many)
    assert len(summary) == 8 and all(len(s.drafts) == 1 and len(s.submitted) == 1 for s in summary.values())
    assert eight.count == two.count <= 3, eight.sql
