"""Text messages: what one says, how long it is and what it costs.

A text is billed by the fragment. In the GSM 03.38 alphabet a single text holds 160
characters and a longer one is cut into parts of 153 (the rest is the header that joins
them); the characters in GSM's extension table (such as € [ ] { }) count twice. Any other
character (a curly quote, an emoji, most accented letters) sends the whole text as
Unicode: 70 characters, or parts of 67."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from django.conf import settings

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "^{}\\[~]|€\f"
LONGEST = 918  # Notify refuses a text longer than this


@dataclass(frozen=True)
class TextSize:
    characters: int  # as the network counts them (an extended character is two)
    fragments: int
    unicode: bool

    @property
    def pence(self) -> float:
        """What Notify charges for it beyond the free allowance, in pence (before VAT)."""
        return round(self.fragments * settings.NOTIFY_SMS_PENCE_PER_FRAGMENT, 2)


def text_size(body: str) -> TextSize:
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in body):
        length = sum(2 if c in GSM_EXTENDED else 1 for c in body)
        return TextSize(length, 1 if length <= 160 else ceil(length / 153), unicode=False)
    length = len(body)
    return TextSize(length, 1 if length <= 70 else ceil(length / 67), unicode=True)


def text_body(*, council_name: str, what: str, link: str) -> str:
    """A family's text: whose message it is, what changed (an email's subject: a kind of
    change and, where there is one, what to do and by when), and where to sign in. Never a
    name or what anyone wrote, like the emails. Plain ASCII punctuation, to stay in GSM."""
    what = what.strip().rstrip(".").replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    body = f"{council_name}: {what}. Sign in to see more: {link}" if link else f"{council_name}: {what}."
    return body[:LONGEST]
