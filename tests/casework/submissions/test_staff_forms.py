"""Council admins' form screens (council settings → Forms) and the SEND team's submission
page, over HTTP on each council: a new form from a built-in, the draft's JSON edited in
the box or uploaded (refused with each problem's path, what was typed kept), the live
check endpoint, a preview that is the family's pages and saves nothing, publishing
(frozen after), and who may open each page."""

from __future__ import annotations

import copy
import html
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.models import AuditEvent, StaffRole
from casework.services.forms import PROFESSIONAL_BUILTINS, form_version_update
from casework.submissions.models import FormDraft, FormSubmission
from tenants.models import FormVariant, FormVersion, FrozenVersion

from .conftest import KITCHEN_SINK, complete_everything, pdf_bytes, publish, upload

pytestmark = pytest.mark.django_db

ADMIN = StaffRole.COUNCIL_ADMIN


def text(answer) -> str:
    return html.unescape(answer.content.decode())


@pytest.fixture
def admin(site, staff_client):
    client = staff_client(site.council, ADMIN)
    client.council = site.council
    return client


def own_form(council) -> FormVariant:
    return FormVariant.objects.exclude(based_on__in=PROFESSIONAL_BUILTINS).get(council=council)  # its family form


def new_form(admin, title="Section A (early years)", builtin="section-a") -> FormVersion:
    answer = admin.post("/staff/settings/forms/new/", {"builtin": builtin, "title": title})
    assert answer.status_code == 302, text(answer)[:3000]
    variant = FormVariant.objects.get(council=admin.council, title=title)
    assert answer["Location"] == f"/staff/settings/forms/{variant.pk}/"
    return variant.versions.get()


def edit_url(version: FormVersion, what: str = "edit/") -> str:
    return f"/staff/settings/forms/{version.variant_id}/versions/{version.pk}/{what}"


def test_the_hub_links_to_forms_and_the_list_shows_the_councils_form(admin):
    assert 'href="/staff/settings/forms/"' in text(admin.get("/staff/settings/"))
    page = text(admin.get("/staff/settings/forms/"))
    variant = own_form(admin.council)
    assert variant.title in page and "Version 1," in page and "Offered" in page


def test_a_new_form_starts_as_a_draft_copy_of_a_built_in(admin, site, in_council):
    assert "Enter a name for the form" in text(admin.post("/staff/settings/forms/new/", {"builtin": "appendix-a"}))
    version = new_form(admin, builtin="appendix-a")
    assert not version.is_published and version.number == 1 and version.copied_from == "Built-in Appendix A"
    assert version.variant.slug == "section-a-early-years" and version.variant.based_on == "appendix-a"
    with in_council(site.council):
        event = AuditEvent.objects.get(subject="form_variant")
    assert event.summary == "Form 'Section A (early years)': created from a built-in, version 1 is a draft"
    assert event.actor_id == admin.account.pk and event.actor_role == ADMIN


def test_a_valid_definition_typed_in_the_box_is_saved(admin):
    version = new_form(admin)
    changed = copy.deepcopy(version.definition)
    changed["title"] = "All about me (our own Section A)"
    answer = admin.post(edit_url(version), {"definition": json.dumps(changed)})
    assert answer["Location"] == f"/staff/settings/forms/{version.variant_id}/"
    version.refresh_from_db()
    assert version.definition["title"] == "All about me (our own Section A)"


def test_a_bad_definition_is_refused_with_each_problems_path_and_what_was_typed_is_kept(admin):
    version = new_form(admin)
    broken = copy.deepcopy(version.definition)
    broken["sections"][1]["pages"][1]["id"] = "like_and_admire"
    broken["sections"][0]["pages"][1]["show_if"]["question"] = "nobody"
    typed = json.dumps(broken, indent=1)
    answer = admin.post(edit_url(version), {"definition": typed})
    page = text(answer)
    assert answer.status_code == 200 and "There is a problem" in page
    assert "$.sections[0].pages[1].show_if.question: no question has the id 'nobody'" in page
    assert (
        "$.sections[1].pages[1].id: the page id 'like_and_admire' is used twice (also at $.sections[1].pages[0].id)"
    ) in page
    assert typed in page  # unescaped: what was typed is kept, character for character
    version.refresh_from_db()
    assert version.definition == FormVersion.objects.get(pk=version.pk).definition
    assert version.definition["sections"][1]["pages"][1]["id"] == "important_to_me"

    essay = copy.deepcopy(version.definition)
    essay["sections"][1]["pages"][0]["questions"][0]["type"] = "essay"
    refused = text(admin.post(edit_url(version), {"definition": json.dumps(essay)}))
    assert "$.sections[1].pages[0].questions[0].type: 'essay' is not a question type" in refused

    not_json = text(admin.post(edit_url(version), {"definition": '{"title": '}))
    assert "$: This is not valid JSON: Expecting value (line 1, column 11)." in not_json


