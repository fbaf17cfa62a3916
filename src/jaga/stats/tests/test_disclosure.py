"""The attacker: solve what is published for what is hidden, on many random tables; recover nothing."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from jaga.stats.disclosure import TOTAL, Table, attack, suppress


def random_table(rng: random.Random) -> Table:
    shape = rng.choice(
        [
            (rng.randint(1, 12),),
            (rng.randint(2, 10), rng.randint(2, 7)),
            (rng.randint(2, 5), rng.randint(2, 4), rng.randint(2, 3)),
        ]
    )
    sparse = rng.random() < 0.5  # child-protection tables are mostly small numbers
    counts = {
        cell: rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9] if sparse else [0, 1, 3, 7, 12, 25, 40, 100])
        for cell in itertools.product(*[range(n) for n in shape])
    }
    additive = tuple(rng.random() < 0.8 for _ in shape) if len(shape) > 1 else (True,)
    return Table(shape, counts, threshold=5, additive=additive)


def solve_exactly(table: Table) -> dict[tuple[int, ...], int] | None:
    """A second, independent attacker for small tables: enumerate every assignment of the hidden
    cells that agrees with the published lines; a cell with one possible value is recovered."""
    hidden = sorted(table.suppressed)
    limits = {c: (range(0, table.threshold) if table.values[c] < table.threshold else range(0, 15)) for c in hidden}
    if not hidden or math.prod(len(r) for r in limits.values()) > 60_000:
        return None  # too many combinations to enumerate here
    lines = table.lines()
    possible: dict[tuple[int, ...], set[int]] = {c: set() for c in hidden}
    for values in itertools.product(*(limits[c] for c in hidden)):
        guess = dict(zip(hidden, values, strict=True))
        if all(
            sum(guess.get(c, table.values[c]) for c in line[:-1]) == guess.get(line[-1], table.values[line[-1]])
            for line in lines
        ):
            for c, v in guess.items():
                possible[c].add(v)
    return {c: next(iter(v)) for c, v in possible.items() if len(v) == 1 and max(limits[c]) >= table.values[c]}


def test_no_suppressed_cell_can_be_recovered_from_random_tables() -> None:
    rng = random.Random(20261128)
    enumerated = 0
    for _n in range(400):
        table = suppress(random_table(rng))
        assert not attack(table), table.counts
        for cell, value in table.values.items():
            if 0 < value < table.threshold:
                assert cell in table.suppressed, "every small count is hidden"
            if cell not in table.suppressed:
                assert table.published(cell) == value, "what is published is true"
        recovered = solve_exactly(table)
        assert not recovered, (table.counts, recovered)
        enumerated += recovered is not None
    assert enumerated >= 40, "the enumerating attacker checked enough tables"


def test_margins_are_sums_and_the_labels_say_only_what_is_true() -> None:
    table = suppress(Table((3,), {(0,): 2, (1,): 9, (2,): 30}))
    assert table.values[(TOTAL,)] == 41
    assert table.label((0,)) == "<5"
    assert table.label((1,)) == "x", "the smallest other count hides it, and does not claim to be small"
    assert table.label((2,)) == "30" and table.label((TOTAL,)) == "41"
    beside_zero = suppress(Table((3,), {(0,): 2, (1,): 0, (2,): 30}))
    assert [beside_zero.label((i,)) for i in range(3)] == ["<5", "0", "x"], "a zero protects nothing here"
    only_zeros = suppress(Table((3,), {(0,): 2, (1,): 0, (2,): 0}))
    assert only_zeros.label((TOTAL,)) == "<5", "with nothing else to hide, the total is hidden"


def test_a_lone_small_count_in_a_line_is_never_left_alone() -> None:
    table = suppress(Table((2, 2), {(0, 0): 1, (0, 1): 20, (1, 0): 20, (1, 1): 20}))
    assert len(table.suppressed) >= 4  # a rectangle: no row or column with a single hidden cell
    assert not attack(table)


def test_cells_hidden_elsewhere_stay_hidden_and_published_ones_stay_published() -> None:
    table = suppress(
        Table((2, 2), {(0, 0): 10, (0, 1): 10, (1, 0): 10, (1, 1): 10}, forced={(0, TOTAL)}, locked={(1, TOTAL)})
    )
    assert (0, TOTAL) in table.suppressed and (1, TOTAL) not in table.suppressed
    assert not attack(table)


@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_the_threshold_is_configurable(threshold: int) -> None:
    table = suppress(Table((2,), {(0,): threshold - 1, (1,): 50}, threshold=threshold))
    assert table.label((0,)) == f"<{threshold}"
