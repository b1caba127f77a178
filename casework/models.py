"""The council's own records (tenant schema)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Lower, Upper
from django.utils import timezone

from casework.sen2 import spec


class StaffRole(models.TextChoices):
    CASEWORKER = "caseworker", "Caseworker"
    TEAM_MANAGER = "team_manager", "Team manager"
    COUNCIL_ADMIN = "council_admin", "Council admin"


class StaffMembership(models.Model):
    """An account's place in this council's SEND team."""

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.account} ({self.get_role_display()})"


class StaffInvitation(models.Model):
    """An emailed invitation to join the council's SEND team. Only a hash of the
    token is kept; the link in the email is the only copy of the token."""

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(accepted_at__isnull=True), name="one_open_invitation_per_email"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"


def child_names() -> Concat:
    """A child's names as one text, words apart: what a name search reads (icontains:
    selectors.cases.child_search_q) and, upper-cased as icontains does, what its trigram
    index holds. A word typed has no space in it, so it is found in this text exactly
    when it is in one of the names."""
    return Concat("legal_first_name", Value(" "), "legal_last_name", Value(" "), "known_as")


class Child(models.Model):
    legal_first_name = models.CharField(max_length=80)
    legal_last_name = models.CharField(max_length=80)
    known_as = models.CharField("Name known by", max_length=80, blank=True)
    date_of_birth = models.DateField()
    setting = models.CharField("School or college", max_length=160, blank=True)
    # The registered school, college or setting the child attends: named when the SEND team
    # gives it the child's annual review, so it may open the next one where the council allows.
    setting_organisation = models.ForeignKey(
        "Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    service_area = models.ForeignKey("tenants.ServiceArea", null=True, on_delete=models.SET_NULL, related_name="+")
    council_reference = models.CharField(max_length=40, unique=True)
    # What the DfE's SEN2 return asks about the child (casework.sen2.spec, module 1 and
    # 5c), recorded by the SEND team on the child's return details page.
    upn = models.CharField(
        "Unique pupil number (UPN)",
        max_length=13,
        blank=True,
        validators=[
            RegexValidator(spec.UPN_PATTERN, "Enter the UPN as a letter and 12 more characters, like A123456789012")
        ],
    )
    uln = models.CharField(
        "Unique learner number (ULN)",
        max_length=10,
        blank=True,
        validators=[RegexValidator(spec.ULN_PATTERN, "Enter the ULN as 10 digits")],
    )
    upn_unknown = models.CharField("Why neither is known", max_length=4, blank=True, choices=spec.UPN_UNKNOWN.choices)
    sex = models.CharField(max_length=1, blank=True, choices=spec.SEX.choices)
    ethnicity = models.CharField(max_length=4, blank=True, choices=spec.ETHNICITY.choices)
    postcode = models.CharField(
        "Home postcode",
        max_length=8,
        blank=True,
        validators=[RegexValidator(spec.POSTCODE_PATTERN, "Enter a UK postcode, like CA1 1RD")],
    )
    primary_need = models.CharField(max_length=4, blank=True, choices=spec.SEN_TYPE.choices)
    secondary_need = models.CharField(max_length=4, blank=True, choices=spec.SEN_TYPE.choices)
    plan_cease_reason = models.CharField(
        "Why the plan was ceased", max_length=1, blank=True, choices=spec.CEASE_REASON.choices
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            models.Index(Lower("legal_last_name"), Lower("legal_first_name"), "date_of_birth", name="child_name_dob"),
            models.Index(fields=["updated_at"]),
            # Search (selectors.cases.child_search_q): any part of a name, through one
            # trigram index (pg_trgm, tenants 0009) on the three names as one text, so
            # that a search of several words is one index read a word, not three; a date
            # of birth; a council reference typed in any case.
            GinIndex(OpClass(Upper(child_names()), name="gin_trgm_ops"), name="child_names_trgm"),
            models.Index(fields=["date_of_birth"], name="child_date_of_birth"),
            models.Index(Upper("council_reference"), name="child_reference_upper"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"


class Placement(models.Model):
    """Where a child with a plan is educated (SEN2 modules 4b and 5b): a school or college
    by its URN or UKPRN, or a kind of arrangement with neither; the main placement (rank
    1) and at most one other at a time."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    name = models.CharField("Setting", max_length=160)
    urn = models.CharField(
        "URN", max_length=6, blank=True, validators=[RegexValidator(spec.URN_PATTERN, "Enter the URN as 6 digits")]
    )
    ukprn = models.CharField(
        "UKPRN",
        max_length=8,
        blank=True,
        validators=[RegexValidator(spec.UKPRN_PATTERN, "Enter the UKPRN as 8 digits")],
    )
    sen_setting = models.CharField(
        "Kind of setting, if it has no URN or UKPRN", max_length=4, blank=True, choices=spec.SEN_SETTING.choices
    )
    rank = models.PositiveSmallIntegerField(choices=[(1, "Main placement"), (2, "Other placement")], default=1)
    entry_date = models.DateField("Started on")
    leaving_date = models.DateField("Left on", null=True, blank=True)
    sen_unit = models.BooleanField("In a SEN unit", default=False)
    resourced_provision = models.BooleanField("In resourced provision", default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "rank", "-entry_date", "id"]

    def __str__(self) -> str:
        return f"{self.name} from {self.entry_date}"


