"""The runner's pages over HTTP, on each council: the task list and its statuses; each
question type's checks with GOV.UK error messages (and what was typed kept); optional
questions; conditions; a repeating group's minimum and maximum; files checked by their
content and stored under the council's prefix; saving to come back later; check your
answers and its change links."""

from __future__ import annotations

import copy
import html

import pytest
from django_tenants.utils import tenant_context

from casework.submissions.models import FormDraft, FormFile

from .conftest import (
    KITCHEN_SINK,
    PNG_BYTES,
    complete_everything,
    make_account,
    pdf_bytes,
    publish,
    signed_in_client,
    upload,
)

pytestmark = pytest.mark.django_db


def text(answer) -> str:
    return html.unescape(answer.content.decode())


def summary_errors(answer) -> list[str]:
    """The error summary's messages, in order."""
    import re

    body = text(answer)
    block = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', body, re.S)
    return re.findall(r'<a href="#[^"]+">(.*?)</a>', block.group(1)) if block else []


# --- Starting, the task list -------------------------------------------------------------------


def test_starting_makes_a_draft_on_the_published_version_and_starting_again_resumes_it(family, everything):
    start = family.client.get(f"/send/forms/children/{family.child.pk}/everything/start/")
    assert start.status_code == 200
    assert "Everything form" in text(start) and "on Wilhelmina's behalf" in text(start)

    first = family.draft_start()
    again = family.client.post(f"/send/forms/children/{family.child.pk}/everything/start/")
    assert again["Location"] == f"/send/forms/drafts/{first}/"
    with tenant_context(family.council):
        (draft,) = FormDraft.objects.all()
    assert draft.version_id == everything.pk and draft.account_id == family.account.pk


def test_two_drafts_of_a_form_only_when_the_definition_allows_it(family):
    publish(family.council, KITCHEN_SINK | {"allow_multiple_drafts": True})
    first, second = family.draft_start(), family.draft_start()
    assert first != second


def test_the_task_list_shows_each_sections_status(family, everything):
    draft_id = family.draft_start()
    tasks = text(family.client.get(f"/send/forms/drafts/{draft_id}/"))
    assert tasks.count("Not yet started") == 3
    assert "You have completed 0 of 3 sections" in tasks and "Cannot start yet" in tasks

    family.client.post(family.page(draft_id, "names"), {"full_name": "Ann", "story": "Hello"})
    tasks = text(family.client.get(f"/send/forms/drafts/{draft_id}/"))
    assert "In progress" in tasks and tasks.count("Not yet started") == 2

    complete_everything(family, draft_id)
    tasks = text(family.client.get(f"/send/forms/drafts/{draft_id}/"))
    assert "You have completed every section" in tasks
    assert tasks.count(">Completed<") == 0 and tasks.count("Completed") >= 3
    assert f'href="/send/forms/drafts/{draft_id}/check/"' in tasks


def test_save_and_continue_goes_to_the_next_page_then_back_to_the_task_list(family, everything):
    draft_id = family.draft_start()
    answer = family.client.post(family.page(draft_id, "names"), {"full_name": "Ann", "story": "Hi"})
    assert answer["Location"] == family.page(draft_id, "when")
    answer = family.client.post(
        family.page(draft_id, "home"), {"home__line_1": "1 A St", "home__town": "Carlisle", "home__postcode": "CA3 8QG"}
    )
    assert answer["Location"] == f"/send/forms/drafts/{draft_id}/"


# --- Each question type --------------------------------------------------------------------------


def test_required_text_long_text_and_their_lengths(family, everything):
    draft_id = family.draft_start()
    answer = family.client.post(family.page(draft_id, "names"), {"full_name": "", "nickname": "", "story": "x" * 51})
    assert answer.status_code == 200
    assert summary_errors(answer) == ["Enter full name", "Your story must be 50 characters or fewer"]
    assert "x" * 51 in text(answer)  # what was typed is kept
    assert text(answer).startswith("<!DOCTYPE html>") and "<title>Error: Names" in text(answer)

    too_long = family.client.post(family.page(draft_id, "names"), {"full_name": "A" * 21, "story": "ok"})
    assert summary_errors(too_long) == ["Full name must be 20 characters or fewer"]  # names the question
    assert family.draft(draft_id).answers == {}


