"""Lesson text: a small, safe subset of Markdown, rendered by escaping everything first.

``## heading``, ``### heading``, paragraphs (a blank line between), lists (``- item`` or ``1. item``),
``**bold**`` and links ``[text](https://...)`` or ``[text](/path)``. Nothing else becomes markup: no HTML,
no images, no scripts, whatever is typed. Officers see the same rendering in the preview.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LINK = re.compile(r"\[([^\]]{1,200})\]\(((?:https://|/)[^\s)]{1,300})\)")
BOLD = re.compile(r"\*\*([^*]{1,300})\*\*")


def _inline(text: str) -> str:
    escaped = str(escape(text))
    escaped = BOLD.sub(r"<strong>\1</strong>", escaped)
    return LINK.sub(r'<a href="\2">\1</a>', escaped)


def render(source: str) -> SafeString:
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", (source or "").replace("\r\n", "\n")) if b.strip()]
    html: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines[0].startswith("### "):
            html.append(f"<h3>{_inline(lines[0][4:])}</h3>")
            lines = lines[1:]
        elif lines[0].startswith("## "):
            html.append(f"<h2>{_inline(lines[0][3:])}</h2>")
            lines = lines[1:]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            html.append("<ul>" + "".join(f"<li>{_inline(line[2:])}</li>" for line in lines) + "</ul>")
        elif all(re.match(r"\d+\. ", line) for line in lines):
            html.append("<ol>" + "".join(f"<li>{_inline(line.split('. ', 1)[1])}</li>" for line in lines) + "</ol>")
        else:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text was escaped above


def words(source: str) -> int:
    return len(re.findall(r"\w+", source or ""))
