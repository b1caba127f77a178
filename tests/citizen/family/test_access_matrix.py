"""Who may open each page of the family's SEND area, on each demo council: every family
address, for every kind of visitor, answers the status the rules say. A child, case or document that is
not yours answers 404, exactly as one that does not exist; signed out or without two-step
verification, the visitor is sent to sign in or to verify first (302).

One test per visitor (and council) asks for every address, so a failure lists every page
that answered wrongly for that visitor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework.models import Document, DraftPlanReply, Message, PlanComment, PrintedCopyRequest

from .conftest import anonymous, signed_in_client, without_two_step

pytestmark = pytest.mark.django_db

OK, REDIRECT, NOT_FOUND = 200, 302, 404


def addresses(family) -> dict[str, str]:
    child, case = family.child.pk, family.case.pk
    grant = _grant(family)
    return {
        "home": reverse("send-home"),
        "invitations": reverse("family:invitations"),
        "invitation": reverse("family:invitation", args=[grant.pk]),
        "child-trusted": reverse("family:child-trusted", args=[child]),
        "child-trusted-invite": reverse("family:child-trusted-invite", args=[child]),
        "child-trusted-end": reverse("family:child-trusted-end", args=[child, grant.pk]),
        "child-add": reverse("family:child-add"),
        "alerts": reverse("family:alerts"),
        "access-request": reverse("family:access-request", args=[family.waiting_request.pk]),
        "child": reverse("family:child", args=[child]),
        "child-seen": reverse("family:child-seen", args=[child]),
        "child-sharing": reverse("family:child-sharing", args=[child]),
        "child-sharing-choose": reverse("family:child-sharing-choose", args=[child, family.parent_access.pk]),
        "case": reverse("family:case", args=[case]),
        "case-reply": reverse("family:case-reply", args=[case]),
        "case-plan": reverse("family:case-plan", args=[case]),
        "case-plan-comment": reverse("family:case-plan-comment", args=[case]) + "?on=A",
        "case-plan-pdf": reverse("family:case-plan-pdf", args=[case, 1]),
        "case-documents": reverse("family:case-documents", args=[case]),
        "case-messages": reverse("family:case-messages", args=[case]),
        "case-printed-copy": reverse("family:case-printed-copy", args=[case]),
        "document-download": reverse("family:document-download", args=[family.draft.pk]),
    }


OPEN_TO_EVERY_MEMBER = {"home", "child-add", "alerts", "invitations"}
ABOUT_THE_CHILD = {
    "child-trusted",
    "child-trusted-invite",
    "child-trusted-end",  # the parent made the grant; the young person may end any
    "child",
    "child-seen",
    "case",
    "case-reply",
    "case-plan",
    "case-plan-comment",
    "case-plan-pdf",
    "case-documents",
    "case-messages",
    "case-printed-copy",
    "document-download",
}
YOUNG_PERSON_ONLY = {"child-sharing", "child-sharing-choose"}
REQUESTER_ONLY = {"access-request"}
INVITED_ONLY = {"invitation"}  # only to the invited address: none of these visitors
EVERY = OPEN_TO_EVERY_MEMBER | ABOUT_THE_CHILD | YOUNG_PERSON_ONLY | REQUESTER_ONLY | INVITED_ONLY


def _grant(family):
    """The parent's invitation to an advocate (made once per family)."""
    from casework.models import TrustedGrant
    from casework.services.trusted import trusted_invite

    with tenant_context(family.council):
        grant = TrustedGrant.objects.filter(child=family.child).first()
        if grant is None:
            grant = trusted_invite(
                inviter=family.parent_access, name="Ada", email="ada@advocacy.example", kind="advocate", scope="see"
            )
        return grant


def expected_for(visitor: str) -> dict[str, int]:
    if visitor in ("anonymous", "without two-step"):
        return dict.fromkeys(EVERY, REDIRECT)
    allowed = set(OPEN_TO_EVERY_MEMBER)
    if visitor == "unverified (request waiting)":
        allowed |= REQUESTER_ONLY
    elif visitor == "the right family (parent)":
        allowed |= ABOUT_THE_CHILD
    elif visitor == "the young person (who removed a parent)":
        allowed |= ABOUT_THE_CHILD | YOUNG_PERSON_ONLY
    return {name: OK if name in allowed else NOT_FOUND for name in EVERY}