@pytest.mark.parametrize(
    ("typed", "error", "kept"),
    [
        ("943 476 5919", None, "943 476 5919"),
        ("9434765919", None, "943 476 5919"),
        ("943-476-5919", None, "943 476 5919"),
        ("943 476 5918", "943 476 5918 is not a real NHS number: check each digit", None),
        ("485 777 3456", "485 777 3456 is not a real NHS number: check each digit", None),  # the hint's shape only
        ("12345678901", "Enter NHS number as 10 digits, like 485 777 3456", None),
        ("ABCDEFGHIJ", "Enter NHS number as 10 digits, like 485 777 3456", None),
    ],
)
def test_an_nhs_number_is_10_digits_with_its_check_digit(family, everything, typed, error, kept):
    """Issue 19, item 14: any 12 characters were accepted as an NHS number."""
    draft_id = family.draft_start()
    posted = {"attendance": "85", "email": "ann@example.org", "phone": "07700 900 982", "nhs": typed}
    answer = family.client.post(family.page(draft_id, "numbers"), posted)
    if error:
        assert summary_errors(answer) == [error]
        assert typed in text(answer)  # what was typed is kept on the page
        assert "nhs" not in family.draft(draft_id).answers
    else:
        assert answer.status_code == 302
        assert family.draft(draft_id).answers["nhs"] == kept


def test_an_optional_question_says_so_and_may_be_left_empty(family, everything):
    draft_id = family.draft_start()
    page = text(family.client.get(family.page(draft_id, "names")))
    assert "Nickname (optional)" in page and "Full name (optional)" not in page
    family.client.post(family.page(draft_id, "names"), {"full_name": "Ann", "nickname": "", "story": "Hi"})
    assert family.draft(draft_id).answers == {"full_name": "Ann", "story": "Hi"}


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({}, "Enter date of birth"),
        ({"born_day": "31", "born_month": "2", "born_year": "2014"}, "Date of birth must be a real date"),
        ({"born_day": "3", "born_month": "", "born_year": "2014"}, "Date of birth must include a month"),
        ({"born_day": "3", "born_month": "4", "born_year": "14"}, "Year must include 4 numbers"),
        ({"born_day": "1", "born_month": "1", "born_year": "2999"}, "Date of birth must be today or in the past"),
    ],
)
def test_a_date_is_a_govuk_date_input(family, everything, posted, error):
    draft_id = family.draft_start()
    answer = family.client.post(family.page(draft_id, "when"), posted)
    assert summary_errors(answer) == [error]
    assert 'href="#id_born_0"' in text(answer) and 'id="id_born_0"' in text(answer)


def test_a_date_is_stored_as_an_iso_date_and_shown_back(family, everything):
    draft_id = family.draft_start()
    family.client.post(family.page(draft_id, "when"), {"born_day": "7", "born_month": "mar", "born_year": "2014"})
    assert family.draft(draft_id).answers["born"] == "2014-03-07"
    assert 'value="7"' in text(family.client.get(family.page(draft_id, "when")))


