"""Council settings: each section validated by the model's own rules, every change
audited (which fields, never their values), and shown on the council's site at once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.test import Client

from casework.demo import CUMBRIA, SOMERSET
from casework.models import AuditEvent, CaseKind, Child, StaffRole
from casework.selectors.settings import stage_explanations, stage_steps
from tenants.models import LOGO_MAX_BYTES, Council, CouncilLink, ServiceArea, SignInPolicy, Tile
from tenants.storage import StorageRefused

from .conftest import emails_to, signed_in_client

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DOMAINS = {CUMBRIA.slug: CUMBRIA.domain, SOMERSET.slug: SOMERSET.domain}


@pytest.fixture
def admin(staff_client, request):
    """A council admin's client on the council named by the test's `council` (default Cumbria)."""
    council = request.getfixturevalue(getattr(request, "param", "cumbria"))
    client = staff_client(council, StaffRole.COUNCIL_ADMIN)
    client.council = council
    return client


def home(council) -> str:
    """The council's home page as anyone sees it."""
    return Client(HTTP_HOST=DOMAINS[council.slug]).get("/").content.decode()


def settings_events(council, in_council) -> list[AuditEvent]:
    with in_council(council):
        return list(AuditEvent.objects.filter(subject="council_settings").order_by("id"))


def test_the_hub_shows_each_section_with_what_is_set_now(site, staff_client):
    client = staff_client(site.council, StaffRole.COUNCIL_ADMIN)
    html = client.get("/staff/settings/").content.decode()
    for area in ServiceArea.objects.filter(council=site.council):
        assert area.name.replace("&", "&amp;") in html
    assert site.council.sender_email in html
    assert site.council.primary_colour in html
    assert "SEND tile: on" in html
    for section in ("service-areas", "emails", "contacts", "logo", "colour", "help-links", "sign-in", "tiles"):
        assert f'href="/staff/settings/{section}/"' in html
    assert 'href="/staff/settings/stages/"' in html and 'href="/staff/settings/feedback/"' in html


# --- Service areas ------------------------------------------------------------------------


def test_a_new_service_area_is_in_the_footer_at_once_and_audited(site, staff_client, in_council):
    client = staff_client(site.council, StaffRole.COUNCIL_ADMIN)

    added = client.post(
        "/staff/settings/service-areas/add/",
        {"name": "Northern Hub", "contact_email": "North.Hub@Example.gov.uk", "order": 9},
    )

    assert added.status_code == 302 and added["Location"] == "/staff/settings/service-areas/"
    assert "Northern Hub: <a" in home(site.council)
    assert "north.hub@example.gov.uk" in home(site.council)
    assert "Northern Hub" not in home(site.other)
    (event,) = settings_events(site.council, in_council)
    assert event.summary == "Service area: added"
    assert event.actor_id == client.account.pk and event.actor_role == StaffRole.COUNCIL_ADMIN
    assert event.action == AuditEvent.Action.CHANGED and event.subject_id == site.council.pk


