"""The council's SEN2 return (issue 17): started by a council admin for a census date,
worked out in the background (casework.tasks.generate_sen2_return) with its progress
saved as it goes, and kept with who asked for it and what it found."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from casework.models import AuditEvent, Sen2Return, StaffMembership
from casework.selectors.sen2 import people_to_return, sen2_people, sen2_problems
from casework.sen2.files import sen2_csv_zip, sen2_xml
from casework.sen2.spec import collection_for
from casework.services.audit import audit_record
from casework.services.settings import council_settings_update
from tenants.current import current_council
from tenants.enqueue import enqueue_on_commit
from tenants.models import Council

logger = logging.getLogger(__name__)

CHUNK = 500  # children read and checked at a time; the progress moves on after each
STALE = timedelta(hours=1)  # far longer than a Kent-sized council's return takes


@transaction.atomic
def sen2_return_start(
    *, census_date: date, la_number: str, by: StaffMembership, request: HttpRequest | None = None
) -> Sen2Return:
    """Queue a run for the census date. The council's DfE number is kept on the council
    (it goes in every return's header)."""
    council = current_council()
    if council.dfe_la_number != la_number:
        try:
            council_settings_update(
                council=council, values={"dfe_la_number": la_number}, section="SEN2 return", by=by, request=request
            )
        except ValidationError as error:
            raise ValidationError({"la_number": error.message_dict["dfe_la_number"]}) from None
    unfinished = Sen2Return.objects.filter(status__in=(Sen2Return.Status.QUEUED, Sen2Return.Status.RUNNING))
    # One that never finished (its task was lost: a broker or worker down) does not block
    # the next for ever: after STALE it is marked failed, with the reason.
    unfinished.filter(requested_at__lt=timezone.now() - STALE).update(
        status=Sen2Return.Status.FAILED, error="It did not finish: the background worker may have been down."
    )
    if unfinished.exists():
        raise ValidationError({"census_date": "A return is being generated. Wait for it to finish first."})
    run = Sen2Return.objects.create(census_date=census_date, requested_by=by.account)
    audit_record(
        actor=by.account,
        actor_role=by.role,
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.SEN2_RETURN,
        subject_id=run.pk,
        summary=f"Started the SEN2 return for the census on {census_date:%-d %B %Y}",
        request=request,
    )
    from casework.tasks import generate_sen2_return

    enqueue_on_commit(generate_sen2_return, run.pk)
    return run


def sen2_return_generate(run_id: int) -> Sen2Return:
    """Work the run out: its people a chunk at a time (progress saved after each), then
    its problems, its XML and its CSVs. A failure is kept on the run, with the reason."""
    run = Sen2Return.objects.get(pk=run_id)
    if run.status not in (Sen2Return.Status.QUEUED, Sen2Return.Status.RUNNING):
        return run  # already done (a task delivered twice)
    collection = collection_for(run.census_date)
    children = people_to_return(collection)
    run.status, run.people_total, run.people_done = Sen2Return.Status.RUNNING, len(children), 0
    run.save(update_fields=["status", "people_total", "people_done"])
    try:
        people = []
        for start in range(0, len(children), CHUNK):
            people.extend(sen2_people(children[start : start + CHUNK], collection))
            Sen2Return.objects.filter(pk=run.pk).update(people_done=min(start + CHUNK, len(children)))
        council = Council.objects.get(pk=current_council().pk)
        serial = Sen2Return.objects.filter(census_date=run.census_date, pk__lte=run.pk).count()
        run.xml = sen2_xml(people, collection, la_number=council.dfe_la_number, serial=serial, now=timezone.localtime())
        run.csv_zip = sen2_csv_zip(people)
        run.problems = len(sen2_problems(people, collection))
        run.people_total = run.people_done = len(people)  # the people the return holds
        run.status = Sen2Return.Status.DONE
    except Exception as error:  # kept on the run for the admin; the task logs it too
        logger.exception("SEN2 return %s failed", run.pk)
        run.status, run.error = Sen2Return.Status.FAILED, f"{type(error).__name__}: {error}"
    run.finished_at = timezone.now()
    run.save()
    return run