def client_for(visitor: str, family):
    council = family.council
    return {
        "anonymous": lambda: anonymous(council),
        "without two-step": lambda: without_two_step(council, family.parent),
        "unverified (request waiting)": lambda: signed_in_client(council, family.waiting),
        "verified for another child": lambda: signed_in_client(council, family.other_child_parent),
        "the other council's family": lambda: signed_in_client(council, family.other_council_parent),
        "the right family (parent)": lambda: signed_in_client(council, family.parent),
        "the young person (who removed a parent)": lambda: signed_in_client(council, family.young_person),
        "the parent the young person removed": lambda: signed_in_client(council, family.removed_parent),
    }[visitor]()


VISITORS = [
    "anonymous",
    "without two-step",
    "unverified (request waiting)",
    "verified for another child",
    "the other council's family",
    "the right family (parent)",
    "the young person (who removed a parent)",
    "the parent the young person removed",
]


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_family_page_answers_each_visitor_as_the_access_rules_say(family, visitor):
    client = client_for(visitor, family)

    answered = {name: client.get(path).status_code for name, path in addresses(family).items()}

    assert answered == expected_for(visitor)
    if visitor == "anonymous":
        assert client.get(reverse("family:case", args=[family.case.pk]))["Location"].startswith("/sign-in/")
    if visitor == "without two-step":
        assert "/two-step/" in client.get(reverse("family:case", args=[family.case.pk]))["Location"]


def test_a_document_not_shared_with_the_family_is_not_found_like_a_missing_one(family):
    client = signed_in_client(family.council, family.parent)
    with tenant_context(family.council):
        missing = Document.objects.order_by("-pk").first().pk + 1000

    assert client.get(reverse("family:document-download", args=[family.unshared.pk])).status_code == NOT_FOUND
    assert client.get(reverse("family:document-download", args=[missing])).status_code == NOT_FOUND
    assert client.get(reverse("family:case", args=[family.case.pk + 1000])).status_code == NOT_FOUND


def test_the_same_addresses_on_the_other_councils_site_show_nothing_of_this_family(family):
    """Signed in (with two-step) on the other council's site, the family's own ids lead
    nowhere: that council's schema has no such child, case or document of theirs."""
    client = signed_in_client(family.other, family.parent)
    for name in ABOUT_THE_CHILD | YOUNG_PERSON_ONLY:
        assert client.get(addresses(family)[name]).status_code == NOT_FOUND, name


@pytest.mark.parametrize(
    "visitor",
    [
        "unverified (request waiting)",
        "verified for another child",
        "the other council's family",
        "the parent the young person removed",
    ],
)
def test_nobody_else_can_reply_upload_message_or_order_a_copy_and_nothing_is_written(family, visitor, post):
    client = client_for(visitor, family)
    case = family.case.pk
    writes = {
        reverse("family:case-reply", args=[case]): {"response": "agree"},
        reverse("family:case-plan-comment", args=[case]) + "?on=A": {"text": "Let me comment"},
        reverse("family:case-messages", args=[case]): {"body": "Let me in"},
        reverse("family:case-printed-copy", args=[case]): {},
        reverse("family:child-sharing-choose", args=[family.child.pk, family.parent_access.pk]): {"keep": "no"},
    }
    for path, data in writes.items():
        assert post(client, path, data).status_code == NOT_FOUND, path
    from django.core.files.uploadedfile import SimpleUploadedFile

    sent = SimpleUploadedFile("report.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")
    assert post(client, reverse("family:case-documents", args=[case]), {"files": [sent]}).status_code == NOT_FOUND

    with tenant_context(family.council):
        assert not DraftPlanReply.objects.exists()
        assert not PlanComment.objects.exists()
        assert not Message.objects.exists()
        assert not PrintedCopyRequest.objects.exists()
        assert not Document.objects.filter(kind=Document.Kind.FAMILY_UPLOAD).exists()
        family.parent_access.refresh_from_db()
        assert family.parent_access.revoked_at is None
