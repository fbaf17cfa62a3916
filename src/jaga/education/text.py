"""Lesson text: a small, safe subset of Markdown, rendered by escaping everything first.

``## heading``, ``### heading``, paragraphs (a blank line between), lists (``- item`` or ``1. item``),
``**bold**``, links ``[text](https://...)`` or ``[text](/path)``, and a picture uploaded to the lesson on a
line of its own, ``![what the picture shows](name)``: the words in the brackets are its alt text, required.
Nothing else becomes markup: no HTML, no outside images, no scripts, whatever is typed. Officers see the same
rendering in the preview.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LINK = re.compile(r"\[([^\]]{1,200})\]\(((?:https://|/)[^\s)]{1,300})\)")
BOLD = re.compile(r"\*\*([^*]{1,300})\*\*")
IMAGE = re.compile(r"^!\[([^\]]*)\]\(([a-z0-9][a-z0-9-]{0,59})\)$")


@dataclass(frozen=True)
class Picture:
    """Where a lesson's picture is served, at a phone's width and at twice it, and its size."""

    small: str
    large: str
    width: int
    height: int


def _figure(alt: str, picture: Picture) -> str:
    return (
        f'<figure><img src="{escape(picture.small)}" srcset="{escape(picture.small)} 360w, '
        f'{escape(picture.large)} 720w" sizes="(min-width: 760px) 720px, 100vw" width="{picture.width}" '
        f'height="{picture.height}" alt="{escape(alt.strip())}" loading="lazy" decoding="async"></figure>'
    )


def pictures_wrong(source: str, names: set[str]) -> list[str]:
    """What is wrong with the pictures a text places: a missing alt text, a name not uploaded."""
    from django.utils.translation import gettext as _

    found = []
    for line in (source or "").replace("\r\n", "\n").split("\n"):
        match = IMAGE.match(line.strip())
        if match is None:
            continue
        alt, name = match.groups()
        if not alt.strip():
            found.append(
                _("The picture %(name)s has no description: write what it shows, ![what it shows](%(name)s).")
                % {"name": name}
            )
        elif name not in names:
            found.append(_("No picture called %(name)s is uploaded to this lesson.") % {"name": name})
    return found


def _inline(text: str) -> str:
    escaped = str(escape(text))
    escaped = BOLD.sub(r"<strong>\1</strong>", escaped)
    return LINK.sub(r'<a href="\2">\1</a>', escaped)


def render(source: str, pictures: Mapping[str, Picture] | None = None) -> SafeString:
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
        placed = [IMAGE.match(line) for line in lines]
        if all(placed):
            for match in placed:
                assert match is not None
                alt, name = match.groups()
                picture = (pictures or {}).get(name)
                if picture is not None and alt.strip():
                    html.append(_figure(alt, picture))
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
