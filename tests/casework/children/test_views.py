"""The SEND team's children and access screens: who may open them (a matrix), nothing of
one council reachable from the other's host, the verification queue at constant query
cost, and the journeys through deciding a request, recording a child and removing access."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test import Client

from casework.models import AccessRequest, AuditEvent, Case, CaseKind, Child, ChildAccess, Relationship, StaffRole
from citizen.accounts.models import Account
from tenants.outbox.models import OutboundEmail

from .conftest import make_account, signed_in_client

BORN = date(2015, 5, 3)
ROLES = {
    "caseworker": StaffRole.CASEWORKER,
    "team manager": StaffRole.TEAM_MANAGER,
    "council admin": StaffRole.COUNCIL_ADMIN,
}


def text(answer) -> str:
    return re.sub(r"\s+", " ", answer.content.decode())


@pytest.fixture
def records(site, in_council, make_child, make_access_request, make_access):
    """A child with a live access, and a request waiting, in the site's council."""
    with in_council(site.council):
        child = make_child(legal_first_name="Amelia", legal_last_name="Smithson", date_of_birth=BORN)
        access = make_access(child=child)
        access_request = make_access_request(child_first_name="Amelia", child_last_name="Smithson")
    return {"child": child, "access": access, "access_request": access_request}


def urls(records) -> dict[str, str]:
    child, access, access_request = records["child"], records["access"], records["access_request"]
    return {
        "queue": "/staff/access-requests/",
        "request": f"/staff/access-requests/{access_request.pk}/",
        "child new": "/staff/children/new/",
        "children": "/staff/children/",
        "child": f"/staff/children/{child.pk}/",
        "revoke": f"/staff/children/{child.pk}/access/{access.pk}/remove/",
    }


# --- Who may open what -------------------------------------------------------------------

WHO = ["anonymous", "family", "caseworker", "team manager", "council admin", "other council's staff, here"]
EXPECTED = {"anonymous": "sign-in", "family": 403, "other council's staff, here": 403}


@pytest.mark.parametrize("page", ["queue", "request", "child new", "children", "child", "revoke"])
@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(who, page, site, records, staff_client, family_client, staff_account):
    if who == "anonymous":
        client = Client(HTTP_HOST=site.domain)
    elif who == "family":
        client = family_client(site.council)
    elif who in ROLES:
        client = staff_client(site.council, ROLES[who])
    else:  # a member of the other council's team, signed in (two-step) on this council's host
        client = signed_in_client(site.council, staff_account(site.other, StaffRole.COUNCIL_ADMIN))
    path = urls(records)[page]

    answer = client.get(path)

    expected = EXPECTED.get(who, 200)
    if expected == "sign-in":
        assert answer.status_code == 302
        assert answer["Location"] == f"/sign-in/?next={path}"
    else:
        assert answer.status_code == expected
    if expected == 403:
        assert "You do not have access" in text(answer)


@pytest.mark.parametrize("who", ["anonymous", "family", "other council's staff, here"])
def test_nobody_but_staff_can_post_a_decision_or_remove_access(
    who, site, records, family_client, staff_account, in_council
):
    if who == "anonymous":
        client = Client(HTTP_HOST=site.domain)
    elif who == "family":
        client = family_client(site.council)
    else:
        client = signed_in_client(site.council, staff_account(site.other, StaffRole.COUNCIL_ADMIN))
    paths = urls(records)

    decline = client.post(paths["request"], {"action": "decline", "decline-reason": "No"})
    revoke = client.post(paths["revoke"], {"reason": "No"})

    assert decline.status_code == revoke.status_code == (302 if who == "anonymous" else 403)
    with in_council(site.council):
        assert AccessRequest.objects.get().status == AccessRequest.Status.WAITING
        assert ChildAccess.objects.get().revoked_at is None


@pytest.mark.parametrize("page", ["request", "child", "revoke"])
def test_the_other_councils_records_are_not_found_on_this_councils_host(page, site, records, staff_client, in_council):
    """A Somerset member of staff on Somerset's host asking for a Cumbria id (and the
    other way round) is told it does not exist."""
    ids = {"request": records["access_request"].pk, "child": records["child"].pk, "revoke": records["child"].pk}
    with in_council(site.other):
        assert not AccessRequest.objects.filter(pk=ids["request"]).exists()
        assert not Child.objects.filter(pk=ids["child"]).exists()
    other_staff = staff_client(site.other, StaffRole.COUNCIL_ADMIN)

    assert other_staff.get(urls(records)[page]).status_code == 404


