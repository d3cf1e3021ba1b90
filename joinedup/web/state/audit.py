"""The append-only, hash-chained audit log: each entry holds the hash of the one before.

An edit changes an entry's hash; a deletion breaks the sequence or the chain; the head (last
sequence number and hash) is also kept apart, so cutting entries off the end is found too.
The migrations add triggers that refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from joinedup.web.state.db import State
from joinedup.web.state.models import AuditEntry, Setting

__all__ = ["GENESIS", "record", "entries", "verify", "Verdict", "entry_hash"]

GENESIS = "0" * 64
_HEAD = "audit_head"
# Appends from one process take turns; other processes are kept apart by the sequence's primary key.
_APPEND = threading.Lock()


def entry_hash(seq: int, at: str, actor: str, action: str, target: str, detail: str, client: str, prev: str) -> str:
    """SHA-256 over the entry's fields and the previous hash, as canonical JSON."""
    payload = json.dumps([seq, at, actor, action, target, detail, client, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(state: State, actor: str, action: str, target: str = "", detail: dict | None = None,
           client: str = "") -> int:
    """Append one entry; returns its sequence number (a concurrent append is retried, never forked)."""
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)
    for attempt in range(50):
        try:
            with _APPEND, state.session() as s:
                last = s.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
                seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
                at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
                h = entry_hash(seq, at, actor, action, target, text, client, prev)
                s.add(AuditEntry(seq=seq, at=at, actor=actor, action=action, target=target, detail=text,
                                 client=client, prev_hash=prev, hash=h))
                s.flush()
                head = s.get(Setting, _HEAD)
                if head is None:
                    s.add(Setting(name=_HEAD, value=f"{seq}:{h}"))
                else:
                    head.value = f"{seq}:{h}"
            return seq
        except (IntegrityError, OperationalError):
            time.sleep(0.01 * (attempt + 1))  # another writer took this sequence number first, or holds the lock
    raise RuntimeError("could not append to the audit log after 50 tries")


def entries(state: State, actor: str | None = None, action: str | None = None, since: str | None = None,
            until: str | None = None, text: str | None = None, limit: int | None = 500) -> list[AuditEntry]:
    """Entries newest first, filtered by actor, action, time range (ISO dates) and text in target or detail."""
    q = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if actor:
        q = q.where(AuditEntry.actor == actor)
    if action:
        q = q.where(AuditEntry.action == action)
    if since:
        q = q.where(AuditEntry.at >= since)
    if until:
        q = q.where(AuditEntry.at < until)
    if text:
        like = f"%{text}%"
        q = q.where(AuditEntry.target.like(like) | AuditEntry.detail.like(like))
    if limit:
        q = q.limit(limit)
    with state.session() as s:
        return list(s.scalars(q))


@dataclass(frozen=True)
class Verdict:
    """The outcome of a verification: entries checked and the first problem found (None when intact)."""

    entries: int
    problem: str | None

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return self.problem is None


def verify(state: State) -> Verdict:
    """Walk the chain from the first entry: sequence, previous hash and own hash of each, then the head."""
    prev, n = GENESIS, 0
    with state.session() as s:
        for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000):
            n += 1
            if e.seq != n:
                return Verdict(n - 1, f"entry {n} is missing (next entry is {e.seq})")
            if e.prev_hash != prev:
                return Verdict(n - 1, f"entry {e.seq} does not follow entry {e.seq - 1} (previous hash differs)")
            if entry_hash(e.seq, e.at, e.actor, e.action, e.target, e.detail, e.client, e.prev_hash) != e.hash:
                return Verdict(n - 1, f"entry {e.seq} was changed after it was written (hash differs)")
            prev = e.hash
        head = s.get(Setting, _HEAD)
        count = s.scalar(select(func.count()).select_from(AuditEntry))
    if head is not None:
        seq, h = head.value.split(":", 1)
        if int(seq) != n or h != prev:
            return Verdict(n, f"the log ends at entry {n} but entry {seq} was written (entries removed from the end)")
    elif count:
        return Verdict(n, "the log's head record is missing")
    return Verdict(n, None)
