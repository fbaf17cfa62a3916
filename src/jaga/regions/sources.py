"""Where the region list comes from. Codes and names are read from these files, never typed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

SOURCE = {
    "package": "cahyadsn/wilayah_boundaries (MIT), simplified copy in jaga/regions/data/",
    "version": "commit 3c5a7960f4d227a38489094d84252bdbb3f978a5 (2026-08-20)",
    "regulation": "Kepmendagri No 300.2.2-2430 Tahun 2025",
}


@dataclass(frozen=True)
class RegionRecord:
    code: str
    name: str
    level: str
    parent_code: str | None


def read_regions(data_dir: Path = DATA_DIR) -> list[RegionRecord]:
    """Provinces first, then regencies, each in code order."""
    records: list[RegionRecord] = []
    provinces = json.loads((data_dir / "provinces.geojson").read_text(encoding="utf-8"))
    for feature in provinces["features"]:
        props = feature["properties"]
        records.append(RegionRecord(props["code"], props["name"], "province", None))
    regencies = json.loads((data_dir / "regencies.geojson").read_text(encoding="utf-8"))
    for feature in regencies["features"]:
        props = feature["properties"]
        records.append(RegionRecord(props["code"], props["name"], "regency", props["province_code"]))
    return records
