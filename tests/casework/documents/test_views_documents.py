"""The staff screens for a case's documents and messages: who may use each (a matrix),
councils kept apart, forms that keep what was typed, and sections on the case page that
cost the same number of queries for 5 documents and messages as for 50."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client

from casework.models import AuditEvent, Case, Document, Message, StaffRole, ThreadReadMarker
from casework.services.documents import document_upload, document_withdraw
from casework.services.messages import message_post
from tenants.storage import StorageRefused

from .conftest import CHILD_FIRST_NAME, make_account, pdf_bytes, stored_files, upload

CASEWORK_ROLES = [StaffRole.CASEWORKER, StaffRole.TEAM_MANAGER, StaffRole.COUNCIL_ADMIN]


def _pdf_upload() -> SimpleUploadedFile:
    return upload("Plan.pdf", pdf_bytes())


def _document(case, **fields) -> Document:
    return document_upload(
        case=case,
        kind=fields.get("kind", Document.Kind.DRAFT_PLAN),
        title=fields.get("title", "Draft plan"),
        upload=_pdf_upload(),
        actor=None,
        actor_role=StaffRole.CASEWORKER,
    )


# Each staff URL of this area: (method, path, data, status for a member of the team).
ACTIONS = {
    "upload page": ("get", lambda ids: f"/staff/cases/{ids['case']}/documents/upload/", None, 200),
    "upload": (
        "post",
        lambda ids: f"/staff/cases/{ids['case']}/documents/upload/",
        lambda: {"document-kind": "advice", "document-title": "Advice", "document-file": _pdf_upload()},
        302,
    ),
    "share": ("post", lambda ids: f"/staff/documents/{ids['document']}/share/", lambda: {}, 302),
    "withdraw": ("post", lambda ids: f"/staff/documents/{ids['document']}/withdraw/", lambda: {}, 302),
    "download": ("get", lambda ids: f"/staff/documents/{ids['document']}/download/", None, 200),
    "messages page": ("get", lambda ids: f"/staff/cases/{ids['case']}/messages/", None, 200),
    "message": ("post", lambda ids: f"/staff/cases/{ids['case']}/messages/", lambda: {"message-body": "Hello"}, 302),
}
WHO = ["anonymous", "family", *CASEWORK_ROLES, "staff of the other council"]


def _expected(who: str, allowed: int):
    return {"anonymous": "sign-in", "family": 403, "staff of the other council": 404}.get(who, allowed)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(action, who, site, in_council, make_case, staff_client, family_client):
    method, path_for, data, allowed = ACTIONS[action]
    with in_council(site.council):
        case = make_case()
        document = _document(case)
    ids = {"case": case.pk, "document": document.pk}
    with in_council(site.other):  # the other council has no records with these ids
        assert not Case.objects.filter(pk=case.pk).exists()
        assert not Document.objects.filter(pk=document.pk).exists()

    if who == "anonymous":
        client = Client(HTTP_HOST=site.domain)
    elif who == "family":
        client = family_client(site.council)
    elif who == "staff of the other council":
        client = staff_client(site.other, StaffRole.COUNCIL_ADMIN)  # on its own host
    else:
        client = staff_client(site.council, who)
    path = path_for(ids)

    response = getattr(client, method)(path, data() if data else None)

    expected = _expected(who, allowed)
    if expected == "sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"/staff/cases/{case.pk}/"
    if expected in ("sign-in", 403, 404) and method == "post":
        with in_council(site.council):
            assert Document.objects.count() == 1
            assert not Message.objects.exists()
            document.refresh_from_db()
            assert document.shared_with_family_at is None and document.withdrawn_at is None


@pytest.mark.parametrize("action", ["share", "withdraw", "message"])
def test_posts_only(action, cumbria, in_council, make_case, staff_client):
    with in_council(cumbria):
        case = make_case()
        document = _document(case)
    client = staff_client(cumbria)
    _, path_for, _, _ = ACTIONS[action]
    path = path_for({"case": case.pk, "document": document.pk})
    if action == "message":
        assert client.put(path).status_code == 405
    else:
        assert client.get(path).status_code == 405


def test_a_staff_session_does_not_travel_to_the_other_councils_host(
    cumbria, somerset, in_council, make_case, staff_client
):
    with in_council(cumbria):
        document = _document(make_case())
    client = staff_client(cumbria)
    client.defaults["HTTP_HOST"] = somerset.get_primary_domain().domain

    response = client.get(f"/staff/documents/{document.pk}/download/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_member_of_both_councils_sees_only_the_hosts_records(cumbria, somerset, in_council, make_case, staff_client):
    from casework.models import StaffMembership

    with in_council(cumbria):
        document = _document(make_case())
    client = staff_client(somerset, StaffRole.COUNCIL_ADMIN)
    with in_council(cumbria):
        StaffMembership.objects.create(account=client.account, role=StaffRole.COUNCIL_ADMIN)

    assert client.get(f"/staff/documents/{document.pk}/download/").status_code == 404


# --- Uploading through the page ---------------------------------------------------------


def test_an_upload_is_stored_and_goes_back_to_the_case(cumbria, in_council, make_case, staff_client, media_root):
    with in_council(cumbria):
        case = make_case()
    client = staff_client(cumbria)

    response = client.post(
        f"/staff/cases/{case.pk}/documents/upload/",
        {
            "document-kind": "draft_plan",
            "document-title": "Draft plan",
            "document-file": upload("../../x.pdf", pdf_bytes()),
        },
        follow=False,
    )

    assert response.status_code == 302
    with in_council(cumbria):
        document = Document.objects.get()
        assert (document.case, document.title, document.uploaded_by) == (case, "Draft plan", client.account)
        assert AuditEvent.objects.filter(action="created", subject="document", actor_role="caseworker").exists()
    assert stored_files(media_root) == [f"cumbria/documents/{case.pk}/x.pdf"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"MZ\x90\x00" + b"\x00" * 200,
            "&#x27;report.pdf&#x27; is not a PDF: it looks like a program, which we cannot accept.",
        ),
        (b"#!/bin/bash\necho hi\n", "it looks like a script"),
    ],
)
def test_a_refused_file_is_shown_with_the_form_and_nothing_is_kept(
    content, message, cumbria, in_council, make_case, staff_client, media_root
):
    with in_council(cumbria):
        case = make_case()
    client = staff_client(cumbria)

    response = client.post(
        f"/staff/cases/{case.pk}/documents/upload/",
        {
            "document-kind": "advice",
            "document-title": "Educational psychologist's advice",
            "document-file": upload("report.pdf", content),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert 'href="#id_document-file"' in page  # the summary links to the field
    assert 'value="Educational psychologist&#x27;s advice"' in page  # what was typed is kept
    assert 'value="advice" checked' in page
    assert "<title>Error: Upload a document" in page
    with in_council(cumbria):
        assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_missing_fields_are_each_named(cumbria, in_council, make_case, staff_client):
    with in_council(cumbria):
        case = make_case()
    response = staff_client(cumbria).post(f"/staff/cases/{case.pk}/documents/upload/", {})

    page = response.content.decode()
    for message in ("Select what kind of document it is", "Enter a title for the document", "Choose a file to upload"):
        assert message in page


def test_an_empty_file_is_refused_by_its_name(cumbria, in_council, make_case, staff_client):
    """Issue 19, item 14: "The submitted file is empty." did not say which file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    with in_council(cumbria):
        case = make_case()
    empty = SimpleUploadedFile("ep-report.pdf", b"", content_type="application/pdf")
    response = staff_client(cumbria).post(
        f"/staff/cases/{case.pk}/documents/upload/",
        {"document-kind": "advice", "document-title": "Advice", "document-file": empty},
    )
    page = response.content.decode()
    assert "ep-report.pdf is empty: choose a file with something in it" in page
    assert "The submitted file is empty" not in page
    with in_council(cumbria):
        assert not Document.objects.exists()