class Relationship(models.TextChoices):
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    YOUNG_PERSON = "young_person", "The young person themself"
    TRUSTED = "trusted", "Someone the family trusts"


class TrustedScope(models.TextChoices):
    """What a trusted person may do with a child's records (issue 16): each includes the one before."""

    SEE = "see", "See the case and documents"
    MESSAGE = "message", "See the case and documents, and send messages"
    FORMS = "forms", "See the case and documents, send messages, and fill in forms"


# What each scope allows beyond seeing: "message" (send messages), "forms" (fill in forms
# and send documents with them).
SCOPE_ALLOWS: dict[str, frozenset[str]] = {
    TrustedScope.SEE: frozenset(),
    TrustedScope.MESSAGE: frozenset({"message"}),
    TrustedScope.FORMS: frozenset({"message", "forms"}),
}


def live_access(prefix: str = "") -> models.Q:
    """A ChildAccess that works now: not removed, and not past the end date a family gave
    someone they trust. `prefix` reaches it through a relation ("accesses__",
    "child__accesses__"); put it in the same filter() call as the account, so both
    conditions are about the same access."""
    return models.Q(**{f"{prefix}revoked_at__isnull": True}) & (
        models.Q(**{f"{prefix}expires_at__isnull": True}) | models.Q(**{f"{prefix}expires_at__gt": timezone.now()})
    )


