"""Disclosure control for published tables: primary and secondary (complementary) suppression.

A table has one to three dimensions and all its margins (row, column and grand totals). A cell
between 1 and ``threshold - 1`` is suppressed (primary). Then more cells are suppressed
(secondary) until no suppressed cell can be worked out from what is published:

1. in every line (a row, a column, ..., with its total), suppressed entries are none or at least
   two: a lone one equals the total minus the others;
2. no suppressed cell is determined by the linear equations of all the lines together (an exact
   test: elimination over a large prime field);
3. no suppressed cell is pinned down by bounds: a cell shown "<5" lies in [0, t-1], one shown "x"
   in [0, total]; an attacker narrows them line by line and must not reach one value.

Every hidden cell below the threshold reads "<5", whether it is a small count or a zero hidden beside
one, so an attacker knows only that it lies in [0, t-1]. Complements are the smallest non-zero
counts (shown "x": they are not small), then zeros, and a total only when nothing else is left.
``attack()`` is the attacker the tests play; suppression runs it on itself until it recovers nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PRIME = (1 << 61) - 1
TOTAL = -1  # the index of a margin along an axis

Cell = tuple[int, ...]  # one index per axis; TOTAL marks a margin


@dataclass
class Table:
    """Counts keyed by interior cell (one index per axis); margins are computed."""

    shape: tuple[int, ...]
    counts: dict[Cell, int]
    threshold: int = 5
    # Per axis: whether summing along it means something (a case counted once). Along a
    # multi-valued dimension (forms, services) sums double-count, so no total exists along it.
    additive: tuple[bool, ...] = ()
    forced: set[Cell] = field(default_factory=set)  # hidden whatever their value (hidden in another table)
    locked: set[Cell] = field(default_factory=set)  # published in another table: never chosen as complements
    primary: set[Cell] = field(default_factory=set)
    secondary: set[Cell] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.additive = self.additive or tuple(True for _ in self.shape)
        self.values: dict[Cell, int] = {}
        axes = [[*range(n), *([TOTAL] if add else [])] for n, add in zip(self.shape, self.additive, strict=True)]
        for cell in itertools.product(*axes):
            self.values[cell] = sum(self.counts.get(c, 0) for c in self._interior(cell))

    def _interior(self, cell: Cell) -> Iterable[Cell]:
        ranges = [range(n) if i == TOTAL else (i,) for i, n in zip(cell, self.shape, strict=True)]
        return itertools.product(*ranges)

    @property
    def suppressed(self) -> set[Cell]:
        return self.primary | self.secondary

    def lines(self) -> list[list[Cell]]:
        """Every equation: the entries along one axis with the others fixed; the last entry is the total."""
        found = []
        axes = [[*range(n), *([TOTAL] if add else [])] for n, add in zip(self.shape, self.additive, strict=True)]
        for axis, size in enumerate(self.shape):
            if not self.additive[axis]:
                continue
            others = [a if k != axis else [None] for k, a in enumerate(axes)]
            for fixed in itertools.product(*others):
                line = [tuple(i if k == axis else fixed[k] for k in range(len(self.shape))) for i in range(size)]
                found.append([*line, tuple(TOTAL if k == axis else fixed[k] for k in range(len(self.shape)))])
        return found

    def published(self, cell: Cell) -> int | None:
        return None if cell in self.suppressed else self.values[cell]

    def label(self, cell: Cell) -> str:
        """What a reader sees: the count; "<5" for any hidden count below the threshold (a small count,
        or a zero hidden beside one: readers cannot tell which); "x" for a larger count hidden to protect one."""
        if cell in self.suppressed:
            return f"<{self.threshold}" if self.values[cell] < self.threshold else "x"
        return str(self.values[cell])


def suppress(table: Table) -> Table:
    t = table.threshold
    table.primary = {cell for cell, value in table.values.items() if 0 < value < t and cell not in table.locked}
    table.secondary = {cell for cell in table.forced if cell in table.values} - table.primary
    lines = table.lines()
    for _round in range(10_000):
        hidden = table.suppressed
        lone = next((line for line in lines if sum(1 for c in line if c in hidden) == 1), None)
        if lone is not None:
            table.secondary.add(_complement(table, lone, avoid=set()))
            continue
        recovered = attack(table)
        if not recovered:
            return table
        before = len(table.secondary)
        for target in sorted(recovered):  # one more hidden cell beside each recovered one, all in this round
            if target in table.secondary and len(table.secondary) > before:
                continue
            around = [line for line in lines if target in line]
            table.secondary.add(_best_complement(table, around, avoid=recovered))
        if len(table.secondary) == before:  # every neighbour hidden already: hide the smallest published cell
            rest = [c for c in table.values if c not in table.suppressed and c not in table.locked]
            if not rest:
                return table  # everything is hidden
            table.secondary.add(min(rest, key=lambda c: (table.values[c] == 0, table.values[c], c)))
    raise RuntimeError("suppression did not settle")  # cannot happen: each round hides at least one more cell


def _best_complement(table: Table, lines: Sequence[Sequence[Cell]], *, avoid: set[Cell]) -> Cell:
    """Across the lines through a recovered cell: the smallest non-zero interior cell still published,
    else what ``_complement`` picks in the first line that has anything left."""
    hidden = table.suppressed
    candidates = [
        c for line in lines for c in line[:-1] if c not in hidden and c not in avoid and c not in table.locked
    ]
    if candidates:
        return min(candidates, key=lambda c: (table.values[c] == 0, table.values[c], c))
    line = next((ln for ln in lines if any(c not in hidden for c in ln)), lines[0])
    return _complement(table, line, avoid=avoid)


def _complement(table: Table, line: Sequence[Cell], *, avoid: set[Cell]) -> Cell:
    """The cell to hide next in ``line``: the smallest non-zero interior cell, else a zero, else the total."""
    hidden = table.suppressed
    free = [c for c in line[:-1] if c not in hidden and c not in avoid and c not in table.locked]
    if free:  # the smallest count; a zero only where nothing else is left (a line summing to 0 gives zeros away)
        return min(free, key=lambda c: (table.values[c] == 0, table.values[c], c))
    if line[-1] not in hidden and line[-1] not in table.locked:
        return line[-1]
    # Every entry of the line is hidden already: widen elsewhere through the grand total.
    grand = tuple(TOTAL for _ in table.shape)
    if grand in table.values and grand not in hidden and grand not in table.locked:
        return grand
    rest = [c for c in table.values if c not in hidden and c not in table.locked]
    return min(rest, key=lambda c: (table.values[c], c)) if rest else line[0]


# --- The attacker ----------------------------------------------------------------------------------


def attack(table: Table) -> set[Cell]:
    """The suppressed cells an attacker can recover exactly from the published table."""
    return _solve_linear(table) | _bound(table)


def _solve_linear(table: Table) -> set[Cell]:
    """Cells fixed by the line equations alone (reduced row echelon form over GF(PRIME))."""
    hidden = sorted(table.suppressed)
    if not hidden:
        return set()
    index = {cell: k for k, cell in enumerate(hidden)}
    rows: list[dict[int, int]] = []
    for line in table.lines():
        row = {index[c]: 1 for c in line[:-1] if c in index}
        if line[-1] in index:
            row[index[line[-1]]] = PRIME - 1  # the total moves to the left-hand side
        if row:
            rows.append(row)
    return {hidden[col] for col, row in _rref(rows, len(hidden)) if len(row) == 1}


def _rref(rows: list[dict[int, int]], width: int) -> list[tuple[int, dict[int, int]]]:
    """Sparse Gauss-Jordan elimination; answers each pivot column with its final row."""
    pivots: list[int] = []
    done = 0
    for col in range(width):
        pivot = next((i for i in range(done, len(rows)) if col in rows[i]), None)
        if pivot is None:
            continue
        rows[done], rows[pivot] = rows[pivot], rows[done]
        inverse = pow(rows[done][col], PRIME - 2, PRIME)
        lead = {k: v * inverse % PRIME for k, v in rows[done].items()}
        rows[done] = lead
        for i, row in enumerate(rows):
            factor = row.get(col)
            if i == done or not factor:
                continue
            for k, v in lead.items():
                value = (row.get(k, 0) - factor * v) % PRIME
                if value:
                    row[k] = value
                else:
                    row.pop(k, None)
        pivots.append(col)
        done += 1
    return [(col, rows[k]) for k, col in enumerate(pivots)]


def _bound(table: Table) -> set[Cell]:
    """Interval narrowing: primary cells in [1, t-1], others in [0, grand total]; repeat until stable."""
    grand_cell = tuple(TOTAL for _ in table.shape)
    known = grand_cell in table.values and grand_cell not in table.suppressed
    grand = table.values[grand_cell] if known else 10**12
    low = {c: 0 for c in table.suppressed}  # "<5" may hide a zero: nothing is known above zero
    high = {c: (table.threshold - 1 if table.values[c] < table.threshold else grand) for c in table.suppressed}
    lines = [line for line in table.lines() if any(c in low for c in line)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            total = line[-1]
            parts = line[:-1]
            if total in low:  # the total is hidden: it is at least the sum of lows, at most of highs
                lo = sum(low.get(c, table.values[c]) for c in parts)
                hi = sum(high.get(c, table.values[c]) for c in parts)
                if lo > low[total] or hi < high[total]:
                    low[total], high[total] = max(low[total], lo), min(high[total], hi)
                    changed = True
                t_lo, t_hi = low[total], high[total]
            else:
                t_lo = t_hi = table.values[total]
            sum_lo = sum(low.get(c, table.values[c]) for c in parts)
            sum_hi = sum(high.get(c, table.values[c]) for c in parts)
            for c in parts:
                if c not in low:
                    continue
                others_lo, others_hi = sum_lo - low[c], sum_hi - high[c]
                lo, hi = max(low[c], t_lo - others_hi), min(high[c], t_hi - others_lo)
                if lo > low[c] or hi < high[c]:
                    sum_lo, sum_hi = sum_lo + lo - low[c], sum_hi + hi - high[c]
                    low[c], high[c] = lo, hi
                    changed = True
    return {c for c in low if low[c] >= high[c]}
