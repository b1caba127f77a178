"""A child's whole record to take away (issue 16, item 2): one zip, put together in the
background, with an index page that reads offline in any browser.

For a family member: everything they may see now (each case's timeline with its
deadlines and what happened, the documents the SEND team shared and the ones they sent,
the messages, the forms they sent as PDF and data). For the SEND team: every document on
the child's cases in date order, numbered, with an index: the start of a tribunal bundle.

The link works once and for BUNDLE_LIFETIME; asking, making and downloading are audit
events. A family member who has lost access by the time it is made gets nothing."""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_valid_filename

from casework.models import AuditEvent, Case, Child, ChildAccess, Document, RecordBundle, live_access
from casework.selectors.access import documents_family_member_sees
from casework.selectors.cases import case_records, case_timeline
from casework.selectors.messages import author_label, thread_for_case
from casework.services.audit import audit_record
from casework.services.documents import audited_download, download_name
from casework.services.messages import account_alert
from casework.services.staff import invitation_token_hash  # the project's one digest of a link's token
from casework.submissions.models import FormSubmission
from citizen.accounts.models import Account
from tenants.current import current_council
from tenants.enqueue import enqueue_on_commit

logger = logging.getLogger(__name__)

BUNDLE_LIFETIME = timedelta(days=3)
ASK_AGAIN_AFTER = timedelta(minutes=5)  # one being made is not made twice by a double click


def _live_access(account: Account, child: Child) -> ChildAccess | None:
    return ChildAccess.objects.filter(live_access(), account=account, child=child).first()


@transaction.atomic
def record_bundle_request(
    *, child: Child, account: Account, audience: str, actor_role: str, request: HttpRequest | None = None
) -> RecordBundle:
    """Ask for the child's whole record (the caller has checked the account may see the
    child). One already being made for the same person is returned, not made again."""
    recent = RecordBundle.objects.filter(
        child=child,
        requested_by=account,
        audience=audience,
        status=RecordBundle.Status.QUEUED,
        created_at__gte=timezone.now() - ASK_AGAIN_AFTER,
    ).first()
    if recent is not None:
        return recent
    bundle = RecordBundle.objects.create(child=child, requested_by=account, audience=audience)
    audit_record(
        actor=account,
        actor_role=actor_role,
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.RECORD_BUNDLE,
        subject_id=bundle.pk,
        child=child,
        summary=f"Asked for {bundle.get_audience_display().lower()} of the whole record",
        request=request,
    )
    from casework.tasks import make_record_bundle

    enqueue_on_commit(make_record_bundle, bundle.pk)
    return bundle


# --- What goes in


@dataclass
class _Entry:
    """A file in the zip, and how the index lists it."""

    path: str
    title: str
    kind: str
    on: date | datetime
    source: FieldFile | None = None  # a stored file to copy in
    text: str | None = None  # or text written there


@dataclass
class _CaseContents:
    case: Case
    steps: list = field(default_factory=list)
    documents: list[_Entry] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    forms: list[_Entry] = field(default_factory=list)


def _safe(name: str, fallback: str) -> str:
    try:
        return get_valid_filename(name)[:80] or fallback
    except Exception:  # Django refuses names that are only dots
        return fallback


def _document_entry(document: Document, folder: str, number: int) -> _Entry:
    name = f"{number:03d}-{document.created_at:%Y-%m-%d}-{_safe(download_name(document), 'document')}"
    return _Entry(
        path=f"{folder}/{name}",
        title=document.title,
        kind=document.get_kind_display(),
        on=document.created_at,
        source=document.file,
    )


