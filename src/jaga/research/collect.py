"""Answers checked against their form, from the web form or from KoboToolbox / ODK Central exports.

``check`` walks the questions in order: a question whose relevance is false is not asked (its answer is
dropped, as ODK drops it); a required one must be answered; each value must fit its type and choices and
pass its constraint. Repeats are kept as lists of instances (``kids[0]/kname``). Imports read CSV (Kobo's
"XML values and headers" or ODK Central's) and JSON (Kobo's API, ODK Central's OData), are checked whole
and stored all or nothing, with every error by row and question.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from jaga.research import xpath
from jaga.research.xlsform import MAX_REPEATS, Question

MAX_TEXT = 2000
MAX_ROWS = 20_000
META = re.compile(
    r"^(_.*|meta[/-].*|start|end|today|deviceid|__version__|KEY|SubmissionDate|SubmitterID|"
    r"SubmitterName|AttachmentsPresent|AttachmentsExpected|Status|ReviewState|DeviceID|Edits|"
    r"FormVersion|instanceID|formhub[/-]uuid)$"
)


def _value(question: Question, raw: Any) -> tuple[Any, str]:
    """(value, error) for one raw answer; "" and [] are no answer."""
    if question.type == "select_multiple":
        values = raw if isinstance(raw, list) else str(raw or "").split()
        allowed = {name for name, _labels in question.choices}
        wrong = [v for v in values if v not in allowed]
        if wrong:
            return values, _('"%(value)s" is not one of its choices.') % {"value": wrong[0][:40]}
        return values, ""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return "", ""
    if question.type == "integer":
        if not re.fullmatch(r"-?\d+", text):
            return text, _("A whole number.")
    elif question.type == "decimal":
        try:
            float(text.replace(",", "."))
        except ValueError:
            return text, _("A number.")
        text = text.replace(",", ".")
    elif question.type == "date":
        try:
            date.fromisoformat(text[:10])
        except ValueError:
            return text, _("A date as YYYY-MM-DD.")
        text = text[:10]
    elif question.type == "select_one":
        if text not in {name for name, _labels in question.choices}:
            return text, _('"%(value)s" is not one of its choices.') % {"value": text[:40]}
    elif len(text) > MAX_TEXT:
        return text, _("At most %(n)s characters.") % {"n": MAX_TEXT}
    return text, ""


def _flat(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers by question name, for ${name} references (a repeat's answers: its first instance)."""
    flat: dict[str, Any] = {}
    for path, value in answers.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for key, inner in value[0].items():
                flat.setdefault(key.rsplit("/", 1)[-1], inner)
            continue
        flat[path.rsplit("/", 1)[-1]] = value
    return flat


def check(questions: list[Question], raw: dict[str, Any], lang: str = "id") -> tuple[dict[str, Any], dict[str, str]]:
    """The answers to keep (question path -> value; a repeat: path -> list of instances) and the errors by
    question path (a repeat's: "path[i]")."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    plain = [q for q in questions if not q.repeat]
    for question in plain:
        if question.type == "note":
            continue
        if not all(xpath.evaluate(e, _flat(answers)) for e in question.relevant):
            continue
        value, error = _value(question, raw.get(question.path, raw.get(question.name, "")))
        error = error or _constraint(question, value, _flat(answers), lang)
        if not error and question.required and value in ("", []):
            error = _("This question needs an answer.")
        if error:
            errors[question.path] = error
        elif value not in ("", []):
            answers[question.path] = value
    for repeat in dict.fromkeys(q.repeat for q in questions if q.repeat):
        instances = raw.get(repeat, [])
        members = [q for q in questions if q.repeat == repeat and q.type != "note"]
        kept = []
        for index, instance in enumerate(instances[:50] if isinstance(instances, list) else []):
            one: dict[str, Any] = {}
            for question in members:
                context = {**_flat(answers), **{k.rsplit("/", 1)[-1]: v for k, v in one.items()}}
                if not all(xpath.evaluate(e, context) for e in question.relevant):
                    continue
                value, error = _value(question, instance.get(question.path, instance.get(question.name, "")))
                error = error or _constraint(question, value, context, lang)
                if not error and question.required and value in ("", []):
                    error = _("This question needs an answer.")
                if error:
                    errors[f"{question.path}[{index + 1}]"] = error
                elif value not in ("", []):
                    one[question.path] = value
            if one:
                kept.append(one)
        if kept:
            answers[repeat] = kept
    return answers, errors


def _constraint(question: Question, value: Any, context: dict[str, Any], lang: str) -> str:
    if not question.constraint or value in ("", []):
        return ""
    if xpath.evaluate(question.constraint, context, value):
        return ""
    message = question.constraint_message.get(lang) or question.constraint_message.get("id")
    return message or _("The answer is outside what the question allows.")


def from_post(questions: list[Question], post: Any) -> dict[str, Any]:
    """A web form's fields as raw answers (repeats as ``repeat-<i>-<path>``)."""
    raw: dict[str, Any] = {}
    for question in questions:
        if question.repeat:
            continue
        raw[question.path] = (
            post.getlist(question.path) if question.type == "select_multiple" else post.get(question.path, "")
        )
    for repeat in dict.fromkeys(q.repeat for q in questions if q.repeat):
        instances = []
        for index in range(MAX_REPEATS):
            one = {}
            for question in (q for q in questions if q.repeat == repeat):
                key = f"{repeat}-{index}-{question.path}"
                one[question.path] = post.getlist(key) if question.type == "select_multiple" else post.get(key, "")
            if any(v not in ("", []) for v in one.values()):
                instances.append(one)
        raw[repeat] = instances
    return raw