def test_a_store_that_refuses_is_explained(cumbria, in_council, make_case, staff_client, media_root):
    with in_council(cumbria):
        case = make_case()
    client = staff_client(cumbria)

    with mock.patch.object(
        Document.file.field.storage.__class__, "save", side_effect=StorageRefused(reason="AccessDenied")
    ):
        response = client.post(
            f"/staff/cases/{case.pk}/documents/upload/",
            {"document-kind": "advice", "document-title": "Advice", "document-file": _pdf_upload()},
        )

    assert response.status_code == 200
    assert "The file could not be stored just now, so nothing has been saved." in response.content.decode()
    with in_council(cumbria):
        assert not Document.objects.exists()


# --- Sharing, withdrawing, downloading ----------------------------------------------------


def test_sharing_through_the_page_emails_the_family(cumbria, in_council, make_case, make_access, staff_client, outbox):
    with in_council(cumbria):
        case = make_case()
        make_access(child=case.child)
        document = _document(case)
    client = staff_client(cumbria, StaffRole.TEAM_MANAGER)

    response = client.post(f"/staff/documents/{document.pk}/share/", follow=True)

    assert "is shared. The family have been told by email." in response.content.decode()
    [email] = outbox(cumbria)
    assert email.subject == "A new document has been shared about your child's EHC needs assessment"
    with in_council(cumbria):
        event = AuditEvent.objects.get(action="shared")
        assert (event.actor, event.actor_role) == (client.account, "team_manager")


