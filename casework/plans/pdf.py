"""An issued plan as a PDF (issue 15, item 6), made from the same data as the web page:
the council's band, the plan's kind and date, then sections A to K, each a heading, its
prose and its items (a provision with what, who, how often and for how long).

fpdf2, as for submissions (casework/submissions/pdf.py): pure Python, already in the
stack, with the fonts embedded. It cannot yet write a fully tagged PDF/UA structure tree
for text, so this does what it can for screen readers: the document's language and
title, and a bookmark (outline entry) for every section, so a reader can move between
sections; the web page stays the accessible version, and the PDF says so."""

from __future__ import annotations

from datetime import date

from fpdf import FPDF
from fpdf.fonts import TextStyle

from casework.submissions.pdf import FONT, PAGE_MARGIN, PortalPDF, rgb
from themes.wording import long_date

from .template import ITEM_FIELDS, NATIONAL, PlanTemplate

LINK_WORDS = {"needs": "Meets", "outcomes": "Towards"}


def plan_pdf(
    *,
    council_name: str,
    council_colour: str,
    child: str,
    case_reference: str,
    kind: str,
    issued_on: date,
    content: dict,
    web_address: str = "",
    template: PlanTemplate = NATIONAL,
) -> bytes:
    """The plan, `kind` ("Final plan") as issued on `issued_on`, as PDF bytes."""
    pdf = PortalPDF(footer_text=f"{council_name} · EHC plan · {case_reference}")
    pdf.set_title(f"EHC plan for {child}: {kind.lower()}, {long_date(issued_on)}")
    pdf.set_author(council_name)
    pdf.set_creator("SEND Citizen Portal")
    pdf.set_lang("en-GB")
    pdf.set_section_title_styles(
        TextStyle(font_family=FONT, font_style="B", font_size_pt=13, t_margin=4, b_margin=2),
    )
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.council_band(council_name, council_colour)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, f"Education, health and care plan for {child}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        0, 6, f"{kind}, issued {long_date(issued_on)}. Case {case_reference}.", new_x="LMARGIN", new_y="NEXT"
    )
    if web_address:
        pdf.multi_cell(0, 6, f"You can also read this plan as a web page: {web_address}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    for section in template.sections:
        held = (content or {}).get(section.key, {})
        pdf.set_draw_color(*rgb(council_colour))
        pdf.set_line_width(0.6)
        pdf.line(PAGE_MARGIN, pdf.get_y(), pdf.w - PAGE_MARGIN, pdf.get_y())
        pdf.start_section(f"Section {section.key}: {section.title}")
        wrote = False
        for part in section.parts:
            if part.kind == "text":
                if held.get(part.key):
                    _heading(pdf, part.label)
                    _text(pdf, held[part.key])
                    wrote = True
                continue
            for item in held.get(part.key, []):
                _heading(pdf, f"{part.kind.capitalize()} {item['id']}")
                for field, label, _hint in ITEM_FIELDS[part.kind]:
                    if item.get(field):
                        _text(pdf, f"{label}: {item[field]}")
                for field, words in LINK_WORDS.items():
                    if item.get(field):
                        _text(pdf, f"{words} {', '.join(item[field])}")
                for quote in item.get("quotes", []):
                    page = f", page {quote['page']}" if quote.get("page") else ""
                    _text(pdf, f"From advice {quote['advice']}{page}: “{quote.get('text', '')}”")
                wrote = True
        if not wrote:
            _text(pdf, "Nothing is written in this section.")
        pdf.ln(2)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _text(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
