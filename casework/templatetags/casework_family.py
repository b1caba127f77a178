"""Template tags for what families send, shown on the SEND team's screens.

`{% case_draft_replies_for case as replies %}`: the family's replies to the draft plan
(or proposed changes) on a case page, one query. `{% access_evidence_for access_request
as evidence %}`: the documents a family sent with a request to see a child's records,
one query. Each is a partial the staff templates include, so the views stay as they are."""

from __future__ import annotations

from django import template

from casework.models import AccessEvidence, AccessRequest, Case, DraftPlanReply
from casework.selectors.access import access_evidence_for_request
from casework.selectors.documents import draft_replies_for_case

register = template.Library()


@register.simple_tag
def case_draft_replies_for(case: Case) -> list[DraftPlanReply]:
    return list(draft_replies_for_case(case=case))


@register.simple_tag
def access_evidence_for(access_request: AccessRequest) -> list[AccessEvidence]:
    return access_evidence_for_request(access_request=access_request)
