"""Name normalisation, nickname and variant groups (shipped UK table) and phonetic keys."""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import jellyfish

__all__ = ["normalise", "canonical_forms", "phonetic", "soundex", "variant_groups"]

_NON_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


def normalise(name: str | None) -> str | None:
    """Lower case, accents folded, punctuation dropped, single spaces; None when nothing is left."""
    if name is None:
        return None
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = _SPACES.sub(" ", _NON_LETTER.sub("", folded.lower().replace("-", " "))).strip()
    return text or None


@lru_cache(maxsize=1)
def variant_groups() -> dict[str, frozenset[str]]:
    """Each known name -> the canonical forms of the groups it belongs to (UK table and the `nicknames` list)."""
    groups: dict[str, set[str]] = {}
    text = resources.files("joinedup.link").joinpath("data/uk_name_variants.csv").read_text("utf-8")
    rows = csv.reader(line for line in text.splitlines() if line and not line.startswith("#"))
    next(rows)  # header
    for canonical, variants in rows:
        for name in [canonical, *variants.split()]:
            groups.setdefault(normalise(name) or name, set()).add(canonical)
    # the nicknames package: a curated English list (name1 has_nickname name2), wider than the UK table
    text = resources.files("nicknames").joinpath("names.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        canonical, nickname = normalise(row["name1"]), normalise(row["name2"])
        if canonical and nickname and row.get("relationship") == "has_nickname":
            groups.setdefault(canonical, set()).add(canonical)
            groups.setdefault(nickname, set()).add(canonical)
    return {k: frozenset(v) for k, v in groups.items()}


def canonical_forms(name: str | None) -> list[str]:
    """Sorted canonical forms of a given name: its groups' canonical names, or the name itself."""
    norm = normalise(name)
    if norm is None:
        return []
    first = norm.split(" ")[0]
    return sorted(variant_groups().get(first, frozenset()) | {first})


def phonetic(name: str | None) -> str | None:
    """A phonetic key of a name: NYSIIS of its first word (robust to common misspellings)."""
    norm = normalise(name)
    if norm is None:
        return None
    return jellyfish.nysiis(norm.split(" ")[0].replace(" ", "")) or None


def soundex(name: str | None) -> str | None:
    """Soundex of the first word of a name (a coarse key, used for blocking)."""
    norm = normalise(name)
    if norm is None:
        return None
    return jellyfish.soundex(norm.split(" ")[0]) or None
