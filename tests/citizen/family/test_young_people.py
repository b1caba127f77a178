"""Young people over 16: they ask to see their own records, and once the SEND team has
verified them they decide whether each parent or carer keeps seeing them. A parent
removed this way loses access at once and is told by email, without detail; the record
says it was the young person's decision."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework.models import AccessRequest, AuditEvent, ChildAccess, Relationship

from .conftest import signed_in_client

pytestmark = pytest.mark.django_db


def choose_path(family) -> str:
    return reverse("family:child-sharing-choose", args=[family.child.pk, family.parent_access.pk])


def test_the_young_person_sees_who_can_see_their_records(family, today):
    html = signed_in_client(family.council, family.young_person).get(
        reverse("family:child-sharing", args=[family.child.pk])
    )

    text = html.content.decode()
    assert "Pat Parent" in text and "You have not chosen yet" in text
    assert "People you stopped seeing your records" in text and "Robin Removed" in text


def test_removing_a_parent_ends_their_access_and_tells_them_without_detail(family, today, post, outbox):
    client = signed_in_client(family.council, family.young_person)

    response = post(client, choose_path(family), {"keep": "no"}, follow=True)

    assert "Pat Parent can no longer see your records" in response.content.decode()
    with tenant_context(family.council):
        access = ChildAccess.objects.get(pk=family.parent_access.pk)
        assert access.revoked_at is not None
        assert access.removed_by_young_person is True
        assert access.revoked_by == family.young_person
        event = AuditEvent.objects.filter(subject="child_access", subject_id=access.pk).latest("id")
        assert event.actor == family.young_person and event.actor_role == "family"
        assert event.summary == "The young person removed a family member's access (parent)"
    (email,) = [e for e in outbox(family.council) if e.to == [family.parent.email]]
    assert email.subject == "Your access to a child's records has changed"
    assert "What you can see in your SEND area has changed." in email.body
    for detail in ("young person", "Marigold", "chose", "SEND team has changed"):
        assert detail not in email.body
    parent = signed_in_client(family.council, family.parent)
    assert parent.get(reverse("family:case", args=[family.case.pk])).status_code == 404
    assert "Marigold" not in parent.get(reverse("send-home")).content.decode()


def test_keeping_a_parent_is_recorded(family, today, post, outbox):
    client = signed_in_client(family.council, family.young_person)

    post(client, choose_path(family), {"keep": "yes"})

    with tenant_context(family.council):
        access = ChildAccess.objects.get(pk=family.parent_access.pk)
        assert access.revoked_at is None and access.kept_by_young_person_at is not None
    assert not [e for e in outbox(family.council) if e.to == [family.parent.email]]
    sharing = client.get(reverse("family:child-sharing", args=[family.child.pk])).content.decode()
    assert "You chose to keep sharing with them on" in sharing
    assert "Choose who can see your records" not in client.get(reverse("send-home")).content.decode()


def test_the_choice_must_be_made(family, today, post):
    response = post(signed_in_client(family.council, family.young_person), choose_path(family), {})

    assert "Select whether Pat Parent should keep seeing your records" in response.content.decode()


def test_the_staff_page_says_the_young_person_removed_the_access(family, today, staff_client):
    html = staff_client(family.council).get(reverse("staff:child", args=[family.child.pk])).content.decode()

    assert "The young person themself: The young person chose to stop sharing their records" in html


@pytest.mark.parametrize(
    ("born", "allowed"),
    [
        (date(2010, 6, 15), True),  # 16 today
        (date(2010, 6, 16), False),  # 16 tomorrow
    ],
)
def test_only_someone_16_or_over_can_ask_for_their_own_records(site, today, post, born, allowed):
    from .conftest import make_account

    account = make_account()
    client = signed_in_client(site.council, account)
    data = {
        "child_first_name": "Sky",
        "child_last_name": "Lark",
        "child_date_of_birth_day": born.day,
        "child_date_of_birth_month": born.month,
        "child_date_of_birth_year": born.year,
        "relationship": Relationship.YOUNG_PERSON.value,
    }

    response = post(client, reverse("family:child-add"), data)

    with tenant_context(site.council):
        made = AccessRequest.objects.filter(account=account, relationship=Relationship.YOUNG_PERSON).exists()
    assert made is allowed
    if not allowed:
        assert "Only a young person aged 16 or over can ask to see their own records" in response.content.decode()
