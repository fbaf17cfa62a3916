"""What matching hands back and takes: thresholds, scored pairs, the result, input errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from jaga.linkage.encoding import FILTERS

Progress = Callable[[str, float], None]


MAX_LISTED = 20


MAX_CLUSTER = 12  # no child is recorded by more organisations than this; a bigger group is a chain


# Dice thresholds of the names' bigrams (computed from the balanced filters and their counts, ADR
# 0011) below "exact" (the same filter): one typo in a ten-letter name leaves about 0.8, in a short
# name 0.5 to 0.6; unrelated names sit below 0.3.
NAME_LEVELS = (0.85, 0.70)


PART_LEVELS = (0.80, 0.60)


ADDRESS_LEVELS = (0.80,)


ALIAS_LEVEL = 0.90


NAME_CONFLICT = 0.50  # two names this far apart are two children, whatever else agrees


GIVEN_CONFLICT = 0.40  # the same for given names alone


SAME_WORDS = 0.80  # whole names this close have the same words (a typo or two), perhaps in another order


WITHIN = 0.85  # this share of the shorter name's bigram bits in the longer: one name within the other


WITHIN_BITS = 70  # ... if the shorter sets at least this many bits (about four bigrams)


FILTER_BYTES = {f"{field}_bf": 2 * FILTERS[field][0] // 8 + 1 for field in FILTERS}


FILTER_BYTES["alias_bf"] = FILTER_BYTES["name_bf"]


HASH = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Thresholds:
    """Pairs at or above ``match`` are the same child; between ``review`` and ``match`` a person decides.
    None: chosen from the trained model for these records (``choose_thresholds``)."""

    match: float | None = None
    review: float | None = None

    def __post_init__(self) -> None:
        match = self.match if self.match is not None else 0.99
        review = self.review if self.review is not None else min(SCORING_FLOOR, match)
        if not 0 < review <= match < 1:
            raise ValueError("thresholds must satisfy 0 < review <= match < 1")

    @property
    def chosen(self) -> bool:
        return self.match is None or self.review is None


# The share of matching pairs is estimated from at most this many blocked pairs, fully scored.
SHARE_PAIRS = 500_000
# A pair's place in that sample: its two records' id hashes (``training.number_records``; each file's with
# its place, so that one id in two files does not give 0) combined whichever side each is on, so that one
# file gives one sample however its records were numbered. As cheap as reading the record numbers.
PAIR_HASH = "xor(l.id_h, r.id_h)"


# With thresholds chosen from the model, pairs below this are never scored to the end nor shown.
SCORING_FLOOR = 0.3


MATCH_RANGE = (0.5, 0.99)  # a chosen match threshold stays in this range


EXPECTED_PRECISION = 0.99


REVIEW_MAX = 1000  # a chosen review band holds at most this many pairs (the strongest below the match threshold)


@dataclass(slots=True)
class Pair:
    """A scored pair. ``levels`` holds each comparison's level number (compact: a million pairs fit);
    ``agreement`` turns them into labels for the evidence a reviewer sees."""

    a: str
    b: str
    probability: float
    levels: tuple[int, ...] = ()
    labels: dict[str, dict[int, str]] | None = None
    refused: str = ""  # why the chain checks refused it (see conflict), if they did

    @property
    def agreement(self) -> dict[str, str]:
        """comparison -> level label ("exact", "close", "missing", ...)."""
        if not self.labels:
            return {}
        return {name: self.labels[name].get(level, "") for name, level in zip(self.labels, self.levels, strict=True)}


@dataclass
class Result:
    records: int
    matched: list[Pair]  # the edges clustering accepted
    uncertain: list[Pair]  # between the thresholds, left apart: the strongest, up to the caller's limit
    refused: list[Pair]  # above the match threshold but refused by the chain checks (levels: see run)
    clusters: dict[str, str]  # record key -> cluster key (the smallest record key in it)
    thresholds: Thresholds
    scored_pairs: int = 0
    trained: bool = False  # weights learned from these records (else the starting weights)
    uncertain_count: int = 0  # all pairs between the thresholds left apart (``uncertain`` may be fewer)
    notes: list[str] = field(default_factory=list)  # what the model did with this input (left out, defaults)

    @property
    def cluster_count(self) -> int:
        return len(set(self.clusters.values()))


class InputError(ValueError):
    """Encoded input that cannot be matched; ``problems`` are messages a person can act on."""

    def __init__(self, problems: list[str]) -> None:
        listed = "\n".join(problems[:MAX_LISTED])
        more = f"\n... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        super().__init__(f"{len(problems)} problems.\n{listed}{more}")
        self.problems = problems