def test_a_withdrawn_document_cannot_be_shared(cumbria, in_council, make_case, make_access, staff_client, outbox):
    with in_council(cumbria):
        case = make_case()
        make_access(child=case.child)
        document = _document(case)
        document_withdraw(document=document, actor=None, actor_role="caseworker")
    client = staff_client(cumbria)

    response = client.post(f"/staff/documents/{document.pk}/share/")

    assert response.status_code == 302
    assert outbox(cumbria) == []
    with in_council(cumbria):
        document.refresh_from_db()
        assert document.shared_with_family_at is None


def test_a_download_streams_and_is_recorded_each_time(cumbria, in_council, make_case, staff_client):
    with in_council(cumbria):
        document = _document(make_case(), title="Draft plan: <script>")
    client = staff_client(cumbria)

    for _ in range(3):
        response = client.get(f"/staff/documents/{document.pk}/download/", REMOTE_ADDR="198.51.100.7")
        assert response.streaming
        assert b"".join(response.streaming_content) == pdf_bytes()

    assert response["Content-Disposition"] == 'attachment; filename="Draft_plan_script.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    with in_council(cumbria):
        events = AuditEvent.objects.filter(action="downloaded", subject="document", subject_id=document.pk)
        assert events.count() == 3
        assert {(e.actor_id, e.actor_role, e.ip_address) for e in events} == {
            (client.account.pk, "caseworker", "198.51.100.7")
        }


# --- Messages ----------------------------------------------------------------------------


def test_a_reply_is_sent_and_the_family_alerted(cumbria, in_council, make_case, make_access, staff_client, outbox):
    with in_council(cumbria):
        case = make_case()
        make_access(child=case.child)
    client = staff_client(cumbria)

    response = client.post(f"/staff/cases/{case.pk}/messages/", {"message-body": "The panel meets on Tuesday."})

    assert response.status_code == 302
    with in_council(cumbria):
        message = Message.objects.get()
        assert (message.author, message.from_send_team, message.body) == (
            client.account,
            True,
            "The panel meets on Tuesday.",
        )
    [email] = outbox(cumbria)
    assert "panel" not in email.body and "Tuesday" not in email.body


def test_an_empty_reply_is_shown_again_with_the_error(cumbria, in_council, make_case, staff_client, outbox):
    with in_council(cumbria):
        case = make_case()

    response = staff_client(cumbria).post(f"/staff/cases/{case.pk}/messages/", {"message-body": "   "})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter your message" in page and 'href="#id_message-body"' in page
    assert outbox(cumbria) == []


def test_the_messages_page_shows_new_messages_then_marks_them_read(
    cumbria, in_council, make_case, staff_client, real_queries
):
    parent = make_account(first_name="Bartholomew", last_name="Fairweather")
    client = staff_client(cumbria)
    with in_council(cumbria):
        case = make_case()
        message_post(case=case, author=parent, from_send_team=False, body="Can we meet?")

    first = client.get(f"/staff/cases/{case.pk}/messages/").content.decode()
    with real_queries() as again:
        second = client.get(f"/staff/cases/{case.pk}/messages/").content.decode()

    assert not [sql for sql in again.sql if "threadreadmarker" in sql and not sql.startswith("SELECT")]

    assert "Bartholomew Fairweather" in first and "Can we meet?" in first
    assert ">New</strong>" in first
    assert ">New</strong>" not in second
    with in_council(cumbria):
        assert ThreadReadMarker.objects.filter(case=case, account=client.account).exists()
        assert AuditEvent.objects.filter(action="viewed", subject="messages", case=case).count() == 2