def test_the_other_councils_queue_lists_none_of_this_councils_requests(site, records, staff_client):
    answer = staff_client(site.other, StaffRole.CASEWORKER).get("/staff/access-requests/")

    assert answer.status_code == 200
    assert "Smithson" not in text(answer)
    assert "No requests are waiting" in text(answer)


# --- The verification queue --------------------------------------------------------------


def test_the_queue_lists_pending_requests_oldest_first_with_what_the_family_gave(
    site, in_council, staff_client, make_access_request, staff_account
):
    with in_council(site.council):
        first = make_access_request(
            account=make_account(first_name="Jo", last_name="Older"), child_last_name="First", family_note="I am mum."
        )
        second = make_access_request(
            account=make_account(first_name="Sam", last_name="Newer"), child_last_name="Second"
        )
        second.status = AccessRequest.Status.MORE_EVIDENCE
        second.question = "Please send a court order."
        second.save()
        for status in (AccessRequest.Status.APPROVED, AccessRequest.Status.DECLINED):
            make_access_request(child_last_name=f"Decided{status}", status=status)

    page = text(staff_client(site.council).get("/staff/access-requests/"))

    assert page.index("Jo Older") < page.index("Sam Newer")
    assert first.account.email in page
    assert "Amy First" in page and "Born 3 May 2015" in page and "I am mum." in page
    assert "Please send a court order." in page and "not yet" in page
    assert "Waiting for the family" in page and "Waiting for us" in page
    assert "Decided" not in page
    assert "2 requests waiting" in page


def test_the_queue_costs_the_same_queries_for_5_and_500_requests(site, in_council, staff_client, real_queries):
    client = staff_client(site.council)

    def add(count: int, start: int) -> None:
        accounts = Account.objects.bulk_create(
            Account(email=f"queue{n}@example.org", first_name="Q", last_name=str(n))
            for n in range(start, start + count)
        )
        with in_council(site.council):
            AccessRequest.objects.bulk_create(
                AccessRequest(
                    account=account,
                    relationship=Relationship.PARENT,
                    child_first_name="C",
                    child_last_name=str(n),
                    child_date_of_birth=BORN,
                    family_note="note",
                )
                for n, account in enumerate(accounts)
            )

    def queries() -> int:
        with real_queries() as counted:
            answer = client.get("/staff/access-requests/")
        assert answer.status_code == 200
        return counted.count

    client.get("/staff/access-requests/")  # the session's first page may write to it; count the next
    add(5, 0)
    few = queries()
    add(495, 5)
    many = queries()

    assert few == many
    assert many <= 12
    page = text(client.get("/staff/access-requests/?page=20"))
    assert "500 requests waiting, showing 476 to 500" in page
    assert 'aria-label="Page 20 of 20"' in page


# --- Deciding a request ------------------------------------------------------------------


@pytest.fixture
def decider(site, staff_account):
    account = staff_account(site.council, StaffRole.CASEWORKER)
    return account, signed_in_client(site.council, account)


def test_the_decision_page_suggests_matching_children_and_searches_others(
    site, in_council, records, decider, make_child
):
    _, client = decider
    with in_council(site.council):
        make_child(legal_first_name="Amelia", legal_last_name="Jones", date_of_birth=BORN, council_reference="TWIN1")
        make_child(
            legal_first_name="Zara", legal_last_name="Quill", date_of_birth=date(2010, 1, 1), council_reference="ZQ1"
        )
    path = urls(records)["request"]

    page = text(client.get(path))

    assert "Smithson" in page and "TWIN1" in page and "ZQ1" not in page
    # Why each was suggested (issue 19, item 3): Amelia Smithson by name, Amelia Jones possibly.
    assert "Same name and date of birth" in page and "Possible match" in page
    assert "Last name: Smithson asked about, Jones recorded" in page
    searched = text(client.get(path, {"q": "quill"}))
    assert "ZQ1" in searched
    with in_council(site.council):
        event = AuditEvent.objects.filter(subject="access_request", action="viewed").first()
        assert (event.subject_id, event.actor_role) == (records["access_request"].pk, StaffRole.CASEWORKER)