def test_a_service_area_name_and_email_are_checked(cumbria, admin):
    answer = admin.post(
        "/staff/settings/service-areas/add/", {"name": "carlisle & eden", "contact_email": "not-an-email", "order": 1}
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and "There is a problem" in html
    assert "Enter an email address in the correct format" in html

    duplicate = admin.post(
        "/staff/settings/service-areas/add/", {"name": "carlisle & eden", "contact_email": "a@example.org", "order": 1}
    )
    assert "There is already a service area called carlisle &amp; eden" in duplicate.content.decode()
    assert ServiceArea.objects.filter(council=cumbria).count() == 3


def test_changing_and_removing_a_service_area(cumbria, admin, in_council):
    area = ServiceArea.objects.get(council=cumbria, name="Carlisle & Eden")
    with in_council(cumbria):
        child = Child.objects.create(
            legal_first_name="Alex",
            legal_last_name="Smith",
            date_of_birth="2015-03-27",
            council_reference="C-AREA-1",
            service_area=area,
        )

    admin.post(f"/staff/settings/service-areas/{area.pk}/", {"name": area.name, "contact_email": "new@x.gov.uk"})
    assert "new@x.gov.uk" in home(cumbria)
    confirm = admin.get(f"/staff/settings/service-areas/{area.pk}/remove/")
    assert "Remove Carlisle &amp; Eden?" in confirm.content.decode()
    removed = admin.post(f"/staff/settings/service-areas/{area.pk}/remove/")

    assert removed.status_code == 302
    assert "Carlisle &amp; Eden" not in home(cumbria)
    with in_council(cumbria):
        child.refresh_from_db()
    assert child.service_area is None
    summaries = [e.summary for e in settings_events(cumbria, in_council)]
    assert summaries == [f"Service area {area.pk}: changed contact email", f"Service area {area.pk}: removed"]


def test_another_councils_rows_are_not_found_here(cumbria, somerset, admin):
    theirs = [
        ("service-areas", ServiceArea.objects.filter(council=somerset).first()),
        ("help-links", CouncilLink.objects.filter(council=somerset).first()),
        ("tiles", Tile.objects.filter(council=somerset, kind=Tile.Kind.LINK).first()),
    ]
    for folder, row in theirs:
        assert admin.get(f"/staff/settings/{folder}/{row.pk}/").status_code == 404
        assert admin.post(f"/staff/settings/{folder}/{row.pk}/", {"name": "Taken", "title": "Taken"}).status_code == 404
        assert admin.post(f"/staff/settings/{folder}/{row.pk}/remove/").status_code == 404
        assert type(row).objects.filter(pk=row.pk, council=somerset).exists()
    assert "SEND Assessment Hub" in home(somerset)


# --- The council's own row: contacts, sender, colour, feedback ---------------------------


def test_contact_details_are_checked_and_show_in_the_footer_at_once(cumbria, admin, in_council):
    bad = admin.post("/staff/settings/contacts/", {"contact_email": "send at cumbria", "contact_phone": "01228 606060"})
    assert bad.status_code == 200
    assert "Enter an email address in the correct format, like send@example.gov.uk" in bad.content.decode()
    assert "01228 606060" not in home(cumbria)

    saved = admin.post(
        "/staff/settings/contacts/",
        {"contact_email": "send@cumbria.example", "contact_phone": "01228 606060", "contact_address": "Cumbria House"},
    )

    assert saved.status_code == 302 and saved["Location"] == "/staff/settings/"
    page = home(cumbria)
    assert "Telephone: 01228 606060" in page and "send@cumbria.example" in page and "Cumbria House" in page
    (event,) = settings_events(cumbria, in_council)
    assert event.summary == "Contact details: changed contact email, contact phone, contact address"
    assert "01228" not in event.summary  # which fields, never their values


def test_saving_without_a_change_records_nothing(cumbria, admin, in_council):
    answer = admin.post(
        "/staff/settings/feedback/", {"feedback_questionnaire_url": cumbria.feedback_questionnaire_url}, follow=True
    )
    assert "Nothing was changed" in answer.content.decode()
    assert settings_events(cumbria, in_council) == []


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("#ffff00", "White text on #ffff00 has a contrast of 1.1:1; choose a darker colour (at least 4.5:1)."),
        ("#1d70b", "Enter a colour as # followed by six hexadecimal digits, for example #1d70b8."),
        ("blue", "Enter a colour as # followed by six hexadecimal digits, for example #1d70b8."),
    ],
)
def test_the_colour_must_be_dark_enough_for_white_text(cumbria, admin, colour, message):
    answer = admin.post("/staff/settings/colour/", {"primary_colour": colour})
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert Council.objects.get(pk=cumbria.pk).primary_colour == CUMBRIA.primary_colour


def test_a_new_colour_is_used_on_the_next_page(cumbria, admin, in_council):
    assert 'content="#005b4f"' in home(cumbria)  # cached for this host now

    admin.post("/staff/settings/colour/", {"primary_colour": "#003078"})

    page = home(cumbria)
    assert '<meta name="theme-color" content="#003078">' in page
    assert "/branding.css?v=003078" in page
    assert Client(HTTP_HOST=CUMBRIA.domain).get("/branding.css").content == b":root { --council-colour: #003078; }\n"
    assert [e.summary for e in settings_events(cumbria, in_council)] == ["Main colour: changed primary colour"]


