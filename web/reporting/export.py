"""A workshop as a table: one row per participant, answers and scores, for CSV and Excel.

The headers are the questions' own texts in the workshop's language, so the file reads
without a code book, each with its id beside it. Text that a spreadsheet would run as a
formula stays text: in CSV it gets a leading apostrophe, in Excel the cell is typed as
text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from questionnaire.model import DONT_KNOW, NOT_RELEVANT, Question, Questionnaire
from web.platform.text import strip_control
from web.storage.models import LOCAL_TIME, Assessment, Workshop

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None

# The fixed columns' headers, per language.
FIXED_HEADERS = {
    "sv": ["Namn", "Roll", "Status", "Anslöt", "Klar"],
    "en": ["Name", "Role", "Status", "Joined", "Finished"],
}
STATUS = {
    "sv": {"completed": "klar", "in_progress": "svarar"},
    "en": {"completed": "finished", "in_progress": "answering"},
}
OVERALL = {"sv": "Totalt", "en": "Overall"}


def defuse(value: Cell) -> Cell:
    """Text that a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def local_time(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M") if moment else ""


def answer_cell(question: Question, value: Any, language: str) -> Cell:
    """An answer as a person reads it: option texts, numbers as numbers."""
    if value is None:
        return None
    if value in (DONT_KNOW, NOT_RELEVANT) and question.type == "number":
        box = question.option(str(value))
        return box.label.get(language) if box else str(value)
    if question.type == "single":
        option = question.option(str(value))
        return option.label.get(language) if option else str(value)
    if question.type == "multi" and isinstance(value, list):
        labels = []
        for v in value:
            option = question.option(v)
            labels.append(option.label.get(language) if option else str(v))
        return "; ".join(labels)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


def headers(questionnaire: Questionnaire, language: str) -> list[str]:
    """Each column's name: the question's or the figure's words, with its id beside them
    in brackets, so each is unique (change capability is both a dimension and an area)
    and a script can find it by the id."""
    items = [
        f"{q.text.get(language)} [{q.id}]"
        for s in questionnaire.maturity_sections
        for q in s.questions
    ]
    dimensions = [f"{d.name.get(language)} [score_{d.id}]" for d in questionnaire.dimensions]
    areas = [f"{a.name.get(language)} [index_{a.id}]" for a in questionnaire.areas]
    found = [*FIXED_HEADERS[language], *items, *dimensions, *areas]
    return [*found, f"{OVERALL[language]} [index_overall]"]


def rows(
    workshop: Workshop, participants: Sequence[Assessment], questionnaire: Questionnaire
) -> list[list[Cell]]:
    """The header row, then one row per participant in the order they joined."""
    language = workshop.language if workshop.language in FIXED_HEADERS else "sv"
    questions = [q for s in questionnaire.maturity_sections for q in s.questions]
    table: list[list[Cell]] = [list(headers(questionnaire, language))]
    for participant in participants:
        answers = participant.answer_map()
        outcome = participant.outcome if participant.completed else None
        row: list[Cell] = [
            participant.participant_name or "",
            participant.participant_role or "",
            STATUS[language].get(participant.status, participant.status),
            local_time(participant.created_at),
            local_time(participant.completed_at) if participant.completed else "",
        ]
        row += [answer_cell(q, answers.get(q.id), language) for q in questions]
        if outcome is not None:
            scores = outcome.scores
            row += [scores.get(d.id) for d in questionnaire.dimensions]
            row += [outcome.areas.get(a.id) for a in questionnaire.areas]
            row.append(outcome.overall)
        else:  # scores come when the participant has finished
            row += [None] * (len(questionnaire.dimensions) + len(questionnaire.areas) + 1)
        table.append([strip_control(c) if isinstance(c, str) else c for c in row])
    return table


def _swedish(cell: Cell) -> Cell:
    """A decimal number as Swedish Excel reads one: with a decimal comma."""
    if isinstance(cell, float):
        return f"{cell:g}".replace(".", ",")
    return cell


def to_csv(table: Sequence[Sequence[Cell]], for_excel: bool = False) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Swedish letters right.

    ``for_excel``: as Excel with Swedish settings opens a file by a double click, with
    semicolons between the columns and decimal commas (a comma is its decimal sign, so
    it cannot also part the columns). Otherwise comma-separated with decimal points, for
    analysts' tools.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if for_excel else ",", lineterminator="\r\n")
    for row in table:
        # Text is defused first: a decimal number written with a comma is still a number
        # ("-5,5"), not text that a spreadsheet would run as a formula.
        cells = [None if c is None else defuse(c) for c in row]
        writer.writerow(["" if c is None else (_swedish(c) if for_excel else c) for c in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Sequence[Sequence[Cell]], sheet_title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    title = re.sub(r"[\[\]:*?/\\]", " ", strip_control(sheet_title))[:31].strip(" '")
    sheet.title = title if title and title.lower() != "history" else "Workshop"
    for row in table:
        sheet.append(list(row))
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                cell.data_type = "s"  # text, never a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    for index, _column in enumerate(sheet.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 14 if index > 2 else 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(body: bytes, filename: str, mimetype: str = "text/csv; charset=utf-8") -> Response:
    """A file to save, under ``filename``."""
    # content_type, not mimetype: a mimetype of text/* gets a second "; charset=utf-8".
    response = Response(body, content_type=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response