class ChildAccess(models.Model):
    """An account verified to see a child's records, and as what."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="accesses")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    # Empty when a council system (the API) approved it, or the member of staff has gone.
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    # From the end of compulsory school age the young person (if they have the capacity
    # to decide) says whether each parent or carer keeps access: when they chose to keep
    # this one, and whether it was they, not the SEND team, who removed it.
    kept_by_young_person_at = models.DateTimeField(null=True, blank=True)
    removed_by_young_person = models.BooleanField(default=False)
    # Someone the family trusts (relationship "trusted"): what they may do, and until when.
    # Empty for the family themselves, who may do everything.
    scope = models.CharField(max_length=10, choices=TrustedScope.choices, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "account"], condition=models.Q(revoked_at__isnull=True), name="one_live_access"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} → {self.child} ({self.get_relationship_display()})"

    @property
    def is_trusted(self) -> bool:
        return self.relationship == Relationship.TRUSTED

    @property
    def actor_role(self) -> str:
        """How the audit trail names what this person did: "family", or "trusted"."""
        return "trusted" if self.is_trusted else "family"

    def may(self, what: str) -> bool:
        """Whether this access allows `what` ("message", "forms") beyond seeing: always
        for the family; for someone they trust, as the family chose."""
        return not self.is_trusted or what in SCOPE_ALLOWS.get(self.scope, frozenset())


class TrustedPersonKind(models.TextChoices):
    PARENT_OR_CARER = "parent_or_carer", "Another parent or carer"
    SENDIASS = "sendiass", "A SENDIASS adviser"
    ADVOCATE = "advocate", "An advocate or solicitor"
    PSYCHOLOGIST = "psychologist", "A private educational psychologist"
    OTHER = "other", "Someone else who helps the family"


class TrustedGrant(models.Model):
    """A family member lets someone they trust see a child's records (issue 16): invited
    by email, working once that person has accepted it signed in with the same address
    and, where the council asks for it, the SEND team has approved it; ended by the family
    at any time, or by its end date. `access` is the ChildAccess it gave while it works."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="trusted_grants")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    invited_as = models.CharField(max_length=20, choices=Relationship.choices)  # the inviter's relationship
    name = models.CharField(max_length=120)
    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=TrustedPersonKind.choices)
    scope = models.CharField(max_length=10, choices=TrustedScope.choices)
    until = models.DateField(null=True, blank=True)  # the last day it works; empty: until ended
    needs_approval = models.BooleanField(default=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    access = models.OneToOneField(
        ChildAccess, null=True, blank=True, on_delete=models.SET_NULL, related_name="trusted_grant"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(Upper("email"), name="trusted_grant_email")]  # email__iexact: UPPER()

    def __str__(self) -> str:
        return f"Trusted grant {self.pk} on child {self.child_id} ({self.status})"

    @property
    def past_end_date(self) -> bool:
        return self.until is not None and self.until < timezone.localdate()

    @property
    def approved(self) -> bool:
        return not self.needs_approval or self.approved_at is not None

    @property
    def status(self) -> str:
        """Where the grant is, in a word the pages turn into words: ended, declined,
        expired, waiting (for the SEND team and/or the person), or live."""
        if self.ended_at is not None:
            return "ended"
        if self.declined_at is not None:
            return "declined"
        if self.past_end_date:
            return "expired"
        if not self.approved:
            return "waiting_for_approval"
        if self.accepted_at is None:
            return "waiting_for_acceptance"
        return "live"

    STATUS_WORDS = {
        "live": "Can see the records",
        "waiting_for_acceptance": "Not accepted yet",
        "waiting_for_approval": "Waiting for the SEND team to approve",
        "declined": "Declined by the SEND team",
        "expired": "Past its last day",
        "ended": "Ended",
    }

    @property
    def status_words(self) -> str:
        """The status as the SEND team's pages say it."""
        return self.STATUS_WORDS[self.status]

    @property
    def open(self) -> bool:
        """Not ended, declined or past its end date: it works, or may once accepted and approved."""
        return self.status not in ("ended", "declined", "expired")


class TrustedGrantEvent(models.Model):
    """The consent log: every invitation, acceptance, approval, decline and end of a grant,
    who did it and as what. The family and the SEND team both read it."""

    class Action(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted the invitation"
        APPROVED = "approved", "Approved by the SEND team"
        DECLINED = "declined", "Declined by the SEND team"
        ENDED = "ended", "Ended"

    grant = models.ForeignKey(TrustedGrant, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_role = models.CharField(max_length=20)  # "family", "trusted", or a StaffRole
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} on trusted grant {self.grant_id}"


class AccessRequest(models.Model):
    """A family's request to see a child's records, decided by staff case by case."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the SEND team"
        MORE_EVIDENCE = "more_evidence", "The SEND team needs more from you"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    child_first_name = models.CharField(max_length=80)
    child_last_name = models.CharField(max_length=80)
    child_date_of_birth = models.DateField()
    child_setting = models.CharField(max_length=160, blank=True)
    family_note = models.TextField(blank=True)
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_requests")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    question = models.TextField(blank=True, help_text="What staff asked the family for")
    evidence_document_requested = models.BooleanField(default=False)
    family_answer = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"Access request {self.pk} ({self.get_status_display()})"


class CaseKind(models.TextChoices):
    ASSESSMENT = "assessment", "EHC needs assessment"
    ANNUAL_REVIEW = "annual_review", "Annual review"
    REASSESSMENT = "reassessment", "Re-assessment"
    PHASE_TRANSFER = "phase_transfer", "Phase transfer"


class Case(models.Model):
    """A piece of statutory work about a child, on the clock."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(max_length=20, choices=CaseKind.choices)
    reference = models.CharField(max_length=40, unique=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The date the clock counts from (the request received, the plan issued, the
    # decision to re-assess, the date of the move), as the case kind needs it.
    started_on = models.DateField()
    transfer_kind = models.CharField(max_length=30, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # Cached from casework.clock on every write (casework.services.cases.case_refresh).
    stage = models.CharField(max_length=40, blank=True)
    next_deadline = models.DateField(null=True, blank=True)
    # An annual review the SEND team gave to the child's school or setting to run
    # (casework.services.reviews): its people book the meeting, give notice and send
    # the report; the council still decides.
    review_organisation = models.ForeignKey(
        "Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("next_deadline").asc(nulls_last=True), "id"]
        indexes = [
            models.Index(fields=["next_deadline", "id"]),
            models.Index(fields=["stage"]),
            models.Index(fields=["updated_at"]),
            models.Index(Upper("reference"), name="case_reference_upper"),  # a reference typed in any case
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class Plan(models.Model):
    """A case's EHC plan as data (issue 15): content in its template's shape
    (casework/plans/template.py), checked by plan_problems on every save. `revision`
    counts saves, so two people (or systems) editing at once cannot overwrite each other
    silently: a save names the revision it started from."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    template = models.CharField(max_length=40, default="national")
    template_version = models.PositiveSmallIntegerField(default=1)
    content = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Plan for case {self.case_id} (revision {self.revision})"


class PlanRevision(models.Model):
    """The plan's content as one save left it. A section saved from an older revision is
    merged when nobody else changed that section meanwhile, and refused when they did
    (casework.services.plans.plan_section_save); later, the versions the family sees."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    content = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "revision"]
        constraints = [models.UniqueConstraint(fields=["plan", "revision"], name="one_plan_revision_each")]

    def __str__(self) -> str:
        return f"Revision {self.revision} of plan {self.plan_id}"


class PlanVersion(models.Model):
    """A plan as it was issued: the draft (shared with the family with its 15-day window),
    the final plan, or, after an annual review that decided to amend it, the proposed
    changes (15 days again) and the amended plan. Frozen: later drafting changes the Plan,
    never a version. `case` is the case whose clock the issue was recorded on: the plan's
    own case for the draft and final plan, the annual review for an amendment.
    `findings_open` is how many findings the plan had when it was issued (findings never
    stop issuing; the case page and dashboard report them)."""

    class Kind(models.TextChoices):
        DRAFT = "draft", "Draft plan"
        FINAL = "final", "Final plan"
        PROPOSED = "proposed", "Proposed amendments"
        AMENDMENT = "amendment", "Amended plan"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    # Null only for versions issued before amendments existed (their plan's own case).
    case = models.ForeignKey(Case, null=True, on_delete=models.CASCADE, related_name="plan_versions_issued")
    number = models.PositiveSmallIntegerField()  # 1, 2… in the order issued
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content = models.JSONField()
    revision = models.PositiveIntegerField()  # the drafting revision it was issued from
    findings_open = models.PositiveSmallIntegerField(default=0)
    issued_on = models.DateField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} of plan {self.plan_id}"

    @property
    def called(self) -> str:
        """How a sentence names it: "the draft", "the proposed amendments"."""
        return PLAN_VERSION_CALLED[self.kind]


PLAN_VERSION_CALLED: dict[str, str] = {
    PlanVersion.Kind.DRAFT: "the draft",
    PlanVersion.Kind.FINAL: "the final plan",
    PlanVersion.Kind.PROPOSED: "the proposed amendments",
    PlanVersion.Kind.AMENDMENT: "the amended plan",
}
# The version that closes comments on each version the family may comment on.
PLAN_VERSION_CLOSED_BY: dict[str, str] = {
    PlanVersion.Kind.DRAFT: PlanVersion.Kind.FINAL,
    PlanVersion.Kind.PROPOSED: PlanVersion.Kind.AMENDMENT,
}


class PlanComment(models.Model):
    """A family member's comment on an issued draft: on a section, or on one item in it
    (a provision, a need, an outcome), and the SEND team's answer, which the family reads."""

    class Answer(models.TextChoices):
        CHANGED = "changed", "Changed"
        NOT_CHANGED = "not_changed", "Not changed"

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="comments")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    section = models.CharField(max_length=4)  # "F"
    item = models.CharField(max_length=40, blank=True)  # "f1", or "" for the whole section
    text = models.TextField()
    answer = models.CharField(max_length=12, choices=Answer.choices, blank=True)
    answer_text = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.section}{' ' + self.item if self.item else ''}"

    @property
    def on(self) -> str:
        """What it is about, in words: "section F", "provision f1 in section F"."""
        from casework.plans.template import NATIONAL

        if not self.item:
            return f"section {self.section}"
        section = NATIONAL.section(self.section)
        kind = next((p.kind for p in section.parts if p.kind != "text"), "item") if section else "item"
        return f"{kind} {self.item} in section {self.section}"


class Milestone(models.Model):
    """A dated step recorded on a case. `key` is the name casework.clock gives the date
    (e.g. "decided_whether_to_assess", "draft_served", "final_issued")."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="milestones")
    key = models.CharField(max_length=40)
    occurred_on = models.DateField()
    outcome = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    # Empty when a council system (the API) recorded it.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="one_milestone_per_step")]

    def __str__(self) -> str:
        return f"{self.key} on {self.occurred_on}"


class MilestoneCorrection(models.Model):
    """A step recorded by mistake, put right by a team manager: its date (or decision)
    changed, or the step withdrawn. Kept with the reason, beside the audit event (whose
    summary never holds free text), and shown on the case page."""

    class Action(models.TextChoices):
        CHANGED = "changed", "Corrected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    key = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=Action.choices)
    was_on = models.DateField()
    was_outcome = models.CharField(max_length=20, blank=True)
    now_on = models.DateField(null=True, blank=True)
    now_outcome = models.CharField(max_length=20, blank=True)
    reason = models.TextField()
    family_told = models.BooleanField(default=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.key} on case {self.case_id}"


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", "School or early years setting"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology service"
    HEALTH = "health", "NHS or health team"
    SOCIAL_CARE = "social_care", "Social care team"
    COLLEGE = "college", "College"
    PRIVATE = "private", "Private practitioner"


class Organisation(models.Model):
    """Someone the council asks for advice (reg 6): a school, its educational psychology
    service, an NHS or social care team, a college, a private practitioner. Its people
    are OrganisationMemberships; its work (advice requests) belongs to it, not to them."""

    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    contact_email = models.EmailField(help_text="Where the council's requests and reminders are sent")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    """A professional's place in an organisation in this council (the same Account as
    everyone; two-step on every sign-in). Its admins invite and remove colleagues."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_admin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "account"], name="one_membership_per_person")]

    def __str__(self) -> str:
        return f"Membership {self.pk} of {self.organisation_id}"


class OrganisationInvitation(models.Model):
    """An emailed invitation to join an organisation (only a keyed hash of the link's token is kept)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    is_admin = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to {self.organisation_id}"


class AdviceKind(models.TextChoices):
    EDUCATIONAL = "educational", "Educational advice"
    PSYCHOLOGICAL = "psychological", "Psychological advice"
    HEALTH = "health", "Health advice"
    SOCIAL_CARE = "social_care", "Social care advice"
    SETTING = "setting", "Advice from the school or setting"
    OTHER = "other", "Other advice"


class AdviceRequest(models.Model):
    """Advice asked of a professional during an assessment (reg 8: 6 weeks).

    Asked of an `organisation` through the portal, it has a kind, what to cover, the
    family's consent and a status (open, taken, received, declined); recorded by the SEND
    team for an adviser outside the portal, only `adviser` and the dates."""

    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        TAKEN = "taken", "In progress"
        RECEIVED = "received", "Received"
        DECLINED = "declined", "Declined"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="advice_requests")
    adviser = models.CharField(max_length=120)
    requested_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="advice_requests"
    )
    kind = models.CharField(max_length=20, choices=AdviceKind.choices, blank=True)
    cover = models.TextField("What to cover", blank=True)
    family_consent = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    advice_note = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_on = models.DateField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # received or declined: access runs on from here
    # The organisation's reminders, each sent once (casework.services.advice.advice_reminders_send).
    reminded_ahead_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # the API's sync order (api.sync)

    class Meta:
        ordering = ["requested_on", "id"]
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"Advice from {self.adviser}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.TAKEN)

    @property
    def due_on(self) -> date:
        """6 weeks after the council asked (reg 8): every page and email reads it here."""
        from casework.clock import ADVICE

        return self.requested_on + ADVICE

    @property
    def on_time(self) -> bool | None:
        """Whether the advice arrived by its due date; None until it arrives."""
        return None if self.received_on is None else self.received_on <= self.due_on


class CaseException(models.Model):
    """An exception to the time limits (reg 10(4)), with its dates and reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exceptions")
    reason = models.CharField(max_length=30)  # casework.clock.ExceptionReason
    start = models.DateField()
    end = models.DateField()
    setting = models.CharField(max_length=160, blank=True)
    details = models.TextField(blank=True, help_text="Staff only: never shown to the family")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.reason} {self.start} to {self.end}"


class DeadlineReminder(models.Model):
    """A reminder sent to the SEND team about a case's deadline, kept so that each is sent
    once (casework.services.reminders)."""

    class Kind(models.TextChoices):
        COMING_UP = "coming_up", "Coming up"
        PASSED = "passed", "Passed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "deadline", "kind"], name="one_reminder_per_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.deadline}"


def document_upload_to(instance: Document, filename: str) -> str:
    from tenants.storage import council_path

    return council_path("documents", f"{instance.case_id}", filename)


class ScanStatus(models.TextChoices):
    # Stored, shown to nobody but its uploader ("being checked") until clamd says clean.
    SCANNING = "scanning", "Being checked"
    CLEAN = "clean", "Clean"
    # The stored file is deleted; the row stays so the uploader is told why it went.
    INFECTED = "infected", "Virus found"


class VirusScanned(models.Model):
    """A stored upload's virus scan (casework.services.scanning): Document, AccessEvidence
    and the form runner's FormFile."""

    ScanStatus = ScanStatus

    scan_status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.SCANNING)
    # A scanner that cannot be reached delays the file: tried again from scan_due_at on,
    # never passed unscanned.
    scan_attempts = models.PositiveIntegerField(default=0)
    scan_due_at = models.DateTimeField(null=True, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    threat = models.CharField(max_length=200, blank=True)  # what clamd found, for the SEND team and the log

    class Meta:
        abstract = True

    @property
    def is_clean(self) -> bool:
        return self.scan_status == ScanStatus.CLEAN


class Document(VirusScanned):
    class Kind(models.TextChoices):
        DRAFT_PLAN = "draft_plan", "Draft EHC plan"
        FINAL_PLAN = "final_plan", "Final EHC plan"
        DECISION_LETTER = "decision_letter", "Decision letter"
        ADVICE = "advice", "Advice"
        ANNUAL_REVIEW = "annual_review", "Annual review papers"
        FAMILY_UPLOAD = "family_upload", "From the family"
        OTHER = "other", "Other"

    ScanStatus = ScanStatus

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_upload_to, max_length=300, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Empty for an upload through the API by a council system.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_with_family_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The advice request a professional sent this with (their organisation may download it).
    advice_request = models.ForeignKey(
        AdviceRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "created_at"]),
            models.Index(fields=["updated_at"]),
            # The sweep's "what is still waiting for its scan" (few rows: only those).
            models.Index(
                fields=["scan_due_at"], name="document_scan_waiting", condition=models.Q(scan_status="scanning")
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    """One message in a case's thread between the family and the SEND team."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    # Empty when a council system (the API) sent it for the SEND team.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_send_team = models.BooleanField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at"]),
            # The API's council-wide feed pages through every message by (created_at, id).
            models.Index(fields=["created_at", "id"], name="message_feed"),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.case_id}"


class ThreadReadMarker(models.Model):
    """How far an account has read a case's thread (for unread counts)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "account"], name="one_read_marker")]

    def __str__(self) -> str:
        return f"{self.account} read {self.case_id} to {self.last_read_at}"


class AuditEvent(models.Model):
    """Every view and change of a child's data: who, what, when, from where."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        DOWNLOADED = "downloaded", "Downloaded"
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        SHARED = "shared", "Shared with the family"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DECIDED = "decided", "Decided"
        SENT = "sent", "Sent"

    class Subject(models.TextChoices):
        """What an event is about: a choice, never free text, so a report can count them."""

        ACCESS_EVIDENCE = "access_evidence", "Access evidence"
        ACCESS_REQUEST = "access_request", "Access request"
        ADVICE_REQUEST = "advice_request", "Advice request"
        ALERT_PREFERENCES = "alert_preferences", "Alert preferences"
        API_CLIENT = "api_client", "API client"
        CASE = "case", "Case"
        CASE_EXCEPTION = "case_exception", "Case exception"
        CHILD = "child", "Child"
        CHILD_ACCESS = "child_access", "A family's access to a child"
        COUNCIL_SETTINGS = "council_settings", "Council settings"
        DOCUMENT = "document", "Document"
        DRAFT_PLAN_REPLY = "draft_plan_reply", "Draft plan reply"
        FORM_DRAFT = "form_draft", "Form draft"
        FORM_FILE = "form_file", "Form file"
        FORM_SUBMISSION = "form_submission", "Form submission"
        FORM_VARIANT = "form_variant", "Form variant"
        FORM_VERSION = "form_version", "Form version"
        MESSAGE = "message", "Message"
        MESSAGES = "messages", "Messages (a thread)"
        MILESTONE = "milestone", "Milestone"
        PRINTED_COPY_REQUEST = "printed_copy_request", "Printed copy request"
        PLACEMENT = "placement", "Placement"
        RECORD_BUNDLE = "record_bundle", "Whole record download"
        SEN2_RETURN = "sen2_return", "SEN2 return"
        ORGANISATION = "organisation", "Organisation"
        ORGANISATION_INVITATION = "organisation_invitation", "Organisation invitation"
        ORGANISATION_MEMBERSHIP = "organisation_membership", "Organisation membership"
        STAFF_INVITATION = "staff_invitation", "Staff invitation"
        STAFF_MEMBERSHIP = "staff_membership", "Staff membership"
        TRUSTED_GRANT = "trusted_grant", "Someone the family trusts"
        PLAN = "plan", "EHC plan"
        PLAN_COMMENT = "plan_comment", "Comment on an EHC plan"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_role = models.CharField(max_length=20)  # a StaffRole, "family", "professional" or "api"
    # A professional's organisation, named in the family's "who has seen the records".
    organisation = models.ForeignKey("Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    subject = models.CharField(max_length=40, choices=Subject.choices)
    subject_id = models.BigIntegerField(null=True)
    child = models.ForeignKey(Child, null=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["child", "created_at"]), models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"{self.actor_role} {self.action} {self.subject} {self.subject_id}"


# --- The family's side: what families send and choose (citizen/ shows it; casework owns
# the rows so that its services can respect them without importing citizen).


def access_evidence_upload_to(instance: AccessEvidence, filename: str) -> str:
    from tenants.storage import council_path

    return council_path("access-evidence", f"{instance.access_request_id}", filename)


class AccessEvidence(VirusScanned):
    """A document a family sent with their request to see a child's records, because the
    SEND team asked for one (AccessRequest.evidence_document_requested). Checked by
    content like any document; only the SEND team sees it, and each download is audited."""

    access_request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=access_evidence_upload_to, max_length=300, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "access evidence"
        indexes = [
            models.Index(
                fields=["scan_due_at"], name="evidence_scan_waiting", condition=models.Q(scan_status="scanning")
            )
        ]

    def __str__(self) -> str:
        return self.title


class DraftPlanReply(models.Model):
    """A family's reply to a draft EHC plan or to proposed changes to a plan: "I agree", or
    comments, and perhaps a school or college they want named and a request to meet
    (reg 13(1), reg 22(2)(c)). The window's dates are kept as they were when the family
    replied; a reply after the last day is accepted and marked late."""

    class Response(models.TextChoices):
        AGREE = "agree", "I agree with the draft"
        COMMENTS = "comments", "I have comments"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="draft_replies")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The clock's step the reply answers: "draft_comments" or "amendment_comments".
    step_key = models.CharField(max_length=40)
    served_on = models.DateField()
    last_day = models.DateField()
    response = models.CharField(max_length=10, choices=Response.choices)
    comments = models.TextField(blank=True)
    school_requested = models.CharField("School or college you want named", max_length=200, blank=True)
    meeting_requested = models.BooleanField(default=False)
    is_late = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"Reply to the draft on {self.case_id} ({self.response})"


class AlertPreference(models.Model):
    """Which optional emails a family member wants. No row means every alert is on.
    Emails about their own requests, access and sign-in are always sent."""

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    messages = models.BooleanField("New messages from the SEND team", default=True)
    documents = models.BooleanField("Documents shared with you", default=True)
    deadlines = models.BooleanField("Reminders before your time to reply to a draft plan runs out", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    KINDS = ("messages", "documents", "deadlines")

    def __str__(self) -> str:
        return f"Alert preferences of {self.account_id}"


class PrintedCopyRequest(models.Model):
    """A family member asked for the plan on paper; the request went to the service
    area's contact address. Kept to refuse a second request soon after the first."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    document = models.ForeignKey(Document, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_to = models.EmailField()
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["case", "account", "requested_at"])]

    def __str__(self) -> str:
        return f"Printed copy of {self.case_id} for {self.account_id}"


