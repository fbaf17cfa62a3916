"""Survey analysis through the disclosure control of the published statistics.

A table counts the responses to one question (its choices; a whole number's values) by a second question or
by none. Cells of 1 to 4 responses are hidden, with complements so that nothing hidden follows from the
margins (the same ``suppress`` as the case statistics, run on the unweighted counts). When the study names
a weight question, the published cells are the weighted sums (one decimal); a hidden cell stays hidden.
Free text is never tabulated or published. The respondent file for researchers leaves out free text and
is k-anonymous on province, age band and sex (the case extract's rules).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jaga.core.tables import csv_text
from jaga.research.models import Response, Study
from jaga.research.studies import answers_of
from jaga.research.xlsform import Question, questions
from jaga.stats.disclosure import TOTAL, Table, suppress

TABULAR = ("select_one", "select_multiple", "integer")
DEMOGRAPHIC = ["province", "age_band", "sex"]  # question names a form may use for the usual breakdowns


class AnalysisError(ValueError):
    pass


@dataclass
class Crosstab:
    title: str
    rows: list[tuple[str, str]]  # (value, label)
    columns: list[tuple[str, str]]
    shown: dict[tuple[int, ...], str] = field(default_factory=dict)  # TOTAL for margins
    responses: int = 0
    weighted: bool = False
    multi: bool = False

    def header(self) -> list[str]:
        return [self.title, *(label for _v, label in self.columns), str(_("Total"))]

    def body(self) -> list[list[str]]:
        rows = [
            [label, *(self.shown[(i, j)] for j in range(len(self.columns))), self.shown[(i, TOTAL)]]
            for i, (_v, label) in enumerate(self.rows)
        ]
        if not self.multi:
            rows.append(
                [
                    str(_("Total")),
                    *(self.shown[(TOTAL, j)] for j in range(len(self.columns))),
                    self.shown[(TOTAL, TOTAL)],
                ]
            )
        return rows


def known_questions(study: Study) -> dict[str, Question]:
    """Every question of every version by path (the newest version's wording first)."""
    found: dict[str, Question] = {}
    for instrument in study.instruments.order_by("-version"):
        for question in questions(instrument.definition):
            found.setdefault(question.path, question)
    return found


def _values(question: Question, lang: str, answers: list[Any]) -> list[tuple[str, str]]:
    if question.type in ("select_one", "select_multiple"):
        return [(name, question.choice_label(name, lang)) for name, _labels in question.choices]
    values = sorted({str(a) for a in answers if a not in ("", None)}, key=lambda v: (len(v), v))
    if len(values) > 30:
        raise AnalysisError(_("%(q)s has too many different values to tabulate.") % {"q": question.name})
    return [(v, v) for v in values]


def crosstab(study: Study, path: str, by: str = "", lang: str = "id") -> Crosstab:
    known = known_questions(study)
    question = known.get(path)
    if question is None or question.repeat:
        raise AnalysisError(_("Choose a question of this study's form."))
    if question.type not in TABULAR:
        raise AnalysisError(_("Free text and notes are never tabulated or published: choose a question with choices."))
    column = known.get(by) if by else None
    if by and (column is None or column.type not in TABULAR or column.type == "select_multiple" or column.repeat):
        raise AnalysisError(_("Break down by a question with one answer from a list (province, sex, age band...)."))
    records = [answers_of(r) for r in Response.objects.filter(study=study, erased_at__isnull=True)]
    weight_of = (lambda a: float(a.get(study.weight_question) or 1)) if study.weight_question else (lambda a: 1.0)
    row_values = _values(question, lang, [a.get(path) for a in records])
    col_values = _values(column, lang, [a.get(by) for a in records]) if column else [("", str(_("All")))]
    rindex = {v: i for i, (v, _l) in enumerate(row_values)}
    cindex = {v: j for j, (v, _l) in enumerate(col_values)}
    counts: dict[tuple[int, ...], int] = defaultdict(int)
    weights: dict[tuple[int, ...], float] = defaultdict(float)
    answered = 0
    for answers in records:
        value = answers.get(path)
        if value in (None, "", []):
            continue
        j = cindex.get(str(answers.get(by, ""))) if column else 0
        if j is None:
            continue
        answered += 1
        for v in value if isinstance(value, list) else [str(value)]:
            if v in rindex:
                counts[(rindex[v], j)] += 1
                weights[(rindex[v], j)] += weight_of(answers)
    multi = question.type == "select_multiple"
    table = suppress(
        Table(
            (len(row_values), len(col_values)), dict(counts), settings.JAGA_STATS_THRESHOLD, additive=(not multi, True)
        )
    )
    result = Crosstab(
        title=question.label(lang),
        rows=row_values,
        columns=col_values,
        responses=answered,
        weighted=bool(study.weight_question),
        multi=multi,
    )
    for cell in table.values:
        if cell in table.suppressed or not study.weight_question:
            result.shown[cell] = table.label(cell)
        else:
            cells = [(i, j) for (i, j) in weights if (cell[0] in (TOTAL, i)) and (cell[1] in (TOTAL, j))]
            result.shown[cell] = f"{sum(weights[c] for c in cells):.1f}"
    return result


def respondent_file(study: Study) -> tuple[bytes, dict[str, Any]]:
    """De-identified responses (no free text), k-anonymous on province, age band and sex, as a ZIP."""
    from jaga.stats.research import k_anonymise

    known = known_questions(study)
    kept = [q for q in known.values() if q.type in (*TABULAR, "decimal", "date") and not q.repeat]
    rows = []
    for response in Response.objects.filter(study=study, erased_at__isnull=True).order_by("?"):
        answers = answers_of(response)
        row = {q.path: " ".join(v) if isinstance(v := answers.get(q.path, ""), list) else str(v) for q in kept}
        row.update({name: row.get(name, "") for name in DEMOGRAPHIC})
        rows.append(row)
    k = settings.JAGA_RESEARCH_K
    extract = k_anonymise(rows, k, quasi=DEMOGRAPHIC, steps=DEMOGRAPHIC)
    columns = ["record", *dict.fromkeys([*(q.path for q in kept), *DEMOGRAPHIC])]
    readme = (
        f"{study.title}: {len(extract.rows)} responses, de-identified. Free text is left out. Every combination "
        f"of {', '.join(DEMOGRAPHIC)} is shared by at least {k} responses; "
        + "; ".join(f"{step} generalised to * in {n}" for step, n in extract.generalised.items())
        + f"; {extract.suppressed} responses left out.\nEthics approval: {study.ethics_reference}. "
        "Do not try to identify anyone. Your download is recorded.\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("responses.csv", csv_text(columns, ([r.get(c, "") for c in columns] for r in extract.rows)))
        archive.writestr("README.txt", readme)
    return buffer.getvalue(), {"rows": len(extract.rows), "left_out": extract.suppressed, "k": k}


def datapackage(table: Crosstab, study: Study) -> bytes:
    """One published table as a Frictionless data package (hidden cells declared as missing values)."""
    header = table.header()
    buffer = io.BytesIO()
    missing = [f"<{settings.JAGA_STATS_THRESHOLD}", "x"]
    fields = [{"name": header[0], "type": "string"}]
    fields += [{"name": f"{name} ({k})", "type": "number"} for k, name in enumerate(header[1:], start=1)]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("table.csv", csv_text([f["name"] for f in fields], table.body()))
        archive.writestr(
            "datapackage.json",
            json.dumps(
                {
                    "name": "jaga-survey-table",
                    "title": f"{study.title}: {table.title}",
                    "resources": [
                        {
                            "name": "table",
                            "path": "table.csv",
                            "format": "csv",
                            "mediatype": "text/csv",
                            "encoding": "utf-8",
                            "schema": {"fields": fields, "missingValues": ["", *missing]},
                        }
                    ],
                },
                ensure_ascii=False,
                indent=1,
            ),
        )
    return buffer.getvalue()