def test_asking_for_more_from_the_decision_page(site, in_council, records, decider, post):
    _, client = decider
    path = urls(records)["request"]

    empty = client.post(path, {"action": "ask", "ask-question": " "})
    assert empty.status_code == 200
    assert "<title>Error:" in empty.content.decode()
    assert "Enter what you need to ask the family" in text(empty)

    answer = post(
        client, path, {"action": "ask", "ask-question": "Send a birth certificate", "ask-document_requested": "on"}
    )

    assert answer["Location"] == "/staff/access-requests/"
    with in_council(site.council):
        access_request = AccessRequest.objects.get()
        assert (access_request.status, access_request.evidence_document_requested) == ("more_evidence", True)
        email = OutboundEmail.objects.get(to=[access_request.account.email])
        assert "Smithson" not in email.body and "birth certificate" not in email.body


def test_approving_with_an_existing_child(site, in_council, records, decider, post):
    account, client = decider
    child = records["child"]

    answer = post(client, urls(records)["request"], {"action": "approve", "approve-match": str(child.pk)})

    assert answer["Location"] == f"/staff/children/{child.pk}/"  # to the child, not back to the queue
    with in_council(site.council):
        access_request = AccessRequest.objects.get()
        assert (access_request.status, access_request.child, access_request.decided_by) == ("approved", child, account)
        assert ChildAccess.objects.filter(child=child, account=access_request.account, revoked_at=None).exists()
    page = text(client.get(urls(records)["request"]))
    assert "Approved by Pat" in page and "Which child is this request about?" not in page
    refused = client.post(urls(records)["request"], {"action": "decline", "decline-reason": "Too late"})
    assert refused.status_code == 302
    with in_council(site.council):
        assert AccessRequest.objects.get().status == "approved"


def test_approving_a_child_who_is_not_among_the_choices_is_refused(site, in_council, records, decider, make_child):
    _, client = decider
    with in_council(site.council):
        stranger = make_child(legal_first_name="Zara", legal_last_name="Quill", date_of_birth=date(2010, 1, 1))

    answer = client.post(urls(records)["request"], {"action": "approve", "approve-match": str(stranger.pk)})

    assert answer.status_code == 200
    assert "Select the child, or create a new child from these details" in text(answer)
    # Once found by a search, the same child can be chosen.
    found = client.post(
        urls(records)["request"], {"action": "approve", "approve-match": str(stranger.pk), "q": "Quill"}
    )
    assert found.status_code == 302


def test_approving_with_a_new_child_shows_possible_duplicates_and_needs_confirmation(
    site, in_council, records, decider, service_area
):
    _, client = decider
    path = urls(records)["request"]
    area = service_area(site.council)
    details = {"action": "approve", "approve-match": "new", "approve-council_reference": "NEW1"}

    missing = text(client.post(path, details))
    assert "Select the service area for the new child" in missing
    # Needed for a new child, so never labelled "(optional)" (issue 19, item 14).
    assert "Service area for the new child (optional)" not in missing
    assert "Council reference for the new child (optional)" not in missing
    assert "Service area for the new child" in missing

    details["approve-service_area"] = str(area.pk)
    first = text(client.post(path, details))
    assert "already recorded" in first and records["child"].council_reference in first
    assert 'name="duplicates_shown" value="1"' in first
    assert "This is a different child from the ones listed" in first

    details["duplicates_shown"] = "1"
    unconfirmed = text(client.post(path, details))
    assert "Check the children listed, then confirm this is a different child" in unconfirmed

    details["approve-confirmed_not_duplicate"] = "on"
    approved = client.post(path, details)
    assert approved.status_code == 302
    with in_council(site.council):
        new = Child.objects.get(council_reference="NEW1")
        assert (new.legal_last_name, new.service_area_id) == ("Smithson", area.pk)
        assert AccessRequest.objects.get().child == new
    # Issue 19, item 2: not a dead end. The new child's page, offering to open a case.
    assert approved["Location"] == f"/staff/children/{new.pk}/"
    child_page = text(client.get(approved["Location"]))
    assert "Request approved: a new child has been recorded and the family told" in child_page
    assert f'href="/staff/children/{new.pk}/cases/new/"' in child_page