def test_a_definition_file_can_be_uploaded(admin):
    version = new_form(admin)
    definition = copy.deepcopy(KITCHEN_SINK)
    file = SimpleUploadedFile("everything.json", json.dumps(definition).encode(), content_type="application/json")
    answer = admin.post(edit_url(version), {"definition": "", "upload": file})
    assert answer.status_code == 302
    version.refresh_from_db()
    assert version.definition == definition


def test_the_live_check_answers_in_json_and_saves_nothing(admin):
    version = new_form(admin)
    url = edit_url(version, "check/")
    good = admin.post(url, data=json.dumps(KITCHEN_SINK), content_type="application/json").json()
    assert good == {"valid": True, "problems": []}
    bad = admin.post(url, data='{"title": "x"}', content_type="application/json").json()
    assert bad["valid"] is False
    assert {"path": "$", "message": "'feeds' is a required property"} in bad["problems"]
    assert admin.get(url).status_code == 405
    version.refresh_from_db()
    assert version.definition["title"] != "x"
    assert 'data-definition-check="' + url + '"' in text(admin.get(edit_url(version)))
    assert "portal/forms-editor.js" in text(admin.get(edit_url(version)))


def test_the_preview_is_the_familys_pages_and_saves_nothing(admin, site, in_council):
    version = new_form(admin)
    version.definition = copy.deepcopy(KITCHEN_SINK)
    version.save()
    preview = edit_url(version, "preview/")
    tasks = text(admin.get(preview))
    assert "This is a preview of Section A (early years), version 1 (draft)" in tasks and "Everything form" in tasks
    assert tasks.count("Not yet started") == 3
    # The task list agrees with the banner (issue 19, item 16): nothing is saved in a preview.
    assert "This is a preview: nothing you type is saved" in tasks and "saved as you go" not in tasks

    wrong = text(admin.post(f"{preview}pages/names/", {"full_name": ""}))
    assert "Enter full name" in wrong
    answer = admin.post(f"{preview}pages/names/", {"full_name": "Preview Person", "story": "x"})
    assert answer["Location"] == f"{preview}pages/when/"
    assert admin.post(f"{preview}pages/helpers/items/0/", {"name": "Dr Preview"})["Location"] == (
        f"{preview}pages/helpers/"
    )
    report = admin.post(f"{preview}pages/report/", {"report": upload("r.pdf", pdf_bytes())})
    assert report.status_code == 302
    assert "In progress" in text(admin.get(preview))
    assert "Dr Preview" in text(admin.get(f"{preview}pages/helpers/"))

    confirmation = text(admin.post(f"{preview}declaration/", {"confirm": "on"}))
    assert "This is a preview: nothing has been sent" in confirmation
    with in_council(site.council):
        assert not FormDraft.objects.exists() and not FormSubmission.objects.exists()

    assert admin.get(f"{preview}restart/")["Location"] == preview
    assert "In progress" not in text(admin.get(preview))


def test_publishing_freezes_the_version(admin, site, in_council):
    version = new_form(admin)
    assert "Once published, this version cannot be changed" in text(admin.get(edit_url(version, "publish/")))
    answer = admin.post(edit_url(version, "publish/"))
    assert answer["Location"] == f"/staff/settings/forms/{version.variant_id}/"
    version.refresh_from_db()
    assert version.is_published and version.published_by_id == admin.account.pk

    assert admin.get(edit_url(version)).status_code == 404
    assert admin.post(edit_url(version), {"definition": json.dumps(KITCHEN_SINK)}).status_code == 404
    assert admin.post(edit_url(version, "delete/")).status_code == 404
    version.definition = KITCHEN_SINK
    with pytest.raises(FrozenVersion):
        version.save()
    with pytest.raises(FrozenVersion):
        version.delete()
    with pytest.raises(Exception, match="published"):
        form_version_update(
            version=FormVersion.objects.get(pk=version.pk), definition=KITCHEN_SINK, by=None, actor_role=ADMIN
        )
    with in_council(site.council):
        assert AuditEvent.objects.filter(summary="Form 'Section A (early years)': version 1 published").exists()


