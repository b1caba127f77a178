"""Every runner URL by who is asking → what they get. Only the family member whose draft
or submission it is, verified for the child now and through two-step, reaches it; to
everyone else signed in (another family, another member of the same family, a revoked
member, staff, another council's family) it is "not found", exactly as if it did not
exist; without a session on this council's host it is the sign-in page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import ChildAccess, Relationship, StaffMembership, StaffRole
from casework.submissions.models import FormDraft, FormSubmission

from .conftest import KITCHEN_SINK, child_make, make_account, publish, signed_in_client

pytestmark = pytest.mark.django_db

URLS = [
    "/send/forms/children/{child}/everything/start/",
    "/send/forms/drafts/{draft}/",
    "/send/forms/drafts/{draft}/pages/names/",
    "/send/forms/drafts/{draft}/pages/helpers/items/0/",
    "/send/forms/drafts/{draft}/check/",
    "/send/forms/drafts/{draft}/delete/",
    "/send/forms/submissions/{submission}/",
    "/send/forms/submissions/{submission}/pdf/",
]
WHO = [
    "the family member",
    "anonymous",
    "signed in without two-step",
    "another family",
    "another member of the same family",
    "a family member whose access was removed",
    "a member of staff",
    "the same person's session on the other council's host",
    "another council's family asking for these ids",
]


@pytest.fixture
def world(cumbria, somerset, media_root):
    """On Cumbria: a parent with an open draft and a sent submission (with its PDF) for
    their child, made directly (the journeys are tested elsewhere)."""
    from django.core.files.base import ContentFile

    from .conftest import assessment_open, pdf_bytes

    version = publish(cumbria, KITCHEN_SINK | {"feeds": "contribution", "allow_multiple_drafts": True})
    parent = make_account()
    with tenant_context(cumbria):
        child = child_make()
        ChildAccess.objects.create(child=child, account=parent, relationship=Relationship.PARENT)
        case = assessment_open(child)
        common = {"child": child, "variant": version.variant, "version": version, "account": parent}
        sent = FormDraft.objects.create(**common, submitted_at=timezone.now())
        submission = FormSubmission(
            reference="FS-2026-00001",
            draft=sent,
            child=child,
            case=case,
            variant=version.variant,
            version=version,
            feeds="contribution",
            answers={},
            submitted_by=parent,
            speaking_as="parent",
            submitted_at=timezone.now(),
        )
        submission.pdf.save("FS-2026-00001.pdf", ContentFile(pdf_bytes()), save=False)
        submission.save()
        draft = FormDraft.objects.create(**common, answers={"helpers": [{"name": "Dr One"}]})
    client = signed_in_client(cumbria, parent)
    return {"child": child.pk, "draft": draft.pk, "submission": submission.pk, "client": client, "childobj": child}


def client_for(who: str, world, cumbria, somerset) -> Client:
    child = world["childobj"]
    if who == "the family member":
        return world["client"]
    if who == "anonymous":
        return Client(HTTP_HOST="cumbria.localhost")
    if who == "signed in without two-step":
        client = Client(HTTP_HOST="cumbria.localhost")
        with tenant_context(cumbria):
            client.force_login(world["client"].account)
        return client
    if who in ("another member of the same family", "a family member whose access was removed"):
        account = make_account()
        with tenant_context(cumbria):
            access = ChildAccess.objects.create(child=child, account=account, relationship=Relationship.PARENT)
            if who == "a family member whose access was removed":
                # The drafts' own member, removed: what was theirs is not found any more.
                ChildAccess.objects.filter(account=world["client"].account).update(revoked_at=timezone.now())
                return world["client"]
        assert access
        return signed_in_client(cumbria, account)
    if who == "another family":
        account = make_account()
        with tenant_context(cumbria):
            ChildAccess.objects.create(child=child_make(), account=account, relationship=Relationship.PARENT)
        return signed_in_client(cumbria, account)
    if who == "a member of staff":
        account = make_account()
        with tenant_context(cumbria):
            StaffMembership.objects.create(account=account, role=StaffRole.COUNCIL_ADMIN)
        return signed_in_client(cumbria, account)
    if who == "the same person's session on the other council's host":
        client = signed_in_client(somerset, world["client"].account)
        client.defaults["HTTP_HOST"] = "cumbria.localhost"
        return client
    account = make_account()  # another council's family asking for these ids on its own host
    with tenant_context(somerset):
        ChildAccess.objects.create(child=child_make(), account=account, relationship=Relationship.PARENT)
    return signed_in_client(somerset, account)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", URLS)
def test_runner_permission_matrix(who, url, world, cumbria, somerset):
    path = url.format(**world)
    answer = client_for(who, world, cumbria, somerset).get(path)
    if who == "the family member":
        assert answer.status_code in (200, 302), answer.content.decode()[:500]
        if answer.status_code == 302:  # only a start page may move on (to nothing else than the draft)
            assert "/send/forms/" in answer["Location"]
    elif who in ("anonymous", "the same person's session on the other council's host"):
        assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/?next=")
    elif who == "signed in without two-step":
        assert answer.status_code == 302 and "/two-step/" in answer["Location"]
    elif who == "another member of the same family" and url.endswith("/start/"):
        assert answer.status_code == 200  # they may start their own
    else:
        assert answer.status_code == 404, (who, path, answer.status_code)


@pytest.mark.parametrize("who", ["another family", "another member of the same family", "a member of staff"])
def test_writes_by_anyone_else_change_nothing(who, world, cumbria, somerset, post):
    client = client_for(who, world, cumbria, somerset)
    draft = world["draft"]
    for path, data in [
        (f"/send/forms/drafts/{draft}/pages/names/", {"full_name": "Intruder", "story": "x"}),
        (f"/send/forms/drafts/{draft}/pages/helpers/items/0/remove/", {"remove": "yes"}),
        (f"/send/forms/drafts/{draft}/declaration/", {"confirm": "on"}),
        (f"/send/forms/drafts/{draft}/delete/", {"delete": "yes"}),
    ]:
        assert post(client, path, data).status_code == 404
    with tenant_context(cumbria):
        kept = FormDraft.objects.get(pk=draft)
        assert kept.answers == {"helpers": [{"name": "Dr One"}]} and kept.submitted_at is None
        assert FormSubmission.objects.count() == 1


# A request for an assessment sent before the family is verified (issue 19, item 10):
# the draft and submission name the access request, not a child, and only the family
# member who asked reaches them.
WAITING_URLS = [
    "/send/forms/requests/{request}/everything/start/",
    "/send/forms/drafts/{draft}/",
    "/send/forms/drafts/{draft}/pages/names/",
    "/send/forms/drafts/{draft}/check/",
    "/send/forms/drafts/{draft}/declaration/",
    "/send/forms/drafts/{draft}/delete/",
    "/send/forms/submissions/{submission}/",
    "/send/forms/submissions/{submission}/pdf/",
]
WAITING_WHO = [
    "the family member who asked",
    "anonymous",
    "another family asking about the same child",
    "a family verified for another child",
    "a member of staff",
    "the same person's session on the other council's host",
    "another council's family asking for these ids",
]


@pytest.fixture
def waiting(cumbria, somerset, media_root):
    from django.core.files.base import ContentFile

    from casework.models import AccessRequest

    from .conftest import pdf_bytes

    version = publish(cumbria, KITCHEN_SINK)  # a request for an assessment
    parent = make_account()
    with tenant_context(cumbria):
        asked = AccessRequest.objects.create(
            account=parent,
            relationship="parent",
            child_first_name="Ivo",
            child_last_name="Marsh",
            child_date_of_birth=timezone.localdate().replace(year=2015),
        )
        sent = FormDraft.objects.create(
            access_request=asked, variant=version.variant, version=version, account=parent, submitted_at=timezone.now()
        )
        submission = FormSubmission(
            reference="FS-2026-00009",
            draft=sent,
            access_request=asked,
            variant=version.variant,
            version=version,
            feeds="new_request",
            answers={},
            submitted_by=parent,
            speaking_as="parent",
            submitted_at=timezone.now(),
        )
        submission.pdf.save("FS-2026-00009.pdf", ContentFile(pdf_bytes()), save=False)
        submission.save()
        draft = FormDraft.objects.create(access_request=asked, variant=version.variant, version=version, account=parent)
    return {"request": asked.pk, "draft": draft.pk, "submission": submission.pk, "parent": parent}


def waiting_client(who: str, waiting, cumbria, somerset) -> Client:
    from casework.models import AccessRequest

    if who == "the family member who asked":
        return signed_in_client(cumbria, waiting["parent"])
    if who == "anonymous":
        return Client(HTTP_HOST="cumbria.localhost")
    if who == "the same person's session on the other council's host":
        client = signed_in_client(somerset, waiting["parent"])
        client.defaults["HTTP_HOST"] = "cumbria.localhost"
        return client
    account = make_account()
    council = somerset if who == "another council's family asking for these ids" else cumbria
    with tenant_context(council):
        if who == "another family asking about the same child":
            AccessRequest.objects.create(
                account=account,
                relationship="parent",
                child_first_name="Ivo",
                child_last_name="Marsh",
                child_date_of_birth=timezone.localdate().replace(year=2015),
            )
        elif who == "a member of staff":
            StaffMembership.objects.create(account=account, role=StaffRole.COUNCIL_ADMIN)
        else:
            ChildAccess.objects.create(child=child_make(), account=account, relationship=Relationship.PARENT)
    return signed_in_client(council, account)


@pytest.mark.parametrize("who", WAITING_WHO)
@pytest.mark.parametrize("url", WAITING_URLS)
def test_a_request_sent_before_verification_is_the_askers_alone(who, url, waiting, cumbria, somerset):
    path = url.format(**waiting)
    answer = waiting_client(who, waiting, cumbria, somerset).get(path)
    if who == "the family member who asked":
        # The start page says it was already sent; the declaration asks them to finish first.
        assert answer.status_code in (200, 302), answer.content.decode()[:500]
        if answer.status_code == 302:
            assert answer["Location"].startswith("/send/forms/drafts/")
    elif who in ("anonymous", "the same person's session on the other council's host"):
        assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/?next=")
    else:
        assert answer.status_code == 404, (who, path, answer.status_code)