@pytest.mark.parametrize(
    ("posted", "errors"),
    [
        (
            {"attendance": "lots", "email": "not-an-email", "phone": "call me"},
            [
                "Enter a whole number between 0 and 100",
                "Enter an email address in the correct format, like name@example.com",
                "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            ],
        ),
        (
            {"attendance": "101", "email": "a@example.org", "phone": "07700 900 982"},
            ["Enter a whole number between 0 and 100"],
        ),
        ({}, ["Enter attendance", "Enter email address", "Enter phone number"]),
    ],
)
def test_numbers_emails_and_phone_numbers_are_checked(family, everything, posted, errors):
    draft_id = family.draft_start()
    answer = family.client.post(family.page(draft_id, "numbers"), posted)
    assert summary_errors(answer) == errors


def test_a_number_is_stored_as_a_number(family, everything):
    draft_id = family.draft_start()
    family.client.post(
        family.page(draft_id, "numbers"), {"attendance": " 85 ", "email": "a@example.org", "phone": "+44 7700 900 982"}
    )
    answers = family.draft(draft_id).answers
    assert answers["attendance"] == 85 and answers["phone"] == "+44 7700 900 982"


def test_a_uk_address_needs_its_first_line_town_and_a_real_postcode(family, everything):
    draft_id = family.draft_start()
    answer = family.client.post(family.page(draft_id, "home"), {"home__line_1": "1 Castle St", "home__postcode": "XYZ"})
    assert summary_errors(answer) == ["Enter the town or city", "Enter a real postcode, like SW1A 1AA"]
    assert 'href="#id_home__town"' in text(answer) and 'value="1 Castle St"' in text(answer)
    family.client.post(
        family.page(draft_id, "home"),
        {"home__line_1": "1 Castle St", "home__town": "Carlisle", "home__postcode": "ca38qg"},
    )
    assert family.draft(draft_id).answers["home"] == {
        "line_1": "1 Castle St", "line_2": "", "town": "Carlisle", "county": "", "postcode": "CA3 8QG"
    }  # fmt: skip


def test_radios_checkboxes_and_selects_accept_only_their_options(family, everything):
    draft_id = family.draft_start()
    answer = family.client.post(family.page(draft_id, "choices"), {"pets": ["cat", "snake"], "year": "y9"})
    assert summary_errors(answer) == [
        "Select favourite colour",
        "Select a valid choice. snake is not one of the available choices.",
        "Select a valid choice. y9 is not one of the available choices.",
    ]
    assert 'href="#id_colour_0"' in text(answer)
    family.client.post(family.page(draft_id, "choices"), {"colour": "red", "pets": ["cat", "dog"], "year": "y1"})
    answers = family.draft(draft_id).answers
    assert (answers["colour"], answers["pets"], answers["year"]) == ("red", ["cat", "dog"], "y1")


def test_yes_no_is_a_pair_of_radios_whose_label_is_the_page_heading(family, everything):
    draft_id = family.draft_start()
    page = text(family.client.get(family.page(draft_id, "social")))
    assert '<h1 class="govuk-fieldset__heading">Social worker?</h1>' in page
    assert summary_errors(family.client.post(family.page(draft_id, "social"), {})) == [
        "Select yes or no: Social worker?"
    ]


# --- Files -------------------------------------------------------------------------------------


def test_a_file_with_a_virus_is_refused_on_the_page_and_never_kept(family, everything, clamd):
    from tests.casework.documents.hostile import EICAR

    draft_id = family.draft_start()
    page = family.page(draft_id, "report")
    infected = pdf_bytes() + b"%" + EICAR + b"\n"

    answer = family.client.post(page, {"report": upload("report.pdf", infected)})

    assert summary_errors(answer) == [
        "'report.pdf' has a virus in it, so we deleted it. Check your computer or phone with antivirus software, "
        "then choose a clean copy."
    ]
    assert "report" not in family.draft(draft_id).answers
    with tenant_context(family.council):
        (stored,) = FormFile.objects.all()
        assert stored.scan_status == "infected" and not stored.file


def test_a_file_is_checked_by_its_content_and_stored_under_the_councils_prefix(family, everything, media_root):
    draft_id = family.draft_start()
    page = family.page(draft_id, "report")
    program = family.client.post(page, {"report": upload("report.pdf", b"MZ\x90\x00" + b"\x00" * 64)})
    assert summary_errors(program) == ["'report.pdf' is not a PDF: it looks like a program, which we cannot accept."]
    image = family.client.post(page, {"report": upload("scan.png", PNG_BYTES, "image/png")})
    assert summary_errors(image) == ["'scan.png' is a PNG image: upload a PDF"]
    big = family.client.post(page, {"report": upload("big.pdf", pdf_bytes() + b"%" * (1024 * 1024))})
    assert summary_errors(big) == ["'big.pdf' is 1 MB; files must be 1 MB or smaller."]
    with tenant_context(family.council):
        assert not FormFile.objects.exists()

    answer = family.client.post(page, {"report": upload("Report 2026.pdf", pdf_bytes("Our report"))})
    assert answer.status_code == 302
    with tenant_context(family.council):
        stored = FormFile.objects.get()
    assert stored.file.name.startswith(f"{family.council.schema_name}/forms/draft-{draft_id}/")
    assert (media_root / stored.file.name).read_bytes() == pdf_bytes("Our report")
    assert family.draft(draft_id).answers["report"] == {
        "file_id": stored.pk, "name": "Report_2026.pdf", "size": stored.size, "content_type": "application/pdf"
    }  # fmt: skip
    again = text(family.client.get(page))
    assert "Current file: Report_2026.pdf (PDF," in again and "Remove the current file" in again


def test_replacing_or_removing_a_file_deletes_the_old_one(
    family, everything, media_root, django_capture_on_commit_callbacks
):
    draft_id = family.draft_start()
    page = family.page(draft_id, "report")
    family.client.post(page, {"report": upload("one.pdf", pdf_bytes("one"))})
    with tenant_context(family.council):
        first = FormFile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        family.client.post(page, {"report": upload("two.pdf", pdf_bytes("two"))})
    assert not (media_root / first.file.name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        family.client.post(page, {"report__remove": "on"})
    with tenant_context(family.council):
        assert not FormFile.objects.exists()
    assert "report" not in family.draft(draft_id).answers


def test_a_good_file_is_kept_when_something_else_on_the_page_is_wrong(family, everything):
    draft_id = family.draft_start()
    item = f"/send/forms/drafts/{draft_id}/pages/helpers/items/0/"
    answer = family.client.post(item, {"name": "", "letter": upload("letter.png", PNG_BYTES, "image/png")})
    assert summary_errors(answer) == ["Enter their name"]
    assert "Current file: letter.png (PNG," in text(answer)
    with tenant_context(family.council):
        kept = FormFile.objects.get()
    assert f'name="letter__kept" value="{kept.pk}"' in text(answer)
    family.client.post(item, {"name": "Dr Who", "letter__kept": str(kept.pk)})
    assert family.draft(draft_id).answers["helpers"][0]["letter"]["file_id"] == kept.pk


# --- Conditions ------------------------------------------------------------------------------------


def test_a_page_shown_only_when_an_earlier_answer_matches(family, everything):
    draft_id = family.draft_start()
    assert family.client.get(family.page(draft_id, "social_details"))["Location"] == f"/send/forms/drafts/{draft_id}/"
    answer = family.client.post(family.page(draft_id, "social"), {"social": "yes"})
    assert answer["Location"] == family.page(draft_id, "social_details")
    assert family.client.post(family.page(draft_id, "social_details"), {"worker": "Sam"}).status_code == 302

    answer = family.client.post(family.page(draft_id, "social"), {"social": "no"})
    assert answer["Location"] == f"/send/forms/drafts/{draft_id}/"  # the details page is skipped
    check = text(family.client.get(f"/send/forms/drafts/{draft_id}/check/"))
    assert "Social worker&#x27;s name" not in check and "Sam" not in check


def test_a_hidden_pages_answer_is_not_sent(family, everything, post):
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    family.client.post(family.page(draft_id, "social"), {"social": "yes"})
    family.client.post(family.page(draft_id, "social_details"), {"worker": "Sam Social"})
    family.client.post(family.page(draft_id, "social"), {"social": "no"})
    post(family.client, f"/send/forms/drafts/{draft_id}/declaration/", {"confirm": "on"})
    with tenant_context(family.council):
        submission = FormDraft.objects.get(pk=draft_id).submission
    assert "worker" not in submission.answers and submission.answers["social"] == "no"


# --- A repeating group ------------------------------------------------------------------------------


def test_add_another_with_a_minimum_and_a_maximum(family, everything):
    draft_id = family.draft_start()
    group = family.page(draft_id, "helpers")
    page = text(family.client.get(group))
    assert "You have not added any helpers" in page and "Add at least 1 helper to continue" in page
    assert summary_errors(family.client.post(group, {"action": "continue", "add_another": "no"})) == [
        "Add at least 1 helper"
    ]
    assert family.client.post(group, {"action": "add"})["Location"] == f"{group}items/0/"

    assert family.client.post(f"{group}items/0/", {"name": "Dr One"})["Location"] == group
    page = text(family.client.get(group))
    assert "You have added 1 helper" in page and "Do you need to add another helper?" in page
    assert summary_errors(family.client.post(group, {"action": "continue"})) == [
        "Select yes if you need to add another helper"
    ]
    assert family.client.post(group, {"add_another": "yes"})["Location"] == f"{group}items/1/"
    family.client.post(f"{group}items/1/", {"name": "Dr Two"})

    page = text(family.client.get(group))
    assert "You have added the most helpers you can (2)" in page and "add another" not in page
    assert summary_errors(family.client.post(group, {"action": "add"})) == ["You can add up to 2 helpers"]
    assert family.client.get(f"{group}items/2/")["Location"] == group
    assert family.client.post(f"{group}items/2/", {"name": "Dr Three"})["Location"] == group
    assert [i["name"] for i in family.draft(draft_id).answers["helpers"]] == ["Dr One", "Dr Two"]

    assert family.client.post(f"{group}items/0/", {"name": "Dr Uno"})["Location"] == group
    remove = text(family.client.get(f"{group}items/1/remove/"))
    assert "Are you sure you want to remove Dr Two?" in remove
    family.client.post(f"{group}items/1/remove/", {"remove": "yes"})
    assert family.draft(draft_id).answers["helpers"] == [{"name": "Dr Uno"}]
    assert family.client.post(group, {"add_another": "no"})["Location"] == f"/send/forms/drafts/{draft_id}/"
    assert "helpers" in family.draft(draft_id).pages_done


# --- Saving, checking ---------------------------------------------------------------------------------


def test_save_and_come_back_later_keeps_what_is_valid_without_completing_the_page(family, everything):
    draft_id = family.draft_start()
    answer = family.client.post(family.page(draft_id, "names"), {"full_name": "Ann", "action": "later"})
    assert answer["Location"] == f"/send/forms/drafts/{draft_id}/"
    draft = family.draft(draft_id)
    assert draft.answers == {"full_name": "Ann"} and draft.pages_done == []
    wrong = family.client.post(family.page(draft_id, "numbers"), {"email": "nope", "action": "later"})
    assert summary_errors(wrong) == ["Enter an email address in the correct format, like name@example.com"]
    listed = text(family.client.get("/send/forms/"))
    assert "Carry on with Everything" in listed and "0 of 3 sections completed" in listed


def test_a_page_fully_answered_is_done_whichever_button_saved_it(family, everything):
    """Issue 19, item 16: a section fully answered but left with "Save and come back
    later" showed "In progress"."""
    draft_id = family.draft_start()
    family.client.post(family.page(draft_id, "names"), {"full_name": "Ann", "story": "Hi", "action": "later"})
    assert family.draft(draft_id).pages_done == ["names"]
    family.client.post(family.page(draft_id, "names"), {"full_name": "Ann", "story": "", "action": "later"})
    assert family.draft(draft_id).pages_done == []  # an answer taken away: not done again


def test_check_your_answers_has_every_answer_and_change_links_that_come_back(family, everything):
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    check = text(family.client.get(f"/send/forms/drafts/{draft_id}/check/"))
    for shown in ("Ann Example", "27 March 2014", "85", "CA3 8QG", "Blue", "Cat", "Year 2", "No", "Dr Helper"):
        assert shown in check
    assert "Not answered" in check  # the optional nickname and report
    # Each added person with every answer about them, to check before sending (issue 19, item 16).
    assert "Helper 1" in check and "Their name: Dr Helper" in check and "Their letter: not answered" in check
    change = f"/send/forms/drafts/{draft_id}/pages/numbers/?return=check"
    assert f'href="{change}"' in check
    answer = family.client.post(change, {"attendance": "90", "email": "ann@example.org", "phone": "07700 900 982"})
    assert answer["Location"] == f"/send/forms/drafts/{draft_id}/check/"
    # A change that shows a new page asks it next, then comes back.
    answer = family.client.post(f"{family.page(draft_id, 'social')}?return=check", {"social": "yes"})
    assert answer["Location"] == f"{family.page(draft_id, 'social_details')}?return=check"


def test_the_declaration_is_not_offered_until_every_section_is_complete(family, everything):
    draft_id = family.draft_start()
    answer = family.client.get(f"/send/forms/drafts/{draft_id}/declaration/")
    assert answer["Location"] == f"/send/forms/drafts/{draft_id}/"
    assert "Now send your form" not in text(family.client.get(f"/send/forms/drafts/{draft_id}/check/"))


def test_deleting_a_draft_removes_it_and_its_files(family, everything, media_root, django_capture_on_commit_callbacks):
    draft_id = family.draft_start()
    family.client.post(family.page(draft_id, "report"), {"report": upload("one.pdf", pdf_bytes())})
    with tenant_context(family.council):
        stored = FormFile.objects.get().file.name
    assert summary_errors(family.client.post(f"/send/forms/drafts/{draft_id}/delete/", {})) == [
        "Select yes if you want to delete this draft"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        answer = family.client.post(f"/send/forms/drafts/{draft_id}/delete/", {"delete": "yes"})
    assert answer["Location"] == "/send/forms/"
    with tenant_context(family.council):
        assert not FormDraft.objects.exists() and not FormFile.objects.exists()
    assert not (media_root / stored).exists()


def test_a_form_the_council_stops_offering_cannot_be_started(family, everything):
    everything.variant.enabled = False
    everything.variant.save()
    assert family.client.get(f"/send/forms/children/{family.child.pk}/everything/start/").status_code == 404
    assert "Everything form" not in text(family.client.get("/send/forms/"))


def test_who_can_start_limits_a_form_to_the_young_person(family):
    definition = copy.deepcopy(KITCHEN_SINK) | {"who_can_start": ["young_person"]}
    publish(family.council, definition)
    assert family.client.get(f"/send/forms/children/{family.child.pk}/everything/start/").status_code == 404
    assert "Everything form" not in text(family.client.get("/send/forms/"))


def test_a_question_shown_only_when_an_earlier_answer_matches(family):
    definition = copy.deepcopy(KITCHEN_SINK)
    definition["sections"][0]["pages"][2]["questions"].append(
        {
            "id": "nickname_why",
            "type": "text",
            "label": "Why that nickname?",
            "show_if": {"question": "nickname", "answered": True},
        }
    )
    publish(family.council, definition)
    draft_id = family.draft_start()
    numbers = {"attendance": "85", "email": "a@example.org", "phone": "07700 900 982"}
    family.client.post(family.page(draft_id, "names"), {"full_name": "Ann", "story": "Hi"})
    assert "Why that nickname?" not in text(family.client.get(family.page(draft_id, "numbers")))
    assert family.client.post(family.page(draft_id, "numbers"), numbers).status_code == 302

    family.client.post(family.page(draft_id, "names"), {"full_name": "Ann", "nickname": "Nan", "story": "Hi"})
    assert "Why that nickname?" in text(family.client.get(family.page(draft_id, "numbers")))
    assert summary_errors(family.client.post(family.page(draft_id, "numbers"), numbers)) == [
        "Enter an answer: Why that nickname?"
    ]
    family.client.post(family.page(draft_id, "numbers"), numbers | {"nickname_why": "Gran chose it"})
    assert family.draft(draft_id).answers["nickname_why"] == "Gran chose it"


def test_one_action_has_one_name_on_every_page(family, everything):
    """Issue 19, item 14: "Come back later" and "Save and come back later" were the same action."""
    draft_id = family.draft_start()
    for page_id in ("names", "helpers"):
        page = text(family.client.get(family.page(draft_id, page_id)))
        assert 'value="later">Save and come back later</button>' in page, page_id
        assert ">Come back later<" not in page, page_id


def test_with_no_child_the_forms_page_offers_to_add_one(site):
    """Issue 19, item 16: `/send/forms/` with no child was a dead end."""
    account = make_account()
    page = text(signed_in_client(site.council, account).get("/send/forms/"))
    assert "You have not linked any children to your account yet" in page
    assert 'href="/send/children/add/"' in page and "Add a child" in page
