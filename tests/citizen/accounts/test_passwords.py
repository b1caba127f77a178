"""The password policy engine, vector by vector, for each demo council.

Somerset uses exactly the rules in its guidance (10 to 128 characters, upper, lower, digit,
special, not the username, not one of the last 10, not a simple change, 60 days);
Cumbria has a new council's defaults (12+ characters, block list, nothing else)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from citizen.accounts.models import Account
from citizen.accounts.passwords import (
    is_simple_change,
    likely_previous_versions,
    password_is_expired,
    policy_rules,
)
from citizen.accounts.services import account_set_password, password_check
from tenants.models import SignInPolicy

pytestmark = pytest.mark.django_db

EMAIL = "parent.carer@example.org"


@pytest.fixture
def somerset_policy(somerset) -> SignInPolicy:
    return SignInPolicy.objects.get(council=somerset)


@pytest.fixture
def cumbria_policy(cumbria) -> SignInPolicy:
    return SignInPolicy.objects.get(council=cumbria)


@pytest.fixture
def account() -> Account:
    return Account.objects.create_user(EMAIL, None, is_active=True)


def problems(policy, password, **kwargs):
    return password_check(policy=policy, password=password, email=EMAIL, **kwargs)


@pytest.mark.parametrize(
    ("password", "broken"),
    [
        ("Abcdef1!g", "at least 10 characters"),  # 9
        ("Abcdef1!gh", None),  # 10
        ("Aa1!" + "x" * 124, None),  # 128
        ("Aa1!" + "x" * 125, "no more than 128 characters"),  # 129
        ("abcdefg1!h", "capital letter"),
        ("ABCDEFG1!H", "small letter"),
        ("Abcdefgh!i", "number"),
        ("Abcdefgh1i", "special character"),
        ("Abcd efg1h", "special character"),  # a space is not a special character
        ("Parent.Carer@example.org1", None),
        ("Password123456!", None),
    ],
)
def test_somerset_length_and_character_rules(somerset_policy, password, broken):
    found = problems(somerset_policy, password)
    if broken is None:
        assert found == []
    else:
        assert len(found) == 1 and broken in found[0], found


def test_somerset_refuses_the_email_address_as_the_password(somerset_policy):
    assert problems(somerset_policy, "PARENT.CARER@EXAMPLE.ORG") != []
    assert any("different from your email address" in p for p in problems(somerset_policy, "Parent.Carer@example.org"))


def test_somerset_refuses_the_last_ten_passwords_and_allows_the_eleventh(somerset_policy, account):
    passwords = [f"Family{n:02d}!Secure" for n in range(1, 12)]  # 11 passwords, oldest first
    for password in passwords:
        account_set_password(account=account, password=password)

    tenth_previous = passwords[1]  # the current one is passwords[-1], the 1st of the last 10
    eleventh_previous = passwords[0]
    assert any("used this password before" in p for p in problems(somerset_policy, tenth_previous, account=account))
    assert not any(
        "used this password before" in p for p in problems(somerset_policy, eleventh_previous, account=account)
    )


@pytest.mark.parametrize(
    ("previous", "new", "simple"),
    [
        ("Password32!", "Password33!", True),
        ("Password32!", "password32!", True),
        ("Password32!", "Password32!x", True),
        ("Password32!", "Passw0rd32?", True),
        ("Password32!", "Grey-Heron-Lake-9!", False),
        ("Password32!", "Rainfall#Notebook7", False),
    ],
)
def test_what_counts_as_a_simple_change(previous, new, simple):
    assert is_simple_change(previous, new) is simple


def test_somerset_refuses_a_simple_change_when_the_old_password_is_typed(somerset_policy, account):
    account_set_password(account=account, password="Password32!")
    found = problems(somerset_policy, "Password33!", account=account, previous="Password32!")
    assert any("too similar to your previous one" in p for p in found)
    assert problems(somerset_policy, "Grey-Heron-Lake-9!", account=account, previous="Password32!") == []


def test_somerset_refuses_a_simple_change_on_reset_from_the_stored_hash_alone(somerset_policy, account):
    account_set_password(account=account, password="Password32!")
    assert "Password32!" in likely_previous_versions("Password33!")
    assert any("too similar" in p for p in problems(somerset_policy, "Password33!", account=account))
    assert problems(somerset_policy, "Grey-Heron-Lake-9!", account=account) == []


def test_only_hashes_are_kept_in_the_history(account):
    account_set_password(account=account, password="Password32!")
    stored = list(account.password_history.values_list("password", flat=True))
    assert len(stored) == 1 and "Password32!" not in stored[0]
    assert stored[0] == Account.objects.get(pk=account.pk).password


@pytest.mark.parametrize(("age_days", "expired"), [(59, False), (60, False), (61, True)])
def test_somerset_passwords_expire_after_60_days(somerset_policy, age_days, expired):
    now = timezone.now()
    changed_at = now - timedelta(days=age_days)
    assert password_is_expired(somerset_policy, changed_at, now=now) is expired


@pytest.mark.parametrize(
    ("password", "broken"),
    [
        ("correcthors", "at least 12 characters"),  # 11
        ("correcthorse", None),  # 12, no composition rules
        ("a quiet harbour " * 8, None),  # 128
        ("a quiet harbour " * 8 + "x", "no more than 128 characters"),  # 129
        ("all lower case words", None),
        ("password123456", "too easy to guess"),
        ("123123123123", "too easy to guess"),
    ],
)
def test_cumbria_defaults_follow_current_guidance(cumbria_policy, password, broken):
    found = problems(cumbria_policy, password)
    if broken is None:
        assert found == []
    else:
        assert len(found) == 1 and broken in found[0], found


def test_cumbria_has_no_history_simple_change_or_expiry_rules(cumbria_policy, account):
    account_set_password(account=account, password="correcthorse")
    assert problems(cumbria_policy, "correcthorse", account=account, previous="correcthorse") == []
    assert not password_is_expired(cumbria_policy, timezone.now() - timedelta(days=3650))


def test_the_rules_are_listed_in_plain_english(somerset_policy, cumbria_policy):
    somerset = policy_rules(somerset_policy)
    assert somerset[0] == "be between 10 and 128 characters long"
    assert (
        "include at least one capital letter, one small letter, one number and one special character" in (somerset[1])
    )
    assert "not be any of your previous 10 passwords" in somerset
    assert "be changed every 60 days" in somerset
    assert policy_rules(cumbria_policy) == [
        "be between 12 and 128 characters long",
        "be different from your email address",
        "not be a commonly used password",
    ]
