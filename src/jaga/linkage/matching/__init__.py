"""Probabilistic matching on keyed encodings: Splink (DuckDB) scores pairs, Jaga clusters them.

Splink compares the encodings only: Dice similarity of the Bloom filters (DuckDB's BIT type, AND
and bit_count), equality of keyed hashes. It blocks on keyed keys, estimates u by random sampling
and m by expectation maximisation on the data itself, and gives each pair a match probability.
Clustering is Jaga's: edges are merged strongest first, and a merge is refused when the two groups
hold evidence of two different children (two NIKs, two sexes, two birth dates that are not a
typo of each other, clearly different names, or a reviewer's "different children"), so that one
weak link cannot chain two children together. See docs/adr/0012-linkage-matching.md.

The package's parts, in the order a run goes through them: `files` (reading and checking encoded
input), `model` (comparisons and blocking rules), `training` (fields, m and u, thresholds),
`scoring` (blocked pairs weighted in SQL), `clustering` (chain checks), `pipeline` (one run).
What callers need is imported here.
"""

from jaga.linkage.matching.common import InputError, Pair, Progress, Result, Thresholds
from jaga.linkage.matching.files import check_encoded_file, connect, load_csv, load_rows
from jaga.linkage.matching.pipeline import run

__all__ = [
    "InputError",
    "Pair",
    "Progress",
    "Result",
    "Thresholds",
    "check_encoded_file",
    "connect",
    "load_csv",
    "load_rows",
    "run",
]
