"""Load the shipped term files and a council's own, and check that every cross-reference resolves."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

from pydantic import ValidationError

from joinedup.errors import UserError
from joinedup.inputs import load_yaml
from joinedup.glossary.models import Term, TermFile

__all__ = ["Glossary", "load_glossary", "load_file", "shipped_files"]


@dataclass(frozen=True)
class Glossary:
    """All terms by id, with the file each came from."""

    terms: dict[str, Term]
    files: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.terms.values())

    def __contains__(self, term_id: object) -> bool:
        return term_id in self.terms

    def get(self, term_id: str) -> Term | None:
        """The term with this id, or None."""
        return self.terms.get(term_id)

    def in_sector(self, sector: str) -> list[Term]:
        """The terms a sector uses."""
        return [t for t in self.terms.values() if sector in t.sectors]

    def nearest(self, term: Term, sector: str) -> list[Term]:
        """A sector's nearest concepts to a term: its equivalents first, then related terms, then one step on."""
        found: dict[str, Term] = {}
        for ref in (*term.equivalents, *term.related):
            other = self.terms[ref]
            if sector in other.sectors:
                found.setdefault(ref, other)
        if not found:
            # What the term's equivalents are equivalent to in the reader's sector (P1 -> reablement -> early help).
            for ref in term.equivalents:
                for ref2 in self.terms[ref].equivalents:
                    other = self.terms[ref2]
                    if sector in other.sectors and ref2 != term.id:
                        found.setdefault(ref2, other)
        return list(found.values())


def shipped_files() -> list[Path]:
    """The YAML term files shipped in the package, one per sector."""
    root = resources.files("joinedup.glossary") / "data" / "terms"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith((".yaml", ".yml")))


def _where(loc: tuple, raw: object) -> str:
    parts = []
    if len(loc) >= 2 and loc[0] == "terms" and isinstance(loc[1], int):
        tid = None
        if isinstance(raw, dict) and isinstance(raw.get("terms"), list) and loc[1] < len(raw["terms"]):
            item = raw["terms"][loc[1]]
            tid = item.get("id") if isinstance(item, dict) else None
        parts.append(f"term {loc[1] + 1}" + (f" ({tid})" if tid else ""))
        loc = loc[2:]
    return ", ".join(parts + [".".join(str(x) for x in loc)]) if loc else ", ".join(parts)


def load_file(path: Path) -> TermFile:
    """One term file, validated; a bad file raises UserError naming file and field."""
    try:
        raw = load_yaml(path)  # bounded size, aliases and nesting; UTF-8 checked: one error line naming the file
    except OSError as e:
        raise UserError(f"cannot read glossary file ({e.strerror})", file=str(path)) from None
    if not isinstance(raw, dict):
        raise UserError("a glossary file must be a mapping with a 'terms:' list", file=str(path))
    try:
        return TermFile.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        msg = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            msg = "unknown field"
        raise UserError(msg, file=str(path), field=_where(tuple(first["loc"]), raw) or None) from None


def _yaml_files(d: Path) -> list[Path]:
    if not d.exists():
        raise UserError("glossary folder not found", file=str(d))
    if d.is_file():
        return [d]
    found = sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml"))
    if not found:
        raise UserError("no .yaml term files in this folder", file=str(d))
    return found


def _check_links(terms: dict[str, Term], files: dict[str, str]) -> None:
    for t in terms.values():
        for kind in ("equivalents", "related"):
            for ref in getattr(t, kind):
                if ref not in terms:
                    raise UserError(f"links to unknown term {ref!r}", file=files[t.id], field=f"{t.id}.{kind}")


def plain_file() -> Path:
    """The shipped list of names too plain to explain, grouped by the reason they are plain."""
    return Path(str(resources.files("joinedup.glossary") / "data" / "plain.yaml"))


def _spelled_out(term: Term) -> tuple[str, ...]:
    """The term's names that are words, not acronyms: the term, its expansion and variants with a lower-case letter."""
    return tuple(n for n in (term.term, term.expansion, *term.variants) if n and any(c.islower() for c in n))


#: Abbreviations every reader knows, so a name holding one can still be plain ('NHS trust').
_KNOWN_ABBREVIATIONS = frozenset({"NHS", "GP", "GPs", "UK"})


def _has_acronym(name: str) -> bool:
    """Whether a name holds a word with two capitals or with letters and digits ('STI testing', 's151 officer'), other
    than NHS, GP and UK."""
    return any((sum(c.isupper() for c in w) >= 2 or (any(c.isdigit() for c in w) and any(c.isalpha() for c in w)))
               and w not in _KNOWN_ABBREVIATIONS
               for w in name.replace("-", " ").split())


def apply_plain(terms: dict[str, Term], path: Path) -> dict[str, Term]:
    """Mark the names a plain list names as plain (`all`: every spelled-out name); unknown ids or names are errors."""
    try:
        raw = load_yaml(path)  # bounded size, aliases and nesting; UTF-8 checked: one error line naming the file
    except OSError as e:
        raise UserError(f"cannot read the plain-names list ({e.strerror})", file=str(path)) from None
    groups = raw.get("groups") if isinstance(raw, dict) else None
    if not isinstance(groups, list):
        raise UserError("a plain-names list must be a mapping with a 'groups:' list", file=str(path))
    out = dict(terms)
    for i, group in enumerate(groups, 1):
        if not isinstance(group, dict) or not str(group.get("why", "")).strip() or not isinstance(group.get("terms"), dict):
            raise UserError("each group needs a 'why:' reason and a 'terms:' mapping", file=str(path), field=f"group {i}")
        for tid, names in group["terms"].items():
            if tid not in out:
                raise UserError(f"unknown term {tid!r}", file=str(path), field=f"group {i}.{tid}")
            term = out[tid]
            chosen = _spelled_out(term) if names == "all" else tuple(names if isinstance(names, list) else [names])
            own = {n.lower(): n for n in _spelled_out(term)}
            for n in chosen:
                if str(n).lower() not in own:
                    raise UserError(f"{n!r} is not a spelled-out name of {tid}", file=str(path), field=f"group {i}.{tid}")
                if _has_acronym(own[str(n).lower()]):
                    raise UserError(f"{n!r} holds an acronym, and acronyms are never plain", file=str(path),
                                    field=f"group {i}.{tid}")
            merged = tuple(dict.fromkeys((*term.plain, *(own[str(n).lower()] for n in chosen))))
            out[tid] = term.model_copy(update={"plain": merged})
    return out


def _build(paths: Iterable[Path], plain: Path | None = None) -> Glossary:
    terms: dict[str, Term] = {}
    files: dict[str, str] = {}
    for path in paths:

        for t in load_file(path).terms:
            if t.id in terms:
                raise UserError(f"term id {t.id!r} is already defined in {files[t.id]}", file=str(path),
                                field=f"{t.id}.id")
            terms[t.id] = t
            files[t.id] = str(path)
    _check_links(terms, files)
    if plain is not None:
        terms = apply_plain(terms, plain)
    return Glossary(terms=terms, files=files)


@lru_cache(maxsize=8)
def _cached(extra: tuple[str, ...]) -> Glossary:
    paths = shipped_files()
    for d in extra:
        paths += _yaml_files(Path(d))
    return _build(paths, plain_file())


def load_glossary(extra_dirs: Iterable[str | Path] = ()) -> Glossary:
    """The shipped glossary plus any council folders (or files) of extra terms, validated."""
    return _cached(tuple(str(Path(d)) for d in extra_dirs))