def test_the_sender_is_required_and_a_new_one_sends_the_next_email(cumbria, admin, in_council, post):
    empty = admin.post("/staff/settings/emails/", {"sender_name": "SEND", "sender_email": ""})
    assert "Enter the address the council&#x27;s emails are sent from" in empty.content.decode()

    admin.post("/staff/settings/emails/", {"sender_name": "Cumbria SEND", "sender_email": "send@cumbria.example"})
    post(admin, "/staff/team/invite/", {"email": "new.worker@example.org", "role": "caseworker"})

    (email,) = emails_to(cumbria, in_council, "new.worker@example.org")
    assert email.from_address == "Cumbria SEND <send@cumbria.example>"


def test_the_feedback_questionnaire_must_be_a_web_address(cumbria, admin):
    bad = admin.post("/staff/settings/feedback/", {"feedback_questionnaire_url": "not a web address"})
    assert "Enter a web address, like https://forms.example.gov.uk/ehcp" in bad.content.decode()
    admin.post("/staff/settings/feedback/", {"feedback_questionnaire_url": "https://forms.example.org/new"})
    assert Council.objects.get(pk=cumbria.pk).feedback_questionnaire_url == "https://forms.example.org/new"


# --- Logo ---------------------------------------------------------------------------------


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.usefixtures("_media")
def test_a_logo_is_uploaded_under_the_councils_prefix_and_shown_at_once(cumbria, admin, in_council):
    uploaded = admin.post("/staff/settings/logo/", {"logo": SimpleUploadedFile("crest.png", PNG)})

    assert uploaded.status_code == 302
    logo = Council.objects.get(pk=cumbria.pk).logo
    assert logo.name.startswith("cumbria/branding/logo-") and logo.name.endswith(".png")
    assert 'src="/branding/logo?v=' in home(cumbria)
    assert b"".join(Client(HTTP_HOST=CUMBRIA.domain).get("/branding/logo").streaming_content) == PNG

    admin.post("/staff/settings/logo/remove/")
    assert not Council.objects.get(pk=cumbria.pk).logo
    assert 'src="/branding/logo' not in home(cumbria)
    summaries = [e.summary for e in settings_events(cumbria, in_council)]
    assert summaries == ["Branding: replaced the logo", "Branding: removed the logo"]


@pytest.mark.usefixtures("_media")
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"MZ\x90\x00 an executable", "The logo must be a PNG or JPEG image."),
        ("logo.svg", b"<svg onload='alert(1)'></svg>", "The logo must be a PNG or JPEG image."),
        ("logo.png", PNG + b"\x00" * LOGO_MAX_BYTES, "The logo must be 1 MB or smaller"),
    ],
)
def test_a_logo_is_checked_by_its_content(cumbria, admin, name, content, message):
    answer = admin.post("/staff/settings/logo/", {"logo": SimpleUploadedFile(name, content)})
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert not Council.objects.get(pk=cumbria.pk).logo


@pytest.mark.usefixtures("_media")
def test_when_storage_refuses_the_logo_the_page_says_so_and_nothing_changes(cumbria, admin, in_council, monkeypatch):
    def refuse(self, name, content, save=True):
        raise StorageRefused(reason="AccessDenied")

    monkeypatch.setattr(FieldFile, "save", refuse)

    answer = admin.post("/staff/settings/logo/", {"logo": SimpleUploadedFile("crest.png", PNG)})

    assert answer.status_code == 200
    assert StorageRefused.MESSAGE in answer.content.decode()
    assert not Council.objects.get(pk=cumbria.pk).logo
    assert settings_events(cumbria, in_council) == []


# --- Sign-in policy -----------------------------------------------------------------------


def policy_form(policy: SignInPolicy, **changes) -> dict:
    """The sign-in page's form as the browser sends it (an unticked box is left out)."""
    from casework.forms_settings import POLICY_GROUPS

    data = {}
    for _, names in POLICY_GROUPS:
        for name in names:
            value = changes.get(name, getattr(policy, name))
            if value is True:
                data[name] = "on"
            elif value is None:
                data[name] = ""
            elif value is not False:
                data[name] = value
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"otp_lifetime_minutes": 61}, "Enter a whole number from 1 to 60"),
        ({"otp_lifetime_minutes": "ten"}, "Enter a whole number from 1 to 60"),
        ({"password_min_length": 6}, "Enter a whole number from 8 to 128"),
        ({"password_min_length": 20, "password_max_length": 16}, "at least the shortest allowed"),
        ({"password_max_age_days": 0}, "Enter a whole number, 1 or more"),
    ],
)
def test_the_sign_in_policy_is_checked(somerset, staff_client, changes, message):
    client = staff_client(somerset, StaffRole.COUNCIL_ADMIN)
    policy = SignInPolicy.objects.get(council=somerset)

    answer = client.post("/staff/settings/sign-in/", policy_form(policy, **changes))

    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert SignInPolicy.objects.get(council=somerset).otp_lifetime_minutes == 60


