"""``python -m jaga.linkage.tests.nusantara RECORDS OUT.csv [SEED]``: writes that many records."""

import sys
from pathlib import Path

from . import generate, write

write(generate(int(sys.argv[1]), seed=int(sys.argv[3]) if len(sys.argv) > 3 else 7), Path(sys.argv[2]))