# --- The sections on the case page --------------------------------------------------------


def _render_sections(case, account, rf):
    request = rf.get(f"/staff/cases/{case.pk}/")
    request.user = account
    return render_to_string(
        "casework/staff/documents/case_section.html", {"case": case}, request=request
    ), render_to_string("casework/staff/documents/messages_section.html", {"case": case}, request=request)


def test_the_sections_show_documents_and_the_thread(cumbria, in_council, make_case, rf):
    staff = make_account(first_name="Samira", last_name="Castellanos")
    parent = make_account(first_name="Bartholomew", last_name="Fairweather")
    with in_council(cumbria):
        case = make_case()
        shared = _document(case, title="Final plan")
        from casework.services.documents import document_share

        document_share(document=shared, actor=staff, actor_role="caseworker")
        withdrawn = _document(case, title="Old advice")
        document_withdraw(document=withdrawn, actor=staff, actor_role="caseworker")
        _document(case, title="Waiting letter")
        message_post(case=case, author=parent, from_send_team=False, body="First from the family")
        message_post(case=case, author=staff, from_send_team=True, body="Then the team")

        documents, thread = _render_sections(case, staff, rf)

        assert ThreadReadMarker.objects.filter(case=case, account=staff).exists()  # marked read on view
    for text in ("Final plan", "Old advice", "Waiting letter", ">Shared<", ">Withdrawn<", ">Not shared<", "PDF,"):
        assert text in documents
    assert f'action="/staff/cases/{case.pk}/documents/upload/"' in documents
    assert 'enctype="multipart/form-data"' in documents
    assert f'action="/staff/documents/{withdrawn.pk}/withdraw/"' not in documents
    assert thread.index("First from the family") < thread.index("Then the team")
    assert "Bartholomew Fairweather" in thread and "SEND team \N{EN DASH} Samira Castellanos" in thread
    assert "1 new" in thread  # the family's message was new to this member of staff
    assert f'action="/staff/cases/{case.pk}/messages/"' in thread


def test_the_sections_cost_the_same_for_5_or_50_documents_and_messages(
    cumbria, in_council, make_case, rf, real_queries
):
    def queries_for(count: int) -> int:
        staff = make_account()
        with in_council(cumbria):
            case = make_case()
            for number in range(count):
                document_upload(
                    case=case,
                    kind=Document.Kind.ADVICE,
                    title=f"Advice {number}",
                    upload=_pdf_upload(),
                    actor=make_account(),
                    actor_role="caseworker",
                )
                message_post(case=case, author=make_account(), from_send_team=number % 2 == 0, body="Hello")
            with real_queries() as queries:
                documents, thread = _render_sections(case, staff, rf)
            assert documents.count("/download/") == count and thread.count("Hello") == count
        return queries.count

    few, many = queries_for(5), queries_for(50)
    assert few == many <= 8


def test_the_case_page_includes_both_sections(cumbria, in_council, make_case, staff_client):
    with in_council(cumbria):
        case = make_case()
        _document(case, title="Final plan")
    page = staff_client(cumbria).get(f"/staff/cases/{case.pk}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="case-documents-heading"' in text and 'id="case-messages-heading"' in text
    assert CHILD_FIRST_NAME in text


def test_staff_are_told_when_nobody_in_the_family_could_be_emailed(
    cumbria, in_council, make_case, staff_client, outbox
):
    with in_council(cumbria):
        case = make_case()

    response = staff_client(cumbria).post(f"/staff/cases/{case.pk}/messages/", {"message-body": "Hello"}, follow=True)

    assert "Nobody in the family can see this case yet, so nobody has been emailed." in response.content.decode()
    assert outbox(cumbria) == []