def test_the_sign_in_page_explains_each_setting(somerset, staff_client):
    html = staff_client(somerset, StaffRole.COUNCIL_ADMIN).get("/staff/settings/sign-in/").content.decode()
    assert "How long a two-step code works, in minutes" in html
    assert "At most 60 minutes. From 1 to 60." in html
    assert "Leave it empty so passwords never expire" in html
    assert "include at least one capital letter" in html  # what the password page says now


def test_a_new_sign_in_policy_applies_on_the_site_at_once(somerset, staff_client, in_council):
    client = staff_client(somerset, StaffRole.COUNCIL_ADMIN)
    policy = SignInPolicy.objects.get(council=somerset)

    saved = client.post(
        "/staff/settings/sign-in/",
        policy_form(policy, password_min_length=14, require_special=False, password_max_age_days=None),
    )

    assert saved.status_code == 302
    policy.refresh_from_db()
    assert (policy.password_min_length, policy.require_special, policy.password_max_age_days) == (14, False, None)
    register = Client(HTTP_HOST=SOMERSET.domain).get("/register/").content.decode()
    assert "be between 14 and 128 characters long" in register
    assert "special character" not in register
    (event,) = settings_events(somerset, in_council)
    assert event.summary == "Sign-in: changed password min length, require special, password max age days"


# --- Tiles and help links -----------------------------------------------------------------


def test_turning_the_send_tile_off_takes_it_off_the_home_page_and_closes_the_send_area(site, staff_client, in_council):
    client = staff_client(site.council, StaffRole.COUNCIL_ADMIN)
    family = staff_client(site.council, None)
    title = "Special educational needs and disabilities (SEND)"
    assert title in home(site.council) and family.get("/send/").status_code == 200

    off = client.post("/staff/settings/tiles/", {"enabled": "no"})

    assert off.status_code == 302
    assert title not in home(site.council)
    assert family.get("/send/").status_code == 404
    assert title in home(site.other)
    client.post("/staff/settings/tiles/", {"enabled": "yes"})
    assert title in home(site.council) and family.get("/send/").status_code == 200
    summaries = [e.summary for e in settings_events(site.council, in_council)]
    assert summaries == ["Tiles: turned the SEND tile off", "Tiles: turned the SEND tile on"]


def test_link_tiles_are_added_checked_and_removed(cumbria, admin):
    missing = admin.post("/staff/settings/tiles/add/", {"title": "Libraries", "order": 3, "enabled": "on"})
    assert "Enter the web address" in missing.content.decode()

    admin.post(
        "/staff/settings/tiles/add/",
        {
            "title": "Libraries",
            "description": "Borrow books.",
            "url": "https://libraries.example.org/",
            "order": 3,
            "enabled": "on",
        },
    )
    assert 'href="https://libraries.example.org/">Libraries</a>' in home(cumbria)

    tile = Tile.objects.get(council=cumbria, title="Libraries")
    admin.post(f"/staff/settings/tiles/{tile.pk}/remove/")
    assert "Libraries" not in home(cumbria)
    send = Tile.objects.get(council=cumbria, kind=Tile.Kind.SEND)
    assert admin.get(f"/staff/settings/tiles/{send.pk}/").status_code == 404  # turned off, never edited as a link


def test_a_help_link_is_in_the_footer_at_once(cumbria, admin):
    admin.post(
        "/staff/settings/help-links/add/", {"title": "Local offer", "url": "https://www.example.org/local-offer"}
    )
    assert '<a class="govuk-footer__link" href="https://www.example.org/local-offer">Local offer</a>' in home(cumbria)


# --- Stage explanations -------------------------------------------------------------------