def _match(column: str, questions: list[Question]) -> Question | None:
    """The question a column of an export answers: by its path (Kobo: "g1/where", ODK: "g1-where") or name."""
    for question in questions:
        if column in (question.path, question.path.replace("/", "-"), question.name) and not question.repeat:
            return question
    return None


def read_export(data: bytes, filename: str, questions: list[Question]) -> tuple[list[dict[str, Any]], list[str]]:
    """The submissions of a Kobo or ODK export as raw answers (with ``_id`` and ``_version`` kept), and the
    columns no question answers (left out, and said)."""
    text = data.decode("utf-8-sig", errors="strict") if data else ""
    if filename.lower().endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(_("The JSON file is broken at line %(line)s.") % {"line": exc.lineno}) from exc
        rows = body.get("value", body.get("results", [])) if isinstance(body, dict) else body
        if not isinstance(rows, list):
            raise ValueError(_("The JSON file holds no list of submissions."))
        flat_rows = []
        for row in rows:
            flat: dict[str, Any] = {}
            _flatten(row if isinstance(row, dict) else {}, "", flat)
            flat_rows.append(flat)
    else:
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            flat_rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        except csv.Error as exc:
            raise ValueError(_("The CSV file is broken: %(reason)s.") % {"reason": str(exc)}) from exc
    if len(flat_rows) > MAX_ROWS:
        raise ValueError(_("At most %(max)s submissions at a time.") % {"max": f"{MAX_ROWS:,}"})
    columns = dict.fromkeys(key for row in flat_rows for key in row)
    unknown = [
        c
        for c in columns
        if not META.match(c)
        and _match(c, questions) is None
        and not any(
            c.startswith(f"{q.path}/") or c.startswith(f"{q.path.replace('/', '-')}-")
            for q in questions
            if q.type == "select_multiple"
        )
    ]
    raws = []
    for row in flat_rows:
        raw: dict[str, Any] = {}
        for column, value in row.items():
            question = _match(column, questions)
            if question is not None:
                raw[question.path] = value
        raw["_id"] = str(
            row.get("_uuid")
            or row.get("__id")
            or row.get("KEY")
            or row.get("meta/instanceID")
            or row.get("meta-instanceID")
            or row.get("_id")
            or ""
        )[:80]
        raw["_version"] = str(
            row.get("__version__")
            or row.get("_version_")
            or row.get("FormVersion")
            or row.get("__system/formVersion")
            or ""
        )
        raws.append(raw)
    return raws, unknown


def _flatten(value: dict[str, Any], prefix: str, into: dict[str, Any]) -> None:
    for key, inner in value.items():
        path = f"{prefix}{key}"
        if isinstance(inner, dict) and key not in ("__system",):
            _flatten(inner, f"{path}/", into)
        elif key == "__system" and isinstance(inner, dict):
            for k, v in inner.items():
                into[f"__system/{k}"] = v
        else:
            into[path] = inner
