"""Advice through the council's form for that kind of advice (forms as data): the
platform ships educational, health, social care and setting advice forms; the organisation
fills the council's published one in with the same runner pages families use (saved as
they go, shared by colleagues), attaches its report as a file question, and sends it,
which keeps a submission (answers, files, PDF) on the case and records the advice
received on time or late. Families are never offered an advice form."""

from __future__ import annotations

import pytest
from django.utils import timezone

from casework import clock
from casework.models import AdviceRequest, Document
from casework.submissions.models import FormDraft, FormSubmission
from tenants.form_definitions import builtin_definition, builtin_slugs, definition_problems
from tenants.models import FormVariant
from tests.casework.documents.conftest import pdf_bytes, upload

from .conftest import emails_to

pytestmark = pytest.mark.django_db

ADVICE_FORMS = ["advice-educational", "advice-health", "advice-social-care", "advice-setting"]


@pytest.mark.parametrize("slug", ADVICE_FORMS)
def test_each_advice_form_ships_valid_and_names_its_kind_of_advice(slug):
    assert slug in builtin_slugs()
    definition = builtin_definition(slug)
    assert definition_problems(definition) == []
    assert definition["feeds"] == "advice" and definition["advice_kind"]


def test_a_form_that_feeds_advice_must_name_its_kind_and_no_other_form_may():
    advice = builtin_definition("advice-health")
    del advice["advice_kind"]
    family = builtin_definition("section-a") | {"advice_kind": "health"}
    assert [p.path for p in definition_problems(advice)] == ["$.advice_kind"]
    assert [p.path for p in definition_problems(family)] == ["$.advice_kind"]


def ask(world, post, organisation, kind="educational"):
    staff = world.client("worker")
    data = {"organisations": [str(organisation.pk)], "kind": kind, "cover": "Learning", "family_consent": "on"}
    post(staff, f"/staff/cases/{world.case.pk}/advice/ask/", data)


def answer_every_page(client, post, advice_id: int) -> None:
    """Fill in the educational advice form, page by page, as a professional would."""
    base = f"/professionals/advice/{advice_id}/form/pages"
    post(
        client,
        f"{base}/involvement/",
        {
            "author_role": "Sam Patel, SENCO",
            "involvement": "Taught in class since September",
            "spoke_to_child": "yes",
            "child_views": "Likes maths",
        },
    )
    post(client, f"{base}/needs/", {"needs": "Needs visual supports"})
    post(client, f"{base}/strengths/", {"strengths": "Kind and curious"})
    post(client, f"{base}/outcomes/", {"outcomes": "Reads at age level by July"})
    post(client, f"{base}/provision/", {"provision": "20 minutes of 1:1 reading, 4 times a week, by a TA"})
    post(client, f"{base}/attainment/", {"attainment": "Working towards the expected standard"})
    post(client, f"{base}/report/", {"report": upload("report.pdf", pdf_bytes("Report"))})