def test_a_new_draft_version_copies_a_version_and_there_is_one_draft_at_a_time(admin):
    variant = own_form(admin.council)
    v1 = variant.versions.get()
    page = f"/staff/settings/forms/{variant.pk}/"
    answer = admin.post(page, {"source": str(v1.pk)})
    v2 = variant.versions.get(number=2)
    assert answer["Location"] == edit_url(v2, "build/")  # into the form editor (issue 19, item 17)
    assert v2.definition == v1.definition and v2.copied_from == "Version 1" and not v2.is_published
    assert "Make a new draft version" not in text(admin.get(page))
    again = text(admin.post(page, {"source": "builtin:appendix-a"}))
    assert "Version 2 is already a draft" in again
    admin.post(edit_url(v2, "delete/"))
    assert not variant.versions.filter(number=2).exists()
    admin.post(page, {"source": "builtin:appendix-a"})
    # A deleted draft was never published, so nothing points at its number: it is used again.
    assert variant.versions.get(number=2).copied_from == "Built-in Appendix A"


def test_a_form_can_stop_being_offered_to_families(admin):
    variant = own_form(admin.council)
    admin.post(f"/staff/settings/forms/{variant.pk}/offer/", {"enabled": "no"})
    variant.refresh_from_db()
    assert not variant.enabled
    admin.post(f"/staff/settings/forms/{variant.pk}/offer/", {"enabled": "yes"})
    variant.refresh_from_db()
    assert variant.enabled


def test_a_form_never_published_nor_started_can_be_deleted_and_others_cannot(admin, site, in_council):
    """Issue 19, item 15: preview shells piled up in the forms list."""
    shell = new_form(admin, title="Trying things out")
    page = f"/staff/settings/forms/{shell.variant_id}/"
    assert f'href="{page}delete/"' in admin.get(page).content.decode()
    answer = admin.post(f"{page}delete/")
    assert answer["Location"] == "/staff/settings/forms/"
    assert not FormVariant.objects.filter(pk=shell.variant_id).exists()
    listed = text(admin.get("/staff/settings/forms/"))
    assert "Form 'Trying things out' deleted" in listed and listed.count("Trying things out") == 1
    with in_council(site.council):
        assert AuditEvent.objects.filter(
            summary="Form 'Trying things out': deleted before it was ever published"
        ).exists()

    published = own_form(admin.council)  # the council's own, published: kept for ever
    page = f"/staff/settings/forms/{published.pk}/"
    assert f'href="{page}delete/"' not in admin.get(page).content.decode()
    refused = admin.post(f"{page}delete/")
    assert refused.status_code == 400
    assert "A form with a published version is kept" in text(refused)
    assert FormVariant.objects.filter(pk=published.pk).exists()


# --- Who may open what ------------------------------------------------------------------------