def _family_contents(bundle: RecordBundle, account: Account) -> list[_CaseContents]:
    today = timezone.localdate()
    contents = []
    number = 0
    for case in Case.objects.filter(child=bundle.child).order_by("started_on", "id"):
        folder = _safe(case.reference, f"case-{case.pk}")
        item = _CaseContents(case=case, steps=list(case_timeline(case, today, case_records(case)).steps))
        clean = documents_family_member_sees(case=case, account=account).filter(scan_status=Document.ScanStatus.CLEAN)
        for document in clean.order_by("created_at", "id"):
            number += 1
            item.documents.append(_document_entry(document, f"{folder}/documents", number))
        item.messages = [
            {
                "when": message.created_at,
                "who": "You" if message.author_id == account.pk else author_label(message),
                "body": message.body,
            }
            for message in thread_for_case(case=case)
        ]
        contents.append(item)
    return contents


def _family_forms(bundle: RecordBundle, account: Account) -> list[_Entry]:
    entries = []
    submissions = FormSubmission.objects.filter(child=bundle.child, submitted_by=account).select_related(
        "version", "variant"
    )
    for submission in submissions.order_by("submitted_at", "id"):
        stem = f"forms/{_safe(submission.reference, f'form-{submission.pk}')}"
        title = (submission.version.definition or {}).get("title") or submission.variant.title
        if submission.pdf:
            entries.append(_Entry(f"{stem}.pdf", title, "Form (PDF)", submission.submitted_at, source=submission.pdf))
        data = json.dumps(submission.answers, indent=2, ensure_ascii=False, default=str)
        entries.append(_Entry(f"{stem}.json", title, "Form (your answers as data)", submission.submitted_at, text=data))
    return entries


def _staff_contents(bundle: RecordBundle) -> list[_Entry]:
    """Every document on the child's cases (not withdrawn, clean), oldest first, numbered."""
    documents = (
        Document.objects.filter(case__child=bundle.child, withdrawn_at__isnull=True)
        .filter(scan_status=Document.ScanStatus.CLEAN)
        .select_related("case")
        .order_by("created_at", "id")
    )
    return [_document_entry(document, "documents", number) for number, document in enumerate(documents, start=1)]


# --- Making it


def record_bundle_make(bundle_id: int) -> RecordBundle:
    """Put the zip together (read a file at a time into a temporary file, never into
    memory whole), store it, and tell whoever asked that it is ready."""
    bundle = RecordBundle.objects.select_related("child", "requested_by").get(pk=bundle_id)
    if bundle.status != RecordBundle.Status.QUEUED:
        return bundle  # made already (a task delivered twice)
    account = bundle.requested_by
    family = bundle.audience == RecordBundle.Audience.FAMILY
    if account is None or (family and _live_access(account, bundle.child) is None):
        bundle.status = RecordBundle.Status.FAILED
        bundle.save(update_fields=["status"])
        return bundle
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
                count = _write(archive, bundle, account, family)
            spool.seek(0)
            bundle.file.save(f"record-{bundle.pk}-{secrets.token_hex(8)}.zip", File(spool), save=False)
            bundle.size, bundle.files = bundle.file.size, count
        now = timezone.now()
        bundle.status, bundle.ready_at, bundle.expires_at = RecordBundle.Status.READY, now, now + BUNDLE_LIFETIME
    except Exception:
        logger.exception("record bundle %s could not be made", bundle.pk)
        bundle.status = RecordBundle.Status.FAILED
        bundle.save(update_fields=["status"])
        return bundle
    bundle.save()
    _tell_ready(bundle)
    return bundle


def _copy(archive: zipfile.ZipFile, entry: _Entry) -> bool:
    if entry.text is not None:
        archive.writestr(entry.path, entry.text)
        return True
    if entry.source is None or not entry.source.name:
        return False
    try:
        with entry.source.storage.open(entry.source.name, "rb") as stored, archive.open(entry.path, "w") as target:
            for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                target.write(chunk)
    except FileNotFoundError:
        logger.error("record bundle: %s has no stored file", entry.path)
        return False
    return True


