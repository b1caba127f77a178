"""People a family trusts (issue 16, item 1): a parent or the young person invites
someone by email, chooses what they may do and until when; the SEND team approves where
the council asks; the person accepts signed in as the invited address and sees only what
was granted; the family ends it at once; every step is in the consent log, and what the
person looks at is in "who has seen the records".

Each test runs on both demo councils (the `family` fixture)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import (
    AuditEvent,
    ChildAccess,
    Document,
    DraftPlanReply,
    Message,
    PrintedCopyRequest,
    RecordBundle,
    Relationship,
    StaffRole,
    TrustedGrant,
    TrustedGrantEvent,
)
from casework.services.trusted import trusted_accept, trusted_approve, trusted_invite

from .conftest import CHILD_FIRST, CHILD_LAST, PNG_BYTES, make_account, signed_in_client

pytestmark = pytest.mark.django_db

ADVOCATE_EMAIL = "ada.advocate@advocacy.example"


def _invite(family, *, inviter=None, kind="advocate", scope="message", until=None, email=ADVOCATE_EMAIL):
    with tenant_context(family.council):
        access = ChildAccess.objects.get(child=family.child, account=inviter or family.parent, revoked_at__isnull=True)
        return trusted_invite(inviter=access, name="Ada Advocate", email=email, kind=kind, scope=scope, until=until)


def _live_grant(family, *, scope="message", inviter=None, until=None, account=None):
    """An advocate's grant, invited, approved and accepted: (grant, the advocate's account)."""
    advocate = account or make_account(ADVOCATE_EMAIL, first_name="Ada", last_name="Advocate")
    grant = _invite(family, inviter=inviter, scope=scope, until=until, email=advocate.email)
    with tenant_context(family.council):
        trusted_approve(grant=grant, actor=family.caseworker, actor_role=StaffRole.CASEWORKER)
        grant = trusted_accept(grant=grant, account=advocate)
    return grant, advocate


def _child_pages(family) -> dict[str, str]:
    child, case = family.child.pk, family.case.pk
    return {
        "child": reverse("family:child", args=[child]),
        "case": reverse("family:case", args=[case]),
        "case-documents": reverse("family:case-documents", args=[case]),
        "case-messages": reverse("family:case-messages", args=[case]),
        "document-download": reverse("family:document-download", args=[family.draft.pk]),
        "case-reply": reverse("family:case-reply", args=[case]),
        "case-printed-copy": reverse("family:case-printed-copy", args=[case]),
        "child-seen": reverse("family:child-seen", args=[child]),
        "child-records": reverse("family:child-records", args=[child]),
        "child-trusted": reverse("family:child-trusted", args=[child]),
        "child-trusted-invite": reverse("family:child-trusted-invite", args=[child]),
        "child-sharing": reverse("family:child-sharing", args=[child]),
    }


SEEING = {"child", "case", "case-documents", "case-messages", "document-download"}


# --- Inviting -------------------------------------------------------------------------------


def test_a_parent_invites_an_advocate_who_is_emailed_without_the_childs_name(family, post, outbox):
    client = signed_in_client(family.council, family.parent)
    path = reverse("family:child-trusted-invite", args=[family.child.pk])

    response = post(
        client,
        path,
        {
            "name": "Ada Advocate",
            "email": ADVOCATE_EMAIL,
            "kind": "advocate",
            "scope": "message",
            "until_day": "31",
            "until_month": "3",
            "until_year": "2027",
        },
        follow=True,
    )

    text = response.content.decode()
    assert f"We have emailed an invitation to {ADVOCATE_EMAIL}" in text
    assert "The SEND team will check it before it starts to work" in text
    assert "Ada Advocate" in text and "Waiting for the SEND team to approve" in text
    assert "until 31 March 2027" in text
    (invitation,) = [e for e in outbox(family.council) if ADVOCATE_EMAIL in e.to]
    assert "invited you to see a child's" in invitation.body
    assert CHILD_FIRST not in invitation.body + invitation.subject
    assert CHILD_LAST not in invitation.body + invitation.subject
    with tenant_context(family.council):
        grant = TrustedGrant.objects.get()
        assert grant.needs_approval and grant.until == date(2027, 3, 31)
        assert list(grant.events.values_list("action", flat=True)) == ["invited"]
        assert AuditEvent.objects.filter(subject="trusted_grant", action="created", actor=family.parent).exists()


def test_bad_answers_are_named_beside_their_boxes_and_what_was_typed_stays(family, post):
    client = signed_in_client(family.council, family.parent)
    path = reverse("family:child-trusted-invite", args=[family.child.pk])

    own = post(client, path, {"name": "Me again", "email": family.parent.email, "kind": "advocate", "scope": "see"})
    past = post(
        client,
        path,
        {
            "name": "Sam Sendiass",
            "email": "sam@sendiass.example",
            "kind": "sendiass",
            "scope": "see",
            "until_day": "1",
            "until_month": "1",
            "until_year": "2020",
        },
    )
    nothing = post(client, path, {"name": "", "email": "not-an-address"})

    assert "not your own" in own.content.decode() and 'value="Me again"' in own.content.decode()
    assert "The last day must be today or in the future" in past.content.decode()
    assert 'value="sam@sendiass.example"' in past.content.decode()
    text = nothing.content.decode()
    assert "Enter the person&#x27;s name" in text
    assert "Enter an email address in the correct format" in text
    assert "Select who the person is" in text and "Select what the person may do" in text
    with tenant_context(family.council):
        assert not TrustedGrant.objects.exists()


def test_another_parent_or_carer_needs_no_approval_by_default_and_the_council_setting_decides(family):
    second = _invite(family, kind="parent_or_carer", email="second.parent@example.com")
    assert not second.needs_approval
    family.council.trusted_people_approval = "everyone"
    family.council.save(update_fields=["trusted_people_approval"])
    assert _invite(family, kind="parent_or_carer", email="third@example.com").needs_approval
    family.council.trusted_people_approval = "nobody"
    family.council.save(update_fields=["trusted_people_approval"])
    assert not _invite(family, kind="advocate").needs_approval


# --- Accepting, approving -------------------------------------------------------------------


def test_the_invitation_is_offered_only_to_the_invited_address_and_works_after_approval(family, post):
    grant = _invite(family, scope="see")
    advocate = make_account(ADVOCATE_EMAIL, first_name="Ada", last_name="Advocate")
    stranger = signed_in_client(family.council, make_account("someone.else@example.com"))
    client = signed_in_client(family.council, advocate)

    assert stranger.get(reverse("family:invitation", args=[grant.pk])).status_code == 404
    assert "A family has invited you" in client.get(reverse("send-home")).content.decode()
    accepted = post(client, reverse("family:invitation", args=[grant.pk]), {}, follow=True)
    assert "The SEND team will check it" in accepted.content.decode()
    assert client.get(reverse("family:child", args=[family.child.pk])).status_code == 404  # not approved yet

    staff = signed_in_client(family.council, family.caseworker)
    assert "Ada Advocate" in staff.get(reverse("staff:trusted-queue")).content.decode()
    post(staff, reverse("staff:trusted-grant", args=[grant.pk]), {"decision": "approve"})

    page = client.get(reverse("family:child", args=[family.child.pk]))
    assert page.status_code == 200
    assert "See the case and documents" in page.content.decode()
    assert "Who has seen" not in page.content.decode()  # the family's own pages are not offered
    with tenant_context(family.council):
        grant.refresh_from_db()
        assert grant.status == "live"
        assert grant.access.relationship == Relationship.TRUSTED and grant.access.scope == "see"
        assert list(grant.events.values_list("action", flat=True)) == ["invited", "accepted", "approved"]


def test_a_declined_grant_never_works_and_the_family_reads_the_reason(family, post, outbox):
    grant = _invite(family)
    advocate = make_account(ADVOCATE_EMAIL)
    staff = signed_in_client(family.council, family.caseworker)
    path = reverse("staff:trusted-grant", args=[grant.pk])

    no_reason = post(staff, path, {"decision": "decline"})
    assert "Enter the reason, which the family will see" in no_reason.content.decode()
    post(staff, path, {"decision": "decline", "reason": "We could not confirm who this is. Please call us."})

    assert signed_in_client(family.council, advocate).get(reverse("family:invitations")).status_code == 200
    assert (
        signed_in_client(family.council, advocate).get(reverse("family:invitation", args=[grant.pk])).status_code == 404
    )
    page = signed_in_client(family.council, family.parent).get(reverse("family:child-trusted", args=[family.child.pk]))
    assert "We could not confirm who this is" in page.content.decode()
    assert any(e.to == [family.parent.email] and "decided" in e.subject for e in outbox(family.council))


# --- What each scope allows -----------------------------------------------------------------


@pytest.mark.parametrize("scope", ["see", "message", "forms"])
def test_a_trusted_person_sees_the_case_and_only_does_what_the_family_allowed(family, post, scope):
    _grant, advocate = _live_grant(family, scope=scope)
    client = signed_in_client(family.council, advocate)

    answered = {name: client.get(path).status_code for name, path in _child_pages(family).items()}

    assert answered == {name: 200 if name in SEEING else 404 for name in answered}
    messages_page = client.get(reverse("family:case-messages", args=[family.case.pk])).content.decode()
    assert ("Send a message" in messages_page) == (scope != "see")
    documents_page = client.get(reverse("family:case-documents", args=[family.case.pk])).content.decode()
    assert ("Send documents to the SEND team" in documents_page) == (scope == "forms")

    message = post(client, reverse("family:case-messages", args=[family.case.pk]), {"body": "From the advocate"})
    assert message.status_code == (404 if scope == "see" else 302)
    sent = SimpleUploadedFile("report.png", PNG_BYTES, content_type="image/png")
    upload = post(client, reverse("family:case-documents", args=[family.case.pk]), {"files": [sent]})
    assert upload.status_code == (302 if scope == "forms" else 404)
    assert post(client, reverse("family:case-reply", args=[family.case.pk]), {"response": "agree"}).status_code == 404
    assert post(client, reverse("family:case-printed-copy", args=[family.case.pk]), {}).status_code == 404
    assert post(client, reverse("family:child-records", args=[family.child.pk]), {}).status_code == 404
    with tenant_context(family.council):
        assert Message.objects.filter(author=advocate).exists() == (scope != "see")
        assert Document.objects.filter(uploaded_by=advocate).exists() == (scope == "forms")
        assert not DraftPlanReply.objects.exists() and not PrintedCopyRequest.objects.exists()
        assert not RecordBundle.objects.exists()
        if scope != "see":
            assert AuditEvent.objects.filter(subject="message", actor=advocate, actor_role="trusted").exists()


def test_forms_are_offered_only_with_the_forms_scope(family):
    _grant, advocate = _live_grant(family, scope="message")
    client = signed_in_client(family.council, advocate)
    forms_index = client.get(reverse("runner:index")).content.decode()
    child_page = client.get(reverse("family:child", args=[family.child.pk])).content.decode()
    with tenant_context(family.council):
        from casework.submissions.selectors import forms_offered

        slugs = [offered.variant.slug for offered in forms_offered()]
    assert slugs, "each demo council publishes forms"
    for slug in slugs:
        path = reverse("runner:start", args=[family.child.pk, slug])
        assert path not in forms_index and path not in child_page
        assert client.get(path).status_code == 404


def test_what_a_trusted_person_looks_at_is_in_who_has_seen_the_records_by_name(family):
    _grant, advocate = _live_grant(family, scope="see")
    client = signed_in_client(family.council, advocate)
    client.get(reverse("family:case", args=[family.case.pk]))
    client.get(reverse("family:document-download", args=[family.draft.pk]))

    seen = signed_in_client(family.council, family.parent).get(reverse("family:child-seen", args=[family.child.pk]))

    text = seen.content.decode()
    assert "Ada Advocate" in text and "Someone the family invited" in text
    assert "Downloaded a document" in text and "Looked at" in text


# --- Ending ------------------------------------------------------------------------------------


def test_the_parent_ends_the_grant_and_the_next_page_is_not_found(family, post, outbox):
    grant, advocate = _live_grant(family)
    advocate_client = signed_in_client(family.council, advocate)
    assert advocate_client.get(reverse("family:case", args=[family.case.pk])).status_code == 200
    parent = signed_in_client(family.council, family.parent)

    ended = post(parent, reverse("family:child-trusted-end", args=[family.child.pk, grant.pk]), {}, follow=True)

    assert "Ada Advocate can no longer see" in ended.content.decode()
    assert advocate_client.get(reverse("family:case", args=[family.case.pk])).status_code == 404
    assert advocate_client.get(reverse("family:document-download", args=[family.draft.pk])).status_code == 404
    assert any(e.to == [advocate.email] and "has ended" in e.subject for e in outbox(family.council))
    log = parent.get(reverse("family:child-trusted", args=[family.child.pk])).content.decode()
    assert "Ended by the family member who invited them" in log
    staff = signed_in_client(family.council, family.caseworker).get(reverse("staff:trusted-grant", args=[grant.pk]))
    assert "Ended by the family member who invited them" in staff.content.decode()


def test_the_young_person_ends_a_parents_grant_but_a_parent_cannot_end_the_young_persons(family, post):
    parents, advocate = _live_grant(family)
    theirs = _invite(family, inviter=family.young_person, kind="sendiass", email="sam@sendiass.example")
    parent = signed_in_client(family.council, family.parent)
    young_person = signed_in_client(family.council, family.young_person)

    assert parent.get(reverse("family:child-trusted-end", args=[family.child.pk, theirs.pk])).status_code == 404
    post(young_person, reverse("family:child-trusted-end", args=[family.child.pk, parents.pk]), {})

    with tenant_context(family.council):
        parents.refresh_from_db()
        theirs.refresh_from_db()
        assert parents.status == "ended" and theirs.open
        assert parents.events.last().note == "Ended by the young person"
    assert (
        signed_in_client(family.council, advocate).get(reverse("family:child", args=[family.child.pk])).status_code
        == 404
    )


def test_when_the_inviter_loses_access_their_grants_end_with_it(family, post):
    grant, advocate = _live_grant(family)
    young_person = signed_in_client(family.council, family.young_person)

    post(
        young_person,
        reverse("family:child-sharing-choose", args=[family.child.pk, family.parent_access.pk]),
        {"keep": "no"},
    )

    with tenant_context(family.council):
        grant.refresh_from_db()
        assert grant.status == "ended"
        assert grant.access.revoked_at is not None
    assert (
        signed_in_client(family.council, advocate).get(reverse("family:child", args=[family.child.pk])).status_code
        == 404
    )


def test_a_grant_stops_working_after_its_last_day(family):
    # The access ends by the real clock (the family fixture fixes only the calendar day).
    grant, advocate = _live_grant(family, until=timezone.now().date() + timedelta(days=30))
    client = signed_in_client(family.council, advocate)
    assert client.get(reverse("family:child", args=[family.child.pk])).status_code == 200
    with tenant_context(family.council):
        ChildAccess.objects.filter(pk=grant.access_id).update(expires_at=grant.access.expires_at - timedelta(days=400))
        TrustedGrant.objects.filter(pk=grant.pk).update(until=date(2020, 1, 1))

    assert client.get(reverse("family:child", args=[family.child.pk])).status_code == 404
    assert client.get(reverse("family:case", args=[family.case.pk])).status_code == 404
    trusted_page = signed_in_client(family.council, family.parent).get(
        reverse("family:child-trusted", args=[family.child.pk])
    )
    assert "Ada Advocate (an advocate or solicitor): past its last day" in trusted_page.content.decode()


# --- Isolation ------------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["invited", "accepted, waiting for approval", "approved, not accepted", "ended"])
def test_before_it_works_and_after_it_ends_a_trusted_person_sees_nothing(family, moment):
    advocate = make_account(ADVOCATE_EMAIL, first_name="Ada", last_name="Advocate")
    grant = _invite(family)
    with tenant_context(family.council):
        if moment in ("accepted, waiting for approval", "ended"):
            trusted_accept(grant=grant, account=advocate)
        if moment in ("approved, not accepted", "ended"):
            trusted_approve(grant=grant, actor=family.caseworker, actor_role=StaffRole.CASEWORKER)
        if moment == "ended":
            from casework.services.trusted import trusted_end

            trusted_end(grant=TrustedGrant.objects.get(pk=grant.pk), actor=family.caseworker, actor_role="caseworker")
    client = signed_in_client(family.council, advocate)

    answered = {name: client.get(path).status_code for name, path in _child_pages(family).items()}

    assert set(answered.values()) == {404}, answered


def test_on_the_other_councils_site_a_trusted_person_sees_nothing(family):
    _grant, advocate = _live_grant(family)
    client = signed_in_client(family.other, advocate)

    for name, path in _child_pages(family).items():
        assert client.get(path).status_code == 404, name
    assert client.get(reverse("family:invitations")).status_code == 200
    assert "Ada" not in client.get(reverse("send-home")).content.decode().split("Your children")[1]


def test_staff_pages_for_grants_are_the_send_teams_only(family, staff_client):
    grant = _invite(family)
    paths = [reverse("staff:trusted-queue"), reverse("staff:trusted-grant", args=[grant.pk])]
    family_member = signed_in_client(family.council, family.parent)
    other_council_staff = staff_client(family.other)

    for path in paths:
        assert signed_in_client(family.council, family.caseworker).get(path).status_code == 200
        assert family_member.get(path).status_code in (403, 404)
        assert other_council_staff.get(reverse("staff:trusted-grant", args=[grant.pk])).status_code == 404
    with tenant_context(family.council):
        assert TrustedGrantEvent.objects.filter(grant=grant).count() == 1


def test_the_family_page_reads_as_many_queries_for_four_grants_as_for_one(family):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(family.council, family.parent)
    path = reverse("family:child-trusted", args=[family.child.pk])
    _invite(family)
    client.get(path)  # the council's configuration read once per process
    with CaptureQueriesContext(connection) as one:
        assert "Ada Advocate" in client.get(path).content.decode()
    for n in range(3):
        _invite(family, email=f"helper{n}@example.org")
    with CaptureQueriesContext(connection) as four:
        assert client.get(path).content.decode().count("Ada Advocate") >= 4

    assert len(four) == len(one), [q["sql"][:120] for q in four.captured_queries]