ADMIN_ONLY = {"caseworker": 403, "team manager": 403, "council admin": 200}
CASEWORK = {"caseworker": 200, "team manager": 200, "council admin": 200}
ROLES = {"caseworker": StaffRole.CASEWORKER, "team manager": StaffRole.TEAM_MANAGER, "council admin": ADMIN}
URLS = [
    ("staff:settings-forms", (), False, ADMIN_ONLY),
    ("staff:settings-form-new", (), False, ADMIN_ONLY),
    ("staff:settings-form", ("variant",), True, ADMIN_ONLY),
    ("staff:settings-form-delete", ("variant",), True, ADMIN_ONLY),
    ("staff:settings-form-version", ("variant", "version"), True, ADMIN_ONLY),
    ("staff:settings-form-version-edit", ("variant", "draft"), True, ADMIN_ONLY),
    ("staff:settings-form-version-publish", ("variant", "draft"), True, ADMIN_ONLY),
    ("staff:settings-form-version-json", ("variant", "version"), True, ADMIN_ONLY),
    ("staff:settings-form-build", ("variant", "draft"), True, ADMIN_ONLY),
    ("staff:settings-form-build-settings", ("variant", "draft"), True, ADMIN_ONLY),
    ("staff:settings-form-build-section", ("variant", "draft", "section"), True, ADMIN_ONLY),
    ("staff:settings-form-build-page", ("variant", "draft", "page"), True, ADMIN_ONLY),
    ("staff:settings-form-build-question", ("variant", "draft", "question"), True, ADMIN_ONLY),
    ("staff:settings-form-build-question-new", ("variant", "draft"), True, ADMIN_ONLY),
    ("staff:settings-form-build-remove", ("variant", "draft", "kind", "question"), True, ADMIN_ONLY),
    ("staff:settings-form-preview", ("variant", "version"), True, ADMIN_ONLY),
    ("staff:settings-form-preview-page", ("variant", "version", "page"), True, ADMIN_ONLY),
    ("staff:submission", ("submission",), True, CASEWORK),
    ("staff:submission-pdf", ("submission",), True, CASEWORK),
]
WHO = [
    "anonymous",
    "family",
    *ROLES,
    "other council's staff on their own host",
    "other council's admin asking for this council's ids",
]


@pytest.fixture
def objects(cumbria, somerset, in_council):
    """On Cumbria: its form with a draft version, and a child's submission on a case."""
    from django.utils import timezone

    from casework.models import Child
    from casework.services.cases import case_open
    from tests.casework.conftest import make_account

    version = publish(cumbria, KITCHEN_SINK)
    draft = FormVersion.objects.create(variant=version.variant, number=2, definition=KITCHEN_SINK)
    parent = make_account()
    with in_council(cumbria):
        child = Child.objects.create(
            legal_first_name="Ada",
            legal_last_name="Matrix",
            date_of_birth=timezone.localdate().replace(year=2015),
            council_reference="MATRIX1",
        )
        case = case_open(
            child=child, kind="assessment", started_on=timezone.localdate(), actor=parent, actor_role="family"
        )
        form_draft = FormDraft.objects.create(
            child=child, variant=version.variant, version=version, account=parent, submitted_at=timezone.now()
        )
        submission = FormSubmission.objects.create(
            reference="FS-2026-09999",
            draft=form_draft,
            child=child,
            case=case,
            variant=version.variant,
            version=version,
            feeds="new_request",
            answers={"full_name": "Ada"},
            submitted_by=parent,
            speaking_as="parent",
            submitted_at=timezone.now(),
            pdf="cumbria/forms/submissions/FS-2026-09999.pdf",
        )
    return {
        "variant": version.variant_id,
        "version": version.pk,
        "draft": draft.pk,
        "page": "names",
        "section": "basics",
        "question": "full_name",
        "kind": "question",
        "submission": submission.pk,
    }


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("name", "args", "about_one", "allowed"), URLS, ids=[u[0] for u in URLS])
def test_forms_screens_permission_matrix(
    who, name, args, about_one, allowed, objects, cumbria, somerset, staff_client, cumbria_client, media_root
):
    from django.core.files.storage import default_storage

    default_storage.save("cumbria/forms/submissions/FS-2026-09999.pdf", ContentFile(pdf_bytes()))
    path = reverse(name, urlconf="config.urls_council", args=[objects[a] for a in args])
    council, other, domain = cumbria, somerset, "cumbria.localhost"
    if who == "anonymous":
        answer = cumbria_client.get(path)
        expected = "sign-in"
    elif who == "family":
        answer = staff_client(council, None).get(path)
        expected = 403
    elif who in ROLES:
        answer = staff_client(council, ROLES[who]).get(path)
        expected = allowed[who]
    elif who == "other council's staff on their own host":
        answer = staff_client(other, ADMIN).get(path, HTTP_HOST=domain)
        expected = "sign-in"
    else:
        answer = staff_client(other, ADMIN).get(path)
        expected = 404 if about_one else 200
    if expected == "sign-in":
        assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/?next=")
    else:
        assert answer.status_code == expected, text(answer)[:500]


