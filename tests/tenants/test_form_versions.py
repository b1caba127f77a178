"""A council's form is a series of versions: one draft at a time, frozen once published.
Platform operators publish a built-in to councils (an admin action on the councils list,
or `manage.py publish_builtin_form`); doing it again changes nothing. The demo councils
have theirs published by `seed_demo`, idempotently."""

from __future__ import annotations

import copy
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from casework.demo import seed_demo
from casework.models import AuditEvent
from casework.services.forms import (
    PROFESSIONAL_BUILTINS,
    builtin_publish,
    form_version_draft_create,
    form_version_publish,
    form_version_update,
)
from tenants.form_definitions import DefinitionInvalid, builtin_definition
from tenants.models import FormVariant, FormVersion, FrozenVersion
from tests.operators import operator_sign_in

pytestmark = pytest.mark.django_db


def test_publishing_a_built_in_is_idempotent_and_audited_in_the_councils_schema(cumbria, in_council):
    first = builtin_publish(council=cumbria, builtin="appendix-a")
    assert first.published and first.version.number == 1 and first.version.variant.slug == "appendix-a"
    again = builtin_publish(council=cumbria, builtin="appendix-a")
    assert not again.published and again.version.pk == first.version.pk
    with in_council(cumbria):
        (event,) = AuditEvent.objects.filter(subject="form_version", subject_id=first.version.pk)
    assert event.actor_role == "platform" and "published by the platform" in event.summary


def test_a_council_that_changed_its_form_gets_the_built_in_as_a_new_version(somerset):
    variant = FormVariant.objects.get(council=somerset, based_on="appendix-a")
    mine = copy.deepcopy(builtin_definition("appendix-a"))
    mine["title"] = "Somerset's own Appendix A"
    draft = form_version_draft_create(variant=variant, builtin="appendix-a", by=None, actor_role="council_admin")
    form_version_update(version=draft, definition=mine, by=None, actor_role="council_admin")
    form_version_publish(version=draft, by=None, actor_role="council_admin")
    result = builtin_publish(council=somerset, builtin="appendix-a")
    assert result.published and result.version.number == 3


def test_a_published_version_is_frozen_and_a_form_has_one_draft_at_a_time(cumbria):
    variant = FormVariant.objects.exclude(based_on__in=PROFESSIONAL_BUILTINS).get(council=cumbria)
    published = variant.versions.get()
    published.definition = {"title": "changed"}
    with pytest.raises(FrozenVersion):
        published.save()
    with pytest.raises(ValidationError, match="published"):
        form_version_update(version=published, definition=builtin_definition("section-a"), by=None, actor_role="x")
    draft = form_version_draft_create(variant=variant, source=variant.versions.get(), by=None, actor_role="x")
    with pytest.raises(ValidationError, match="Version 2 is already a draft"):
        form_version_draft_create(variant=variant, builtin="section-a", by=None, actor_role="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        FormVersion.objects.create(variant=variant, number=3, definition=draft.definition)
    bad = copy.deepcopy(draft.definition)
    bad["feeds"] = "nothing"
    with pytest.raises(DefinitionInvalid):
        form_version_update(version=draft, definition=bad, by=None, actor_role="x")


def test_the_management_command_publishes_to_every_council_or_those_named(cumbria, somerset):
    out = StringIO()
    call_command("publish_builtin_form", "appendix-a", "--council", "cumbria", stdout=out)
    assert "Cumbria County Council: published as version 1" in out.getvalue()
    out = StringIO()
    call_command("publish_builtin_form", "appendix-a", stdout=out)
    assert "Cumbria County Council: already up to date" in out.getvalue()
    assert "Somerset Council: already up to date" in out.getvalue()


def test_operators_publish_a_built_in_from_the_councils_list(platform_client, cumbria, somerset):
    operator_sign_in(platform_client)
    answer = platform_client.post(
        "/admin/tenants/council/",
        {"action": "publish_section_a", "_selected_action": [cumbria.pk, somerset.pk]},
        follow=True,
    )
    page = answer.content.decode()
    assert "Published Section A (the child&#x27;s and family&#x27;s views) to: Somerset Council." in page
    assert "Already up to date with" in page and "Cumbria County Council" in page
    assert FormVariant.objects.get(council=somerset, based_on="section-a").versions.get().is_published


def test_seeding_the_demo_again_changes_no_form(cumbria, somerset):
    before = list(FormVersion.objects.order_by("pk").values_list("pk", "number", "published_at"))
    seed_demo(platform_domain=settings.PLATFORM_DOMAIN)
    assert list(FormVersion.objects.order_by("pk").values_list("pk", "number", "published_at")) == before


def test_seeding_publishes_the_form_of_a_demo_council_made_before_forms_had_versions(cumbria):
    variant = FormVariant.objects.exclude(based_on__in=PROFESSIONAL_BUILTINS).get(council=cumbria)
    FormVersion.objects.filter(variant=variant).delete()  # as the placeholder variant was
    seed_demo(platform_domain=settings.PLATFORM_DOMAIN)
    (version,) = variant.versions.all()
    assert version.is_published and version.definition == builtin_definition("section-a")
