"""The statutory steps, named once: each step's key, its place in the order of things,
the regulation it comes from, its title and meaning on a timeline, what the SEND team
calls a case waiting on it, and what the family reads.

`casework.clock` builds every timeline's steps from here, the staff screens and the API
label a case's stage from here (`staff_label`), and the family's pages say where a case
is from here (`family_text`). Rewording a step is a change to this file only.

A case's stage (Case.stage) is the key of the step it waits on; the steps that are done
the day the clock starts (`request`, `reassessment_agreed`) are never a stage.
"""

from __future__ import annotations

from dataclasses import dataclass

FINISHED = "finished"

_DRAFT_COMMENTS_MEANING = (
    "You have at least 15 days, counting the day the draft was sent, to comment on it, ask for a "
    "particular school or college to be named, and ask to meet the council."
)


@dataclass(frozen=True)
class StepWords:
    key: str
    title: str  # on a timeline, for the family and the SEND team (unless staff_title says otherwise)
    meaning: str  # what the step is, in a sentence or two
    regulation: str  # the usual source; the clock names another where a case differs
    staff_label: str = ""  # a case waiting on this step, in the SEND team's words
    family_text: str = ""  # the same, in the family's
    staff_title: str = ""  # on the SEND team's timeline, where the title speaks to the family
    order: int = 0  # set from the position in STEPS

    @property
    def is_stage(self) -> bool:
        return bool(self.staff_label)


_STEPS = (
    # --- An EHC needs assessment
    StepWords(
        "request",
        "Request for an assessment received",
        "The council received the request for an EHC needs assessment. The 20 weeks start from this day.",
        "s.36(1) Children and Families Act 2014",
    ),
    StepWords(
        "decision_to_assess",
        "Decision whether to assess",
        "The council decides whether to carry out an EHC needs assessment and writes to tell you. "
        "If it decides not to, the letter explains why and how to appeal.",
        "reg 5(1)",
        staff_label="Decision whether to assess",
        family_text="The council is deciding whether to carry out an assessment",
    ),
    StepWords(
        "advice",
        "Advice from professionals",  # on a timeline: "Advice from <the adviser>"
        "Each person the council asks for advice about your child's needs has 6 weeks to send it.",
        "reg 8(1)",
        staff_label="Advice from professionals",
        family_text="The council is asking professionals for advice",
    ),
    StepWords(
        "decision_to_issue",
        "Decision whether to issue a plan",
        "After the assessment the council decides whether your child needs an EHC plan. If it decides "
        "not to issue one, it must tell you by this date and explain how to appeal. If it decides to "
        "issue one, it sends you a draft plan.",
        "reg 10(1)",
        staff_label="Decision whether to issue a plan",
        family_text="The council is deciding whether to issue an EHC plan",
    ),
    StepWords(
        "draft_comments",
        "Your comments on the draft plan",
        _DRAFT_COMMENTS_MEANING,
        "reg 13(1)",
        staff_label="Family commenting on the draft plan",
        staff_title="The family's comments on the draft plan",
        family_text="Your turn: reply to the draft plan",
    ),
    StepWords(
        "final_plan",
        "Final EHC plan issued",
        "The council sends you the final EHC plan. The whole process must take no more than 20 weeks "
        "from the day the council received the request.",
        "reg 13(2)",
        staff_label="Final plan",
        family_text="The council is finishing the final EHC plan",
    ),
    # --- An annual review (reg 20 at a school or college, reg 21 otherwise)
    StepWords(
        "meeting_notice",
        "Notice of the review meeting",
        "Everyone invited, including you, must be told the date of the review meeting at least 2 weeks before it.",
        "reg 20(3)",
        staff_label="Notice of the review meeting",
        family_text="The review meeting is being arranged",
    ),
    StepWords(
        "advice_circulated",
        "Reports shared before the meeting",
        "Advice and information about your child must be sent to everyone invited at least 2 weeks before the meeting.",
        "reg 20(4)",
        staff_label="Reports shared before the meeting",
        family_text="Reports are being shared before the review meeting",
    ),
    StepWords(
        "review_meeting",
        "Annual review meeting",
        "The plan must be reviewed at a meeting within 12 months of the plan being issued, then within 12 "
        "months of the last review.",
        "s.44(1) Children and Families Act 2014",
        staff_label="Review meeting",
        family_text="The annual review meeting",
    ),
    StepWords(
        "review_report",
        "Review meeting report",
        "A report of the meeting, with any changes recommended to the plan, must be sent to everyone invited "
        "within 2 weeks of the meeting.",
        "reg 20",
        staff_label="Review meeting report",
        family_text="The report of the review meeting is being written",
    ),
    StepWords(
        "review_decision",
        "Decision: keep, change or end the plan",
        "Within 4 weeks of the meeting the council must tell you whether it will keep the plan as it is, "
        "change it or stop maintaining it. If it proposes changes, it sends them with this decision.",
        "reg 20",
        staff_label="Review decision",
        family_text="The council is deciding whether to keep, change or end the plan",
    ),
    StepWords(
        "amendment_comments",
        "Your comments on the proposed changes",
        "You have at least 15 days, counting the day the proposed changes were sent, to comment, ask for "
        "a particular school or college to be named, and ask to meet the council.",
        "reg 22(2)(c)",
        staff_label="Family commenting on proposed changes",
        staff_title="The family's comments on the proposed changes",
        family_text="Your turn: reply to the proposed changes",
    ),
    StepWords(
        "amended_plan",
        "Final amended plan issued",
        "The council sends you the final amended plan.",
        "reg 22(3); R (L) v Devon CC [2022] EWHC 493 (Admin)",
        staff_label="Final amended plan",
        family_text="The council is finishing the amended plan",
    ),
    # --- A re-assessment
    StepWords(
        "reassessment_agreed",
        "Re-assessment agreed",
        "The council told you it will re-assess your child's needs. The 14 weeks start from this day.",
        "reg 25(1)",
    ),
    StepWords(
        "reassessment_plan",
        "Final plan after re-assessment",
        "The council sends you the final plan. This must be no more than 14 weeks after it told you it "
        "would re-assess.",
        "reg 27(2)",
        staff_label="Final plan after re-assessment",
        family_text="The council is finishing the plan after the re-assessment",
    ),
    # --- A phase transfer
    StepWords(
        "phase_transfer",
        "New school or college named in the plan",
        "The plan must be amended to name the new school before 15 February in the year of the move.",
        "reg 18(1)",
        staff_label="New school or college named",
        family_text="The council is naming the new school or college in the plan",
    ),
)

STEPS: dict[str, StepWords] = {
    words.key: StepWords(**{**words.__dict__, "order": order}) for order, words in enumerate(_STEPS, start=1)
}


def step_words(key: str) -> StepWords:
    return STEPS[key]


def staff_title(key: str, title: str) -> str:
    """A timeline step's title on the SEND team's pages: its own staff title, else `title`
    (the clock's, which may name more, such as the adviser)."""
    words = STEPS.get(key)
    return words.staff_title if words is not None and words.staff_title else title


# A case's stage, in order, in each reader's words (FINISHED last).
STAGE_LABELS: dict[str, str] = {key: s.staff_label for key, s in STEPS.items() if s.is_stage} | {FINISHED: "Finished"}
STAGE_TEXTS: dict[str, str] = {key: s.family_text for key, s in STEPS.items() if s.is_stage} | {FINISHED: "Finished"}