def test_stage_keys_are_the_clocks_step_keys_for_each_case_kind():
    keys = {kind: [s.key for s in stage_steps(case_kind=kind)] for kind in CaseKind.values}
    assert keys == {
        "assessment": ["request", "decision_to_assess", "advice", "decision_to_issue", "draft_comments", "final_plan"],
        "annual_review": [
            "meeting_notice",
            "advice_circulated",
            "review_meeting",
            "review_report",
            "review_decision",
            "amendment_comments",
            "amended_plan",
        ],
        "reassessment": ["reassessment_agreed", "draft_comments", "reassessment_plan"],
        "phase_transfer": ["phase_transfer"],
    }


def test_a_stage_explanation_is_saved_for_families_and_can_be_removed(cumbria, somerset, admin, in_council):
    page = admin.get("/staff/settings/stages/").content.decode()
    assert "Final EHC plan issued" in page and "Annual review meeting" in page
    form = admin.get("/staff/settings/stages/assessment/final_plan/").content.decode()
    assert "The whole process must take no more than 20 weeks" in form  # the statutory wording
    text = "Your caseworker will phone you the week before the plan is issued."

    admin.post("/staff/settings/stages/assessment/final_plan/", {"text": f"  {text} "})

    assert stage_explanations(council=cumbria) == {("assessment", "final_plan"): text}
    assert stage_explanations(council=somerset) == {}
    assert text in admin.get("/staff/settings/stages/").content.decode()
    admin.post("/staff/settings/stages/assessment/final_plan/", {"text": ""})
    assert stage_explanations(council=cumbria) == {}
    summaries = [e.summary for e in settings_events(cumbria, in_council)]
    assert summaries == [
        "Stage explanation assessment/final_plan: changed",
        "Stage explanation assessment/final_plan: removed",
    ]


@pytest.mark.parametrize("path", ["assessment/no_such_step", "no_such_kind/final_plan", "phase_transfer/final_plan"])
def test_an_unknown_stage_is_not_found(admin, path):
    assert admin.get(f"/staff/settings/stages/{path}/").status_code == 404


# --- Another council's admin --------------------------------------------------------------


def test_another_councils_admin_cannot_change_this_councils_settings(cumbria, somerset, staff_client, in_council):
    """Their session belongs to their own council's host; here they are nobody."""
    theirs = staff_client(somerset, StaffRole.COUNCIL_ADMIN)
    assert theirs.get("/staff/settings/").status_code == 200  # on their own host

    answer = theirs.post(
        "/staff/settings/contacts/", {"contact_email": "x@evil.example", "contact_phone": "0"}, HTTP_HOST=CUMBRIA.domain
    )
    tile = theirs.post("/staff/settings/tiles/", {"enabled": "no"}, HTTP_HOST=CUMBRIA.domain)

    assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/")
    assert tile.status_code == 302 and tile["Location"].startswith("/sign-in/")
    assert Council.objects.get(pk=cumbria.pk).contact_email != "x@evil.example"
    assert Tile.objects.get(council=cumbria, kind=Tile.Kind.SEND).enabled
    assert settings_events(cumbria, in_council) == []


def test_a_team_manager_cannot_change_settings(cumbria, staff_client):
    manager = staff_client(cumbria, StaffRole.TEAM_MANAGER)
    answer = manager.post("/staff/settings/colour/", {"primary_colour": "#003078"})
    assert answer.status_code == 403
    assert Council.objects.get(pk=cumbria.pk).primary_colour == CUMBRIA.primary_colour


def test_the_other_councils_admin_signed_in_everywhere_still_only_changes_their_own(
    cumbria, somerset, staff_client, in_council
):
    """Even an account that is admin of both councils changes only the council whose host it is on."""
    client = staff_client(somerset, StaffRole.COUNCIL_ADMIN)
    with in_council(cumbria):
        from casework.models import StaffMembership

        StaffMembership.objects.create(account=client.account, role=StaffRole.COUNCIL_ADMIN)
    on_cumbria = signed_in_client(cumbria, client.account, in_council)

    on_cumbria.post("/staff/settings/colour/", {"primary_colour": "#003078"})

    assert Council.objects.get(pk=cumbria.pk).primary_colour == "#003078"
    assert Council.objects.get(pk=somerset.pk).primary_colour == SOMERSET.primary_colour