def _write(archive: zipfile.ZipFile, bundle: RecordBundle, account: Account, family: bool) -> int:
    council = current_council()
    if family:
        cases = _family_contents(bundle, account)
        forms = _family_forms(bundle, account)
        entries = [e for c in cases for e in c.documents] + forms
        missing = {e.path for e in entries if not _copy(archive, e)}
        context = {"cases": cases, "forms": forms, "missing": missing}
    else:
        entries = _staff_contents(bundle)
        missing = {e.path for e in entries if not _copy(archive, e)}
        context = {"documents": entries, "missing": missing}
    index = render_to_string(
        "casework/bundles/index.html",
        {
            **context,
            "council": council,
            "child": bundle.child,
            "family": family,
            "made_at": timezone.localtime(),
        },
    )
    archive.writestr("index.html", index)
    return len(entries) - len(missing)


def _tell_ready(bundle: RecordBundle) -> None:
    if bundle.audience != RecordBundle.Audience.FAMILY or bundle.requested_by is None:
        return
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("family:child-records", args=[bundle.child_id])
    except NoReverseMatch:
        path = ""
    account_alert(
        account=bundle.requested_by,
        subject="The download you asked for is ready",
        lines=[
            "The copy of the records you asked for is ready to download from your SEND area.",
            f"The download works once, until {timezone.localtime(bundle.expires_at):%-d %B %Y at %-I:%M%p}. "
            "After that you can ask for a new one.",
        ],
        path=path,
    )


# --- Taking it away


def record_bundle_download(
    *, bundle: RecordBundle, token: str, account: Account, actor_role: str, request: HttpRequest | None
) -> FileResponse:
    """The zip, once, before it expires, to the person who asked (the caller has checked
    they may still see the child). A used or expired link is refused with the reason."""
    if bundle.requested_by_id != account.pk or bundle.status != RecordBundle.Status.READY:
        raise Http404
    if not secrets.compare_digest(bundle.token_hash, invitation_token_hash(token)):
        raise Http404
    if bundle.downloaded_at is not None:
        raise ValidationError("This download has been used. Ask for a new one.", code="used")
    if bundle.expires_at is None or bundle.expired:
        raise ValidationError("This download has expired. Ask for a new one.", code="expired")
    claimed = RecordBundle.objects.filter(pk=bundle.pk, downloaded_at__isnull=True).update(downloaded_at=timezone.now())
    if not claimed:  # two clicks at once: the second is refused
        raise ValidationError("This download has been used. Ask for a new one.", code="used")
    name = "tribunal-bundle" if bundle.audience == RecordBundle.Audience.STAFF else "records"
    return audited_download(
        bundle.file,
        filename=f"{name}-{bundle.child.council_reference}-{bundle.ready_at:%Y-%m-%d}.zip",
        content_type="application/zip",
        what=f"Record bundle {bundle.pk}",
        actor=account,
        actor_role=actor_role,
        subject=AuditEvent.Subject.RECORD_BUNDLE,
        subject_id=bundle.pk,
        child=bundle.child,
        summary=f"Downloaded {bundle.get_audience_display().lower()} of the whole record ({bundle.files} files)",
        request=request,
    )


def record_bundle_token_new(bundle: RecordBundle) -> str:
    """A fresh token for a ready, unused bundle: the page that shows the link makes one
    each time (the emailed link goes to that page, never to the file), so a link copied
    from an old page, a browser's history or a log no longer works."""
    token = secrets.token_urlsafe(32)
    RecordBundle.objects.filter(pk=bundle.pk).update(token_hash=invitation_token_hash(token))
    return token


def record_bundles_sweep(*, now: datetime | None = None) -> int:
    """Delete the stored files of downloads that can no longer be used (expired, or
    downloaded more than a day ago); the rows stay, as the record of what was asked for
    and taken. Nightly in each council (casework.tasks.sweep_record_bundles)."""
    now = now or timezone.now()
    finished = RecordBundle.objects.exclude(file="").filter(
        Q(expires_at__lte=now) | Q(downloaded_at__lte=now - timedelta(days=1))
    )
    swept = 0
    for bundle in finished:
        bundle.file.delete(save=False)  # a file already gone is no error
        RecordBundle.objects.filter(pk=bundle.pk).update(file="")
        swept += 1
    return swept
