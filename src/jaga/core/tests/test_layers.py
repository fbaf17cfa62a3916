"""The app graph runs one way (issue: architecture, point 2).

Each part of Jaga may import only the parts below it in LAYERS, at the top of a module or inside a
function alike: an import placed in a function to dodge a cycle is still a cycle. An app hears about
the work of an app above it through a named event (``core/events.py``) or a hook listed in settings
(``JAGA_HOME_ITEMS``, ``JAGA_CASE_PAGE_PARTS``), never by importing it.

The audit app is two layers: the log itself (its models, chain and ``record``), which every service
below cases writes to, and its pages (browser, filters, the refused-requests middleware and alert),
which read organisations and users.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jaga

ROOT = Path(jaga.__file__).parent

# Bottom first. A module belongs to the most specific entry that names it.
LAYERS = [
    "core",
    "regions",
    "audit",
    "accounts",
    "audit.pages",
    "notifications",
    "operations",
    "cases",
    "hotline",
    "linkage",
    "stats",
    "research",
    "programs",
    "education",
    "reports",
    "synth",
]
# Modules of an app that sit in another layer than the app.
PARTS = {
    "audit.views": "audit.pages",
    "audit.forms": "audit.pages",
    "audit.selectors": "audit.pages",
    "audit.refusals": "audit.pages",
    "audit.urls": "audit.pages",
}


def layer_of(module: str) -> str | None:
    """``jaga.cases.views`` -> "cases"; None for Jaga's own root modules (settings, urls, conftest)."""
    parts = module.split(".")[1:]
    for n in range(len(parts), 0, -1):
        if (name := ".".join(parts[:n])) in PARTS:
            return PARTS[name]
    return parts[0] if parts and parts[0] in LAYERS else None


def imports() -> list[tuple[str, str, str]]:
    """(importing module, imported module, where) for every import of a Jaga module outside the tests."""
    found = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        module = ".".join(("jaga", *relative.with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jaga."):
                # Each name: ``from jaga.audit import services, views`` imports two layers.
                found += [(module, f"{node.module}.{alias.name}", f"{relative}:{node.lineno}") for alias in node.names]
            elif isinstance(node, ast.Import):
                found += [
                    (module, a.name, f"{relative}:{node.lineno}") for a in node.names if a.name.startswith("jaga.")
                ]
    return found


def test_no_part_of_jaga_imports_a_part_above_it() -> None:
    upward = []
    for module, target, where in imports():
        here, there = layer_of(module), layer_of(target)
        if here is None or there is None or here == there:
            continue
        if LAYERS.index(there) > LAYERS.index(here):
            upward.append(f"{where}: {here} imports {target} ({there})")
    assert not upward, "imports against the layers:\n" + "\n".join(sorted(upward))


def test_every_app_has_a_layer() -> None:
    apps = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - {"templates", "static"}
    assert apps <= {layer.split(".")[0] for layer in LAYERS}, apps


def test_the_check_sees_an_import_inside_a_function() -> None:
    source = "def f():\n    from jaga.cases.models import Case\n    return Case\n"
    nodes = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)]
    assert nodes and layer_of(nodes[0].module or "") == "cases"
    assert LAYERS.index("cases") > LAYERS.index("accounts")  # accounts importing this would be refused


MAX_LINES = 500  # ADR 0001: a module longer than this is two modules


def test_no_module_is_longer_than_the_limit() -> None:
    """A module past the limit is split along its seams (a package or a sibling module), not grown."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
