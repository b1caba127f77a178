"""`manage.py seed_caseload` (issue 13): a made-up caseload in bulk, in one council only,
every stage present, and removed again without touching the council's own rows; a
council that is not a demo or bench one is refused without --force."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from casework.models import Case, Child, Document, Message, StaffMembership
from casework.steps import STAGE_LABELS
from citizen.accounts.models import Account

pytestmark = pytest.mark.django_db


def test_seeding_makes_a_caseload_in_bulk_and_removing_takes_it_all_away(
    cumbria, somerset, django_assert_max_num_queries
):
    with tenant_context(cumbria):
        own = (Child.objects.count(), Case.objects.count(), StaffMembership.objects.count())
    out = StringIO()
    with django_assert_max_num_queries(60):  # bulk: a few statements a table, not a row each
        call_command("seed_caseload", "--council=cumbria", "--children=400", "--caseworkers=8", stdout=out)
    assert "400 children, 400 cases, 8 caseworkers, 800 documents, 1,200 messages" in out.getvalue()
    with tenant_context(cumbria):
        seeded = Case.objects.filter(reference__startswith="EHC-SEED-")
        assert seeded.count() == 400 and set(seeded.values_list("stage", flat=True)) == set(STAGE_LABELS)
        assert Document.objects.filter(case__in=seeded).count() == 800
        assert Message.objects.filter(case__in=seeded).count() == 1200
        assert StaffMembership.objects.count() == own[2] + 8
    with tenant_context(somerset):
        assert not Case.objects.filter(reference__startswith="EHC-SEED-").exists()

    call_command("seed_caseload", "--council=cumbria", "--remove", stdout=StringIO())
    with tenant_context(cumbria):
        assert (Child.objects.count(), Case.objects.count(), StaffMembership.objects.count()) == own
    assert not Account.objects.filter(email__startswith="seed-caseworker-").exists()


def test_a_real_council_is_refused_without_force(cumbria):
    from tenants.models import Council

    Council.objects.filter(pk=cumbria.pk).update(slug="kent")
    with pytest.raises(CommandError, match=r"its caseload is real\. Add --force"):
        call_command("seed_caseload", "--council=kent", "--children=5", stdout=StringIO())
    with pytest.raises(CommandError, match="No council has the short name 'nowhere'"):
        call_command("seed_caseload", "--council=nowhere", stdout=StringIO())


def test_a_seed_that_fails_part_way_leaves_nothing_behind(cumbria, monkeypatch):
    from casework.services import seed_caseload

    def fails(*models):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(seed_caseload, "analyze", fails)  # the last step, after every insert
    with pytest.raises(RuntimeError, match="went away"):
        call_command("seed_caseload", "--council=cumbria", "--children=20", "--caseworkers=2", stdout=StringIO())
    with tenant_context(cumbria):
        assert not Case.objects.filter(reference__startswith="EHC-SEED-").exists()
        assert not Message.objects.filter(case__reference__startswith="EHC-SEED-").exists()
    assert not Account.objects.filter(email__startswith="seed-caseworker-").exists()
