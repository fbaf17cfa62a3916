"""Survey instruments from XLSForm (the standard of KoboToolbox, ODK and SurveyCTO), read by pyxform.

``load`` converts the file as ODK would (pyxform's own checks: a broken form is refused with pyxform's
message) and keeps its JSON. ``questions`` flattens it into what the web form, the imports and the
analysis use: each question with its path, type, labels in Indonesian and English, choices, required,
relevance (its groups' included) and constraint. Types Jaga does not collect on its web form (a photo,
a location) are refused when the form is loaded, naming the question.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jaga.research import xpath

TYPES = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "date": "date",
    "note": "note",
}
IGNORED = {"calculate", "start", "end", "today", "deviceid", "username", "audit"}
MAX_REPEATS = 3  # instances of a repeat offered on the web form


class FormError(ValueError):
    """The XLSForm cannot be used; the message names the problem (and the question)."""


@dataclass
class Question:
    name: str
    path: str  # "group/name"
    type: str
    labels: dict[str, str]
    choices: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    required: bool = False
    relevant: list[str] = field(default_factory=list)  # this question's and its groups' expressions
    constraint: str = ""
    constraint_message: dict[str, str] = field(default_factory=dict)
    repeat: str = ""  # the repeat group's name, if the question repeats
    group: str = ""  # the label path of its groups, for headings

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("id") or self.labels.get("en") or self.name

    def choice_label(self, value: str, lang: str) -> str:
        for name, labels in self.choices:
            if name == value:
                return labels.get(lang) or labels.get("id") or labels.get("en") or name
        return value


def _lang(key: str) -> str:
    """ "Indonesian (id)" -> "id"; "English (en)" -> "en"; "default" and others -> "id"."""
    match = re.search(r"\((\w\w)\)\s*$", key)
    return match.group(1).lower() if match else "id"


def _labels(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {_lang(key): str(text) for key, text in value.items() if text}
    return {"id": str(value)} if value else {}


def load(data: bytes, filename: str) -> dict[str, Any]:
    """The XLSForm's JSON (pyxform's), after pyxform's own conversion to an XForm succeeded."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform
    from pyxform.xls2xform import convert

    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ".xlsx"
    if suffix not in (".xlsx", ".xls", ".csv", ".md"):
        raise FormError(_("An XLSForm is an .xlsx (or .xls) file with a survey sheet."))
    try:
        convert(xlsform=io.BytesIO(data), file_type=suffix)
        definition = workbook_to_json(get_xlsform(io.BytesIO(data), file_type=suffix), form_name="data")
    except PyXFormError as exc:
        raise FormError(_("The XLSForm has a problem: %(problem)s") % {"problem": str(exc)[:400]}) from exc
    except Exception as exc:  # a file that is no spreadsheet at all
        raise FormError(
            _("This file is not an XLSForm that can be read (%(kind)s).") % {"kind": type(exc).__name__}
        ) from exc
    questions(definition)  # every type and expression understood, or refused now
    return definition


def questions(definition: dict[str, Any]) -> list[Question]:
    found: list[Question] = []

    def walk(children: list[dict[str, Any]], prefix: str, relevant: list[str], repeat: str, group: str) -> None:
        for child in children:
            kind, name = child.get("type", ""), child.get("name", "")
            bind = child.get("bind", {}) or {}
            own = [*relevant, *([bind["relevant"]] if bind.get("relevant") else [])]
            if kind in ("group", "repeat"):
                if name == "meta" or (child.get("control") or {}).get("bodyless"):
                    continue
                title = _labels(child.get("label")).get("id", name)
                walk(
                    child.get("children", []),
                    f"{prefix}{name}/",
                    own,
                    repeat or (name if kind == "repeat" else ""),
                    f"{group} · {title}".strip(" ·"),
                )
                continue
            if kind in IGNORED:
                continue
            if kind not in TYPES:
                raise FormError(
                    _(
                        'Question %(name)s: the type "%(type)s" is not collected by Jaga\'s web form; '
                        "leave it out or collect it in KoboToolbox or ODK."
                    )
                    % {"name": name, "type": kind}
                )
            for expression in [*own, bind.get("constraint", "")]:
                if expression:
                    try:
                        xpath.check(expression)
                    except xpath.XPathError as exc:
                        raise FormError(
                            _('Question %(name)s: Jaga cannot evaluate "%(expr)s" (%(why)s).')
                            % {"name": name, "expr": expression[:80], "why": exc}
                        ) from exc
            found.append(
                Question(
                    name=name,
                    path=f"{prefix}{name}",
                    type=TYPES[kind],
                    labels=_labels(child.get("label")) or {"id": name},
                    choices=[(str(c["name"]), _labels(c.get("label"))) for c in child.get("choices", [])],
                    required=str(bind.get("required", "")).lower() in ("yes", "true", "true()"),
                    relevant=own,
                    constraint=bind.get("constraint", ""),
                    constraint_message=_labels(bind.get("jr:constraintMsg")),
                    repeat=repeat,
                    group=group,
                )
            )

    walk(definition.get("children", []), "", [], "", "")
    names = [q.name for q in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise FormError(_("Question names must be unique: %(names)s.") % {"names": ", ".join(twice)})
    if not any(q.type != "note" for q in found):
        raise FormError(_("The form has no question to answer."))
    return found
