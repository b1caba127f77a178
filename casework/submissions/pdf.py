"""A submission as a PDF for the case file: the council's name and colour, the form's
title, version and reference, who sent it and who is speaking, then every question
shown with its answer, section by section.

Text is set in DejaVu Sans (fonts/, embedded and subset by fpdf2): the PDF core fonts
cover Latin-1 only, and families type curly apostrophes, Welsh and Polish letters and
other scripts. A character the font lacks is left out rather than failing the
submission.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from fpdf import FPDF

from tenants.form_definitions import FormDefinition
from themes.dates import long_date

from .answers import AnswerRow
from .flow import answers_by_section, whose_words

FONTS = Path(__file__).with_name("fonts")
FONT = "DejaVu"
PAGE_MARGIN = 18
NOT_ANSWERED = "Not answered"

# fpdf2 warns once per missing glyph; the text is still written without it.
logging.getLogger("fpdf.output").setLevel(logging.ERROR)


def rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class PortalPDF(FPDF):
    """An A4 page in DejaVu Sans with a footer naming the council and the document."""

    def __init__(self, *, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        self.set_auto_page_break(auto=True, margin=PAGE_MARGIN)

    def council_band(self, council_name: str, council_colour: str) -> None:
        """The council's band across the top: its name in white on its colour (checked for
        4.5:1 contrast when the colour is set); the text below starts under it."""
        self.set_fill_color(*rgb(council_colour))
        self.rect(0, 0, self.w, 24, style="F")
        self.set_xy(PAGE_MARGIN, 8)
        self.set_text_color(255, 255, 255)
        self.set_font(FONT, "B", 14)
        self.cell(0, 8, council_name)
        self.set_text_color(11, 12, 12)
        self.set_y(32)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 5, f"{self.footer_text} · page {self.page_no()} of {{nb}}", align="C")


def submission_pdf(
    *,
    council_name: str,
    council_colour: str,
    definition: FormDefinition,
    version_number: int,
    reference: str,
    case_reference: str,
    submitted_at: datetime,
    submitted_by: str,
    speaking_as: str,
    answers: dict,
    child: str = "",
) -> bytes:
    """The submission as a PDF for the case file: whom it is about (`child`, with the date
    of birth), who sent it and as whom (`speaking_as`), whose words the answers are where
    the form asks, then every answer shown to the family, section by section."""
    pdf = PortalPDF(footer_text=f"{council_name} · {definition.short_title} · {reference}")
    pdf.set_title(f"{definition.short_title} {reference}")
    pdf.set_author(council_name)
    pdf.set_creator("SEND Citizen Portal")
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.council_band(council_name, council_colour)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, definition.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    local = timezone.localtime(submitted_at)
    words = whose_words(definition, answers)
    facts = [
        *([("About", child)] if child else []),
        ("Reference", reference),
        ("Form version", str(version_number)),
        ("Case", case_reference),
        ("Sent", f"{long_date(local.date())} at {local:%H:%M}"),
        ("Sent by", submitted_by),
        ("Sent as", speaking_as),
        *([("Whose words", words)] if words else []),
    ]
    for label, value in facts:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(40, 6, label)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    for section in answers_by_section(definition, answers):
        pdf.set_draw_color(*rgb(council_colour))
        pdf.set_line_width(0.6)
        pdf.line(PAGE_MARGIN, pdf.get_y(), pdf.w - PAGE_MARGIN, pdf.get_y())
        pdf.ln(2)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(0, 7, section.section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        for row in section.rows:
            _row(pdf, row)
        pdf.ln(3)

    return bytes(pdf.output())


def _row(pdf: FPDF, row: AnswerRow, indent: float = 0) -> None:
    pdf.set_x(PAGE_MARGIN + indent)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, 5.5, row.label, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    if row.items:
        for number, item in enumerate(row.items, start=1):
            pdf.set_x(PAGE_MARGIN + indent + 4)
            pdf.set_font(FONT, "B", 10)
            pdf.multi_cell(0, 5.5, f"{row.question.item_name.capitalize()} {number}", new_x="LMARGIN", new_y="NEXT")
            for sub in item:
                _row(pdf, sub, indent=indent + 8)
    else:
        text = "\n".join(row.lines) if row.lines else NOT_ANSWERED
        pdf.set_x(PAGE_MARGIN + indent)
        pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