def test_declining_needs_a_reason(site, in_council, records, decider, post):
    _, client = decider
    path = urls(records)["request"]

    assert "Enter the reason, which the family will see" in text(client.post(path, {"action": "decline"}))
    assert post(client, path, {"action": "decline", "decline-reason": "No evidence"}).status_code == 302

    with in_council(site.council):
        access_request = AccessRequest.objects.get()
        assert (access_request.status, access_request.decision_reason) == ("declined", "No evidence")
    assert "No evidence" in text(client.get(path))


# --- Children ----------------------------------------------------------------------------


def child_details(area, **fields) -> dict:
    return {
        "legal_first_name": "Amelia",
        "legal_last_name": "Smithson",
        "date_of_birth_day": "3",
        "date_of_birth_month": "5",
        "date_of_birth_year": "2015",
        "service_area": str(area.pk),
        "council_reference": "C100",
    } | fields


def test_recording_a_child(site, in_council, decider, service_area):
    account, client = decider
    assert "Record a child" in text(client.get("/staff/children/new/"))

    answer = client.post("/staff/children/new/", child_details(service_area(site.council), known_as="Mia"))

    with in_council(site.council):
        child = Child.objects.get()
        assert answer["Location"] == f"/staff/children/{child.pk}/"
        assert (child.known_as, child.date_of_birth) == ("Mia", BORN)
        event = AuditEvent.objects.get(subject="child", action="created")
        assert event.actor == account


def test_recording_a_possible_duplicate_shows_them_and_needs_confirmation(
    site, in_council, records, decider, service_area
):
    _, client = decider
    details = child_details(service_area(site.council), legal_last_name="SMITHSON")

    first = text(client.post("/staff/children/new/", details))
    assert "already recorded" in first and records["child"].council_reference in first
    assert "<title>Error:" not in first

    details["duplicates_shown"] = "1"
    unconfirmed = client.post("/staff/children/new/", details)
    assert "Check the children listed, then confirm this is a different child" in text(unconfirmed)
    assert "<title>Error:" in unconfirmed.content.decode()

    details["confirmed_not_duplicate"] = "on"
    assert client.post("/staff/children/new/", details).status_code == 302
    with in_council(site.council):
        assert Child.objects.count() == 2


def test_recording_a_child_with_a_reference_in_use_says_so(site, in_council, records, decider, service_area):
    _, client = decider
    details = child_details(
        service_area(site.council), legal_first_name="Bob", council_reference=records["child"].council_reference
    )

    page = text(client.post("/staff/children/new/", details))

    assert f"Another child already has the council reference {records['child'].council_reference}" in page
    assert 'href="#id_council_reference"' in page


def test_recording_a_child_checks_the_date_of_birth(site, decider, service_area):
    _, client = decider
    details = child_details(service_area(site.council), date_of_birth_month="13")

    page = text(client.post("/staff/children/new/", details))

    assert "The child&#x27;s date of birth must be a real date" in page


def test_the_child_page_shows_accesses_and_cases_and_is_an_audit_event(site, in_council, records, decider, make_access):
    account, client = decider
    child = records["child"]
    with in_council(site.council):
        gone = make_access(child=child, account=make_account(first_name="Gone", last_name="Away"))
        gone.revoked_at, gone.revoked_by, gone.revoke_reason = gone.granted_at, account, "Moved away"
        gone.save()
        case = Case.objects.create(
            child=child, kind=CaseKind.ASSESSMENT, reference="ASSESS-1", started_on=date(2026, 1, 5)
        )

    page = text(client.get(f"/staff/children/{child.pk}/"))

    assert records["access"].account.email in page
    assert f"/staff/children/{child.pk}/access/{records['access'].pk}/remove/" in page
    assert "Gone Away" in page and "Moved away" in page
    assert f'href="/staff/cases/{case.pk}/"' in page and "ASSESS-1" in page
    assert f"/staff/access-requests/{records['access_request'].pk}/" in page
    with in_council(site.council):
        event = AuditEvent.objects.get(subject="child", action="viewed")
        assert (event.actor, event.child, event.ip_address) == (account, child, "127.0.0.1")


