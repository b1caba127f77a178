"""Reads of a case's message thread, and unread counts.

The caller has already checked who may see the case (casework.selectors.access:
`case_for_staff`, `case_for_family`). A message is unread by an account when someone
else wrote it after the account last read the thread (ThreadReadMarker)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db.models import Count, DateTimeField, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from casework.models import Case, ChildAccess, Message, ThreadReadMarker, live_access

if TYPE_CHECKING:
    from citizen.accounts.models import Account


def thread_for_case(*, case: Case) -> QuerySet[Message]:
    """The case's thread, oldest first, with each author (one query)."""
    return Message.objects.filter(case=case).select_related("author").order_by("created_at", "id")


def author_label(message: Message) -> str:
    """Who wrote a message, as the thread shows it: "SEND team \N{EN DASH} Sam Jones", or the family
    member's name."""
    name = message.author.get_full_name() if message.author_id and message.author else ""
    if message.from_send_team:
        return f"SEND team \N{EN DASH} {name}" if name else "SEND team"
    return name or "Family member"


def family_accesses_for_case(*, case: Case) -> QuerySet[ChildAccess]:
    """The family members who can see the case now (live access, account active), with
    their accounts: the people a family alert goes to."""
    return (
        ChildAccess.objects.filter(live_access(), child_id=case.child_id, account__is_active=True)
        .select_related("account")
        .order_by("granted_at", "id")
    )


def _unread(account: Account) -> QuerySet[Message]:
    read_to = ThreadReadMarker.objects.filter(case_id=OuterRef("case_id"), account=account).values("last_read_at")[:1]
    never = Value(datetime.min.replace(tzinfo=UTC), output_field=DateTimeField())
    return (
        Message.objects.exclude(author=account)
        .annotate(read_to=Coalesce(Subquery(read_to), never))
        .filter(created_at__gt=F("read_to"))
    )


def unread_count(case: Case, account: Account) -> int:
    """How many messages on the case's thread `account` has not read (one query)."""
    return _unread(account).filter(case=case).count()


def with_unread(cases: QuerySet[Case], account: Account) -> QuerySet[Case]:
    """The cases, each with `unread`: how many messages on its thread `account` has not
    read. Counted in the same query as the cases (a family's home page, a child's page),
    however many cases there are."""
    per_case = (
        _unread(account).filter(case_id=OuterRef("pk")).order_by().values("case_id").annotate(n=Count("id")).values("n")
    )
    return cases.annotate(unread=Coalesce(Subquery(per_case, output_field=IntegerField()), 0))


def unread_message_ids(*, case: Case, account: Account) -> set[int]:
    """The ids of the messages `account` has not read on this case (to mark them "New")."""
    return set(_unread(account).filter(case=case).values_list("pk", flat=True))
