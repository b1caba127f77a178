"""A week before a password reaches the council's maximum age its owner gets one warning
email (Somerset: 60 days, so from day 53 to day 60); nothing where passwords never
expire (Cumbria)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import StaffMembership, StaffRole
from citizen.accounts.models import Account
from citizen.accounts.passwords import password_is_expired
from citizen.models import FamilyMembership, PasswordExpiryWarning
from citizen.tasks import send_password_expiry_warnings
from tenants.models import SignInPolicy
from tenants.outbox.models import OutboundEmail
from tests.casework.email_fakes import clock

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def member(council, in_council, email: str, *, password_age: timedelta, staff: bool = False, **fields) -> Account:
    account = Account.objects.create_user(email, "a long family password", is_active=True, first_name="Sam", **fields)
    Account.objects.filter(pk=account.pk).update(password_changed_at=NOW - password_age)
    account.refresh_from_db()
    with in_council(council):
        if staff:
            StaffMembership.objects.create(account=account, role=StaffRole.CASEWORKER)
        else:
            FamilyMembership.objects.create(account=account)
    return account


def run_warnings(council, in_council, django_capture_on_commit_callbacks, *, at=NOW) -> int:
    with in_council(council), clock(at), django_capture_on_commit_callbacks(execute=True):
        return send_password_expiry_warnings.delay().get()


def warnings_sent(council, in_council) -> list[OutboundEmail]:
    with in_council(council):
        return list(OutboundEmail.objects.filter(subject="Your password will expire soon").order_by("id"))


@pytest.mark.parametrize(
    ("age", "warned"),
    [
        (timedelta(days=52, hours=23), False),
        (timedelta(days=53), True),
        (timedelta(days=57), True),
        (timedelta(days=60), True),  # still valid all of day 60
        (timedelta(days=60, minutes=1), False),  # expired: the sign-in asks for a new one anyway
    ],
)
def test_somerset_warns_in_the_last_week_of_a_password(
    somerset, in_council, django_capture_on_commit_callbacks, mailoutbox, age, warned
):
    account = member(somerset, in_council, "parent@example.org", password_age=age)
    policy = SignInPolicy.objects.get(council=somerset)
    assert policy.password_max_age_days == 60
    assert password_is_expired(policy, account.password_changed_at, NOW) is (age > timedelta(days=60))

    assert run_warnings(somerset, in_council, django_capture_on_commit_callbacks) == int(warned)
    assert len(mailoutbox) == int(warned)
    if warned:
        [message] = mailoutbox
        expires = timezone.localtime(account.password_changed_at + timedelta(days=60))
        assert message.to == ["parent@example.org"]
        assert message.from_email == somerset.from_address
        assert f"will expire on {expires.day} {expires:%B %Y}" in message.body
        assert "http://somerset.localhost" in message.body and "/account/password/" in message.body


def test_a_password_is_warned_about_once_and_a_new_password_starts_afresh(
    somerset, in_council, django_capture_on_commit_callbacks
):
    account = member(somerset, in_council, "parent@example.org", password_age=timedelta(days=54))
    assert run_warnings(somerset, in_council, django_capture_on_commit_callbacks) == 1
    assert run_warnings(somerset, in_council, django_capture_on_commit_callbacks) == 0
    later = NOW + timedelta(days=3)
    assert run_warnings(somerset, in_council, django_capture_on_commit_callbacks, at=later) == 0
    assert len(warnings_sent(somerset, in_council)) == 1

    # A new password, which in its turn nears its end.
    Account.objects.filter(pk=account.pk).update(password_changed_at=later)
    assert run_warnings(somerset, in_council, django_capture_on_commit_callbacks, at=later + timedelta(days=55)) == 1
    with in_council(somerset):
        assert PasswordExpiryWarning.objects.filter(account=account).count() == 2


def test_staff_are_warned_and_people_not_in_the_council_are_not(
    somerset, cumbria, in_council, django_capture_on_commit_callbacks
):
    member(somerset, in_council, "caseworker@somerset.example", password_age=timedelta(days=55), staff=True)
    member(cumbria, in_council, "cumbria-parent@example.org", password_age=timedelta(days=55))
    Account.objects.create_user("nobody@example.org", "a long family password", is_active=True)
    switched_off = member(somerset, in_council, "left@example.org", password_age=timedelta(days=55))
    Account.objects.filter(pk=switched_off.pk).update(is_active=False)

    assert run_warnings(somerset, in_council, django_capture_on_commit_callbacks) == 1
    assert [email.to for email in warnings_sent(somerset, in_council)] == [["caseworker@somerset.example"]]


def test_nothing_is_sent_where_passwords_never_expire(
    cumbria, somerset, in_council, django_capture_on_commit_callbacks, mailoutbox
):
    assert SignInPolicy.objects.get(council=cumbria).password_max_age_days is None
    account = member(cumbria, in_council, "parent@example.org", password_age=timedelta(days=55))
    with in_council(somerset):
        FamilyMembership.objects.create(account=account)  # a member of both councils

    assert run_warnings(cumbria, in_council, django_capture_on_commit_callbacks) == 0
    assert warnings_sent(cumbria, in_council) == []
    assert run_warnings(somerset, in_council, django_capture_on_commit_callbacks) == 1  # Somerset's rule, its email
    assert [m.from_email for m in mailoutbox] == [somerset.from_address]


def test_the_warnings_refuse_to_run_in_the_public_schema(caplog):
    with caplog.at_level(logging.ERROR, logger="citizen.tasks"):
        assert send_password_expiry_warnings.delay().get() == 0
    assert "ran in the public schema" in caplog.text