def test_the_child_page_costs_the_same_queries_however_many_accesses_and_cases(
    site, in_council, records, decider, make_access, real_queries
):
    account, client = decider
    child = records["child"]
    path = f"/staff/children/{child.pk}/"
    client.get(path)

    def queries() -> int:
        with real_queries() as counted:
            assert client.get(path).status_code == 200
        return counted.count

    few = queries()
    with in_council(site.council):
        for number in range(15):
            make_access(child=child)
            Case.objects.create(
                child=child,
                kind=CaseKind.ANNUAL_REVIEW,
                reference=f"AR-{number}",
                started_on=date(2026, 1, 5),
                caseworker=account,
            )
    assert queries() == few


def test_removing_access_needs_a_reason_and_tells_the_family_only_that_it_changed(
    site, in_council, records, decider, post
):
    account, client = decider
    path = urls(records)["revoke"]

    assert "Remove" in text(client.get(path))
    assert "Enter why you are removing this access" in text(client.post(path, {"reason": ""}))

    answer = post(client, path, {"reason": "Court order"})

    assert answer["Location"] == f"/staff/children/{records['child'].pk}/"
    with in_council(site.council):
        access = ChildAccess.objects.get()
        assert (access.revoked_by, access.revoke_reason) == (account, "Court order")
        email = OutboundEmail.objects.get(to=[access.account.email])
        assert email.subject == "Your access to a child's records has changed"
        assert "Court order" not in email.body and "Amelia" not in email.body
    assert client.get(path).status_code == 302  # already removed: back to the child


# --- The case page's family section ----------------------------------------------------


def test_the_case_family_section_lists_family_and_waiting_requests_at_constant_cost(
    site, in_council, records, make_access, make_access_request, real_queries
):
    child = records["child"]

    def render(case) -> tuple[str, int]:
        with in_council(site.council), real_queries() as counted:
            html = render_to_string("casework/staff/children/case_access_section.html", {"case": case})
        return re.sub(r"\s+", " ", html), counted.count

    with in_council(site.council):
        case = Case.objects.select_related("child").get(
            pk=Case.objects.create(
                child=child, kind=CaseKind.ASSESSMENT, reference="A-1", started_on=date(2026, 1, 5)
            ).pk
        )
    html, few = render(case)
    assert records["access"].account.email in html
    assert f"/staff/access-requests/{records['access_request'].pk}/" in html

    with in_council(site.council):
        for _ in range(10):
            make_access(child=child)
            make_access_request(child_first_name="Amelia", child_last_name="Smithson")
        make_access_request(child_first_name="Other", child_last_name="Person")
    html, many = render(case)

    assert few == many == 2
    assert html.count("Decide ") == 11


def test_the_children_list_finds_a_child_with_no_case_by_name_birthday_or_reference(
    site, in_council, records, staff_client, make_child
):
    """Issue 19, item 2: the caseload lists cases only, so a child with no case could not
    be found. Every child is listed, searchable, with a way to open a case."""
    with in_council(site.council):
        other = make_child(legal_first_name="Zara", legal_last_name="Quill", date_of_birth=date(2010, 1, 1))
        other.council_reference = "ZQ-77"
        other.save()
    client = staff_client(site.council, StaffRole.CASEWORKER)
    child = records["child"]

    everyone = text(client.get("/staff/children/"))
    assert "2 children" in everyone and "Amelia Smithson" in everyone and "Zara Quill" in everyone
    assert f'href="/staff/children/{child.pk}/cases/new/"' in everyone  # no case yet: open one
    for search in ("amelia smith", "3/5/2015", "2015-05-03"):
        found = text(client.get("/staff/children/", {"search": search}))
        assert "1 child found" in found and "Amelia Smithson" in found and "Zara" not in found, search
    assert "Zara Quill" in text(client.get("/staff/children/", {"search": "zq-77"}))
    assert "No child matches “Nobody”" in text(client.get("/staff/children/", {"search": "Nobody"}))
    assert 'href="/staff/children/"' in text(client.get("/staff/"))  # in the SEND team's navigation
