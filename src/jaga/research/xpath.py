"""The XPath that XLSForms use for relevance and constraints, evaluated on the server.

A web form without JavaScript shows every question; on submission, the server decides what was relevant
and checks the constraints with this evaluator, as ODK Collect and Enketo would. It knows what XLSForms
commonly write: ``${name}`` references, ``.`` (the answer itself), numbers and strings, ``= != < <= > >=``,
``and or``, ``+ - * div mod``, parentheses, and the functions ``selected``, ``count-selected``, ``not``,
``string-length``, ``regex``, ``contains``, ``starts-with``, ``number``, ``int``, ``string``, ``today``,
``true``, ``false``, ``if`` and ``coalesce``. Anything else is refused when the form is loaded, with
the question's name, rather than misread when a participant answers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<string>'[^']*'|\"[^\"]*\")|(?P<ref>\$\{[A-Za-z_][\w.-]*\})"
    r"|(?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,|\.)|(?P<name>[A-Za-z_][\w-]*))"
)


class XPathError(ValueError):
    pass


Value = Any  # str, float, bool or list[str] (a multiple choice)


def tokens(text: str) -> list[tuple[str, str]]:
    found, at = [], 0
    text = text.strip()
    while at < len(text):
        match = TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise XPathError(f"cannot read {text[at : at + 20]!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        at = match.end()
        while at < len(text) and text[at].isspace():
            at += 1
    return found


def _number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, list):
        value = " ".join(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return "" if value is None else str(value)


def _boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    if isinstance(value, list):
        return bool(value)
    return bool(value)


def _compare(op: str, left: Value, right: Value) -> bool:
    a, b = _number(left), _number(right)
    numeric = not (math.isnan(a) or math.isnan(b))
    if op in ("=", "!="):
        equal = a == b if numeric else _string(left) == _string(right)
        return equal if op == "=" else not equal
    if not numeric:
        return False  # "" < 5 is false, as in XPath
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _selected(values: Value, choice: Value) -> bool:
    chosen = values if isinstance(values, list) else _string(values).split()
    return _string(choice) in chosen


FUNCTIONS: dict[str, Callable[..., Value]] = {
    "selected": _selected,
    "count-selected": lambda v: float(len(v if isinstance(v, list) else _string(v).split())),
    "not": lambda v: not _boolean(v),
    "string-length": lambda v: float(len(_string(v))),
    "regex": lambda v, pattern: re.fullmatch(_string(pattern), _string(v)) is not None,
    "contains": lambda a, b: _string(b) in _string(a),
    "starts-with": lambda a, b: _string(a).startswith(_string(b)),
    "number": _number,
    "int": lambda v: float(math.trunc(_number(v))) if not math.isnan(_number(v)) else math.nan,
    "string": _string,
    "today": lambda: date.today().isoformat(),
    "true": lambda: True,
    "false": lambda: False,
    "if": lambda c, a, b: a if _boolean(c) else b,
    "coalesce": lambda a, b: a if _string(a) else b,
}


class _Parser:
    def __init__(self, text: str, answers: dict[str, Value], current: Value) -> None:
        self.items = tokens(text)
        self.at = 0
        self.answers = answers
        self.current = current

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        item = self.peek()
        if item is None or (value is not None and item[1] != value):
            raise XPathError(f"expected {value or 'more'}")
        self.at += 1
        return item

    def parse(self) -> Value:
        value = self.or_()
        if self.peek() is not None:
            raise XPathError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return value

    def or_(self) -> Value:
        value = self.and_()
        while self.peek() == ("name", "or"):
            self.take()
            right = self.and_()
            value = _boolean(value) or _boolean(right)
        return value

    def and_(self) -> Value:
        value = self.compare()
        while self.peek() == ("name", "and"):
            self.take()
            right = self.compare()
            value = _boolean(value) and _boolean(right)
        return value

    def compare(self) -> Value:
        value = self.add()
        while self.peek() is not None and self.peek()[1] in ("=", "!=", "<", "<=", ">", ">="):  # type: ignore[index]
            op = self.take()[1]
            value = _compare(op, value, self.add())
        return value

    def add(self) -> Value:
        value = self.multiply()
        while self.peek() is not None and self.peek()[1] in ("+", "-"):  # type: ignore[index]
            op = self.take()[1]
            right = self.multiply()
            value = _number(value) + _number(right) if op == "+" else _number(value) - _number(right)
        return value

    def multiply(self) -> Value:
        value = self.unary()
        while self.peek() in (("op", "*"), ("name", "div"), ("name", "mod")):
            op = self.take()[1]
            right = _number(self.unary())
            if op == "*":
                value = _number(value) * right
            elif right == 0:
                value = math.nan
            else:
                value = _number(value) / right if op == "div" else math.fmod(_number(value), right)
        return value

    def unary(self) -> Value:
        if self.peek() == ("op", "-"):
            self.take()
            return -_number(self.unary())
        return self.primary()

    def primary(self) -> Value:
        kind, text = self.take()
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1]
        if kind == "ref":
            return self.answers.get(text[2:-1], "")
        if text == ".":
            return self.current
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "name" and self.peek() == ("op", "("):
            if text not in FUNCTIONS:
                raise XPathError(f"the function {text}() is not supported")
            self.take("(")
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.or_())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.or_())
            self.take(")")
            try:
                return FUNCTIONS[text](*args)
            except TypeError as exc:
                raise XPathError(f"{text}() takes other arguments") from exc
        raise XPathError(f"unexpected {text!r}")


def evaluate(expression: str, answers: dict[str, Value], current: Value = "") -> bool:
    """The expression's truth for these answers (``current``: the value ``.`` stands for)."""
    return _boolean(_Parser(expression, answers, current).parse())


def check(expression: str) -> None:
    """Raises XPathError when the expression cannot be evaluated here (read once, on made-up answers)."""
    for name in re.findall(r"\$\{([^}]*)\}", expression):
        if not re.fullmatch(r"[A-Za-z_][\w.-]*", name):
            raise XPathError(f"${{{name}}} is not a question name")
    _Parser(expression, {}, "").parse()


def references(expression: str) -> list[str]:
    return re.findall(r"\$\{([A-Za-z_][\w.-]*)\}", expression)