def test_a_school_fills_in_the_councils_educational_advice_form_and_sends_it_on_time(world, post, in_council, clamd):
    ask(world, post, world.school)
    with in_council(world.council):
        advice = AdviceRequest.objects.get(organisation=world.school)
    kim = world.client("kim")
    page = kim.get(f"/professionals/advice/{advice.pk}/").content.decode()
    assert "Fill in the advice form" in page and "Educational advice for an EHC needs assessment" in page

    started = post(kim, f"/professionals/advice/{advice.pk}/form/", {})
    assert started["Location"] == f"/professionals/advice/{advice.pk}/form/tasks/"
    tasks = kim.get(started["Location"]).content.decode()
    assert "About your involvement" in tasks and "Not yet started" in tasks
    early = kim.get(f"/professionals/advice/{advice.pk}/form/send/")
    assert early["Location"] == f"/professionals/advice/{advice.pk}/form/tasks/"  # not every section done
    answer_every_page(kim, post, advice.pk)
    # A colleague carries on with the same form: it is the organisation's.
    sam_tasks = world.client("sam").get(f"/professionals/advice/{advice.pk}/form/tasks/").content.decode()
    assert "You have completed every section" in sam_tasks
    check = kim.get(f"/professionals/advice/{advice.pk}/form/check/").content.decode()
    assert "20 minutes of 1:1 reading" in check
    refused = post(kim, f"/professionals/advice/{advice.pk}/form/send/", {})
    assert "Confirm the declaration to send the form" in refused.content.decode()
    sent = post(kim, f"/professionals/advice/{advice.pk}/form/send/", {"confirm": "on"})

    assert sent["Location"] == f"/professionals/advice/{advice.pk}/"
    with in_council(world.council):
        advice = AdviceRequest.objects.get(pk=advice.pk)
        submission = FormSubmission.objects.get(draft__advice_request=advice)
    assert (advice.status, advice.received_on) == ("received", timezone.localdate())
    assert (submission.case_id, submission.feeds, submission.speaking_as) == (world.case.pk, "advice", "")
    assert submission.answers["provision"].startswith("20 minutes") and submission.files.count() == 1
    assert submission.pdf and submission.pdf_sha256
    told = [e for e in emails_to(world.council, in_council, world.school.contact_email)]
    assert told  # the request's email, earlier
    staff_case = world.client("worker").get(f"/staff/cases/{world.case.pk}/").content.decode()
    assert f'href="/staff/submissions/{submission.pk}/">Advice form {submission.reference}' in staff_case
    with in_council(world.council):
        documents = list(Document.objects.filter(advice_request=advice).order_by("pk"))
    assert [d.title for d in documents] == [
        f"Educational advice from Greenfield Primary School ({submission.reference})",
        "Greenfield Primary School: report.pdf",
    ]
    assert all(d.kind == "advice" and d.shared_with_family_at is None for d in documents)  # the team shares them
    staff_page = world.client("worker").get(f"/staff/submissions/{submission.pk}/")
    assert staff_page.status_code == 200 and "20 minutes of 1:1 reading" in staff_page.content.decode()
    assert "A professional the SEND team asked for advice" in staff_page.content.decode()
    done = kim.get(f"/professionals/advice/{advice.pk}/").content.decode()
    assert "on time" in done and clock.long_date(timezone.localdate()) in done


def test_families_are_never_offered_an_advice_form(site, staff_client, in_council):
    family = staff_client(site.council, None)
    with in_council(site.council):
        slugs = list(
            FormVariant.objects.filter(council=site.council, based_on__startswith="advice-").values_list(
                "slug", flat=True
            )
        )
    assert len(slugs) == 4
    forms = family.get("/send/forms/").content.decode()
    for slug in slugs:
        assert slug not in forms


def test_without_a_form_for_that_kind_the_organisation_writes_its_advice_instead(world, post, in_council):
    ask(world, post, world.service, kind="other")
    with in_council(world.council):
        advice = AdviceRequest.objects.get(organisation=world.service)
    pat = world.client("pat")

    page = pat.get(f"/professionals/advice/{advice.pk}/").content.decode()
    refused = post(pat, f"/professionals/advice/{advice.pk}/form/", {})

    assert "Fill in the advice form" not in page and "Send your advice" in page
    assert refused["Location"] == f"/professionals/advice/{advice.pk}/"
    with in_council(world.council):
        assert not FormDraft.objects.filter(advice_request=advice).exists()


def test_psychological_advice_uses_the_educational_form(world, post, in_council):
    ask(world, post, world.service, kind="psychological")
    with in_council(world.council):
        advice = AdviceRequest.objects.get(organisation=world.service)
    post(world.client("pat"), f"/professionals/advice/{advice.pk}/form/", {})
    with in_council(world.council):
        draft = FormDraft.objects.select_related("variant").get(advice_request=advice)
    assert draft.variant.based_on == "advice-educational" and draft.child_id == world.case.child_id


def test_where_the_council_says_so_the_family_sees_an_advice_form_as_soon_as_it_arrives(
    world, post, in_council, make_access, clamd
):
    from tenants.models import Council
    from tests.casework.conftest import signed_in_client
    from tests.factories import configuration_change

    configuration_change(Council.objects.filter(pk=world.council.pk), advice_shared_at_once=True)
    ask(world, post, world.school)
    with in_council(world.council):
        advice = AdviceRequest.objects.get(organisation=world.school)
        access = make_access(child=world.case.child)
    kim = world.client("kim")
    post(kim, f"/professionals/advice/{advice.pk}/form/", {})
    answer_every_page(kim, post, advice.pk)
    post(kim, f"/professionals/advice/{advice.pk}/form/send/", {"confirm": "on"})

    documents = signed_in_client(world.council, access.account).get(f"/send/cases/{world.case.pk}/documents/")

    page = documents.content.decode()
    assert "Educational advice from Greenfield Primary School (FS-" in page
    assert "Greenfield Primary School: report.pdf" in page
