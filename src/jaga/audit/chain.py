"""The hash chain: what a row's hash covers, and how the chain is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical(
    *,
    seq: int,
    created_at: datetime,
    action: str,
    actor_id: Any,
    organisation_id: Any,
    ip: str | None,
    target_type: str,
    target_id: str,
    details: dict[str, Any],
) -> str:
    """The row's content as one deterministic string (sorted keys, UTC time, no spaces)."""
    return json.dumps(
        {
            "seq": seq,
            "created_at": created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "action": action,
            "actor_id": str(actor_id) if actor_id else None,
            "organisation_id": str(organisation_id) if organisation_id else None,
            "ip": ip or None,
            "target_type": target_type,
            "target_id": target_id,
            "details": details,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def canonical_many(first_seq: int, created_at: datetime, entries: list[dict[str, Any]]) -> list[str]:
    """``canonical`` of consecutive rows, the same text for each, faster where rows differ only in
    their target (a bulk import writes thousands such rows): the common part is encoded once."""
    common = {k: v for k, v in entries[0].items() if k != "target_id"} if entries else {}
    if len(entries) < 2 or any(
        entry.keys() != entries[0].keys() or any(entry[k] != v for k, v in common.items()) for entry in entries[1:]
    ):
        return [canonical(seq=first_seq + n, created_at=created_at, **entry) for n, entry in enumerate(entries)]
    marker = "\u0000jaga-target\u0000"
    template = canonical(seq=0, created_at=created_at, **{**entries[0], "target_id": marker})
    # Sorted keys put "seq" right before "target_id"; both are cut out and filled in per row.
    cut = f'"seq":0,"target_id":{json.dumps(marker, ensure_ascii=False)},'
    if template.count(cut) != 1:
        return [canonical(seq=first_seq + n, created_at=created_at, **entry) for n, entry in enumerate(entries)]
    head, tail = template.split(cut)
    return [
        f'{head}"seq":{first_seq + n},"target_id":{json.dumps(entry["target_id"], ensure_ascii=False)},{tail}'
        for n, entry in enumerate(entries)
    ]


def link_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def row_content(row: Any) -> str:
    return canonical(
        seq=row.seq,
        created_at=row.created_at,
        action=row.action,
        actor_id=row.actor_id,
        organisation_id=row.organisation_id,
        ip=row.ip,
        target_type=row.target_type,
        target_id=row.target_id,
        details=row.details,
    )


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head: str

    def __str__(self) -> str:
        return f"{self.count}:{self.head}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        count, sep, head = text.strip().partition(":")
        if not sep or not count.isdigit() or len(head) != 64:
            raise ValueError("a checkpoint looks like COUNT:HASH, as printed by `jaga audit checkpoint`")
        return cls(int(count), head.lower())


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    reason: str = ""


def verify_rows(rows: Iterable[Any], checkpoint: Checkpoint | None = None) -> VerifyResult:
    """Walk rows in ``seq`` order. Any edit, deletion, reordering or insertion breaks a link.

    Truncation of the newest rows leaves a valid shorter chain; only a checkpoint kept elsewhere
    reveals it, so one may be given.
    """
    prev = GENESIS
    expected_seq = 1
    count = 0
    for row in rows:
        if row.seq != expected_seq:
            return VerifyResult(False, count, prev, row.seq, f"expected row {expected_seq}, found row {row.seq}")
        if row.prev_hash != prev:
            return VerifyResult(False, count, prev, row.seq, "does not follow the row before it")
        if link_hash(prev, row_content(row)) != row.hash:
            return VerifyResult(False, count, prev, row.seq, "its content does not match its hash")
        prev = row.hash
        count += 1
        expected_seq += 1
        if checkpoint and count == checkpoint.count and prev != checkpoint.head:
            return VerifyResult(False, count, prev, row.seq, "differs from the checkpoint")
    if checkpoint and count < checkpoint.count:
        return VerifyResult(
            False,
            count,
            prev,
            count + 1,
            f"missing: the checkpoint has {checkpoint.count} rows, the log {count}",
        )
    return VerifyResult(True, count, prev)