def test_writes_by_staff_without_the_role_change_nothing(objects, cumbria, staff_client):
    caseworker = staff_client(cumbria, StaffRole.CASEWORKER)
    draft = FormVersion.objects.get(pk=objects["draft"])
    base = f"/staff/settings/forms/{objects['variant']}/"
    assert caseworker.post(f"{base}versions/{draft.pk}/publish/").status_code == 403
    assert caseworker.post(f"{base}delete/").status_code == 403
    assert FormVariant.objects.filter(pk=objects["variant"]).exists()
    assert caseworker.post(f"{base}versions/{draft.pk}/edit/", {"definition": "{}"}).status_code == 403
    assert (
        caseworker.post(f"{base}versions/{draft.pk}/check/", "{}", content_type="application/json").status_code == 403
    )
    assert caseworker.post("/staff/settings/forms/new/", {"builtin": "section-a", "title": "X"}).status_code == 403
    assert caseworker.post(f"{base}offer/", {"enabled": "no"}).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published and draft.definition == KITCHEN_SINK
    assert FormVariant.objects.filter(council=cumbria).exclude(based_on__in=PROFESSIONAL_BUILTINS).count() == 2


# --- The SEND team's view of a submission --------------------------------------------------------


def test_the_case_page_lists_the_submissions_and_the_submission_page_shows_answers_files_and_pdf(
    family, everything, post, staff_client, in_council
):
    draft_id = family.draft_start()
    complete_everything(family, draft_id, helper="Dr Pemberton")
    family.client.post(family.page(draft_id, "report"), {"report": upload("ep-report.pdf", pdf_bytes("EP"))})
    post(family.client, f"/send/forms/drafts/{draft_id}/declaration/", {"confirm": "on"})
    with in_council(family.council):
        submission = FormSubmission.objects.select_related("case").get()
    caseworker = staff_client(family.council, StaffRole.CASEWORKER)

    case_page = text(caseworker.get(f"/staff/cases/{submission.case_id}/"))
    assert "Forms sent" in case_page
    assert f'href="/staff/submissions/{submission.pk}/"' in case_page and "A parent, on the child's behalf" in case_page

    page = text(caseworker.get(f"/staff/submissions/{submission.pk}/"))
    for shown in (
        "Everything form, version 1",
        "Ann Example",
        "27 March 2014",
        "Dr Pemberton",
        "Helper 1",
        "A parent, on the child's behalf",
        "ep-report.pdf (PDF,",
    ):
        assert shown in page, shown
    with in_council(family.council):
        (report,) = submission.files.all()
    assert f'href="/staff/submissions/{submission.pk}/files/{report.pk}/"' in page

    download = caseworker.get(f"/staff/submissions/{submission.pk}/files/{report.pk}/")
    assert b"".join(download.streaming_content) == pdf_bytes("EP")
    pdf = caseworker.get(f"/staff/submissions/{submission.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    with in_council(family.council):
        events = list(
            AuditEvent.objects.filter(actor=caseworker.account, case=submission.case).values_list("action", "subject")
        )
    assert ("viewed", "form_submission") in events
    assert ("downloaded", "form_file") in events and ("downloaded", "form_submission") in events


def test_the_case_page_reads_submissions_in_a_fixed_number_of_queries(
    family, everything, staff_client, in_council, real_queries
):
    from casework.services import cases

    caseworker = staff_client(family.council, StaffRole.CASEWORKER)
    with in_council(family.council):
        case = cases.case_open(
            child=family.child,
            kind="assessment",
            started_on=family.child.created_at.date(),
            actor=caseworker.account,
            actor_role="caseworker",
        )

    def add(n: int) -> None:
        from django.utils import timezone

        with in_council(family.council):
            for _ in range(n):
                draft = FormDraft.objects.create(
                    child=family.child,
                    variant=everything.variant,
                    version=everything,
                    account=family.account,
                    submitted_at=timezone.now(),
                )
                FormSubmission.objects.create(
                    reference=f"FS-T-{draft.pk}",
                    draft=draft,
                    child=family.child,
                    case=case,
                    variant=everything.variant,
                    version=everything,
                    feeds="new_request",
                    answers={},
                    submitted_by=family.account,
                    speaking_as="parent",
                    submitted_at=timezone.now(),
                )

    def count() -> int:
        with real_queries() as queries:
            assert caseworker.get(f"/staff/cases/{case.pk}/").status_code == 200
        return queries.count

    add(2)
    count()  # the first view of a case does a little more, once (its read markers)
    few = count()
    add(10)
    assert count() == few