class FamilyReminder(models.Model):
    """A reminder sent to a family member that their window to reply is closing, kept so
    that each is sent once (citizen.services_family.draft_reply_reminders_send)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "account", "last_day"], name="one_family_reminder_per_window")
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.account_id} on {self.case_id} for {self.last_day}"


class Sen2Return(models.Model):
    """One run of the council's SEN2 return for a census date, kept with who asked for
    it: worked out in the background (casework.services.sen2), its progress shown while
    it runs, then its XML (what the DfE's COLLECT accepts) and its CSVs (one a module,
    zipped, for checking)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being generated"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    census_date = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    people_done = models.PositiveIntegerField(default=0)
    people_total = models.PositiveIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0)  # rules failed when it ran
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    xml = models.BinaryField(editable=False, default=bytes)
    csv_zip = models.BinaryField(editable=False, default=bytes)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"SEN2 {self.census_date} ({self.status})"


def bundle_upload_to(instance: RecordBundle, filename: str) -> str:
    from tenants.storage import council_path

    return council_path("bundles", f"{instance.child_id}", filename)


class RecordBundle(models.Model):
    """A child's whole record as one zip (issue 16): for a family member, everything they
    may see (documents, messages, each case's timeline, their forms, an index page to
    read offline); for the SEND team, every document in date order with an index (the
    start of a tribunal bundle). Made in the background; its link works once and expires."""

    class Audience(models.TextChoices):
        FAMILY = "family", "A family member's copy"
        STAFF = "staff", "A tribunal bundle"

    class Status(models.TextChoices):
        QUEUED = "queued", "Being put together"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)  # the link works once
    file = models.FileField(upload_to=bundle_upload_to, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)  # documents and forms inside
    token_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["child", "requested_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} of {self.child_id} ({self.status})"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def usable(self) -> bool:
        """Ready, never downloaded, not expired: its page may show a link."""
        return self.status == self.Status.READY and self.downloaded_at is None and not self.expired

    @property
    def being_made(self) -> bool:
        """Queued within the last hour; one queued longer lost its task (a broker or
        worker down) and is shown as not made, so its page stops asking again."""
        return self.status == self.Status.QUEUED and self.created_at > timezone.now() - timedelta(hours=1)
