"""Find the glossary's terms in running text, as writers use them, and resolve ambiguous acronyms.

Matching looks up runs of word tokens in an index of every term's names, so it costs a few
dictionary lookups per word whatever the size of the glossary. Acronyms match in capitals, in
mixed case (CiN), with dots (S.47), plurals (LACs, CiN's) and, when they are not everyday words,
in lower case (s47, dtoc). An acronym that several terms share (CP, LD, PD, PA, CHC) is resolved
by the words around it; when the words do not decide, every reading is kept.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from wordfreq import zipf_frequency

from joinedup.errors import UserError
from joinedup.glossary.defined import Definition, paper_definitions
from joinedup.glossary.bodies import GENERIC_TERMS, NEW_NAME_NOUNS, NEW_NAME_TERMS, Body, body_names
from joinedup.glossary.provisions import Provision, own_numbering, provisions, year_references
from joinedup.glossary.statutes import KIND_TERMS, Statute, statute_titles
from joinedup.glossary.load import Glossary, load_glossary
from joinedup.glossary.models import SECTOR_NAMES, Term

__all__ = ["Match", "Annotator", "PAPER_PREFIX", "annotate", "annotator_for", "link_terms", "normalise"]

#: The id prefix of a term the paper defines itself and the glossary lacks ('paper:HNIG'): never a glossary id.
PAPER_PREFIX = "paper:"

#: A word: letters (café), digits and vulgar fractions (2-2½ year review), joined inside by dots, ampersands, apostrophes,
#: plus signs, hyphens or @ (S.47, A&E, CiN's, ASC-FR, H@H), with a plural's apostrophe (carers' assessments) or a
#: per cent sign (10% absence). A slash
#: separates words, so 'CIN/CP' is two terms.
_WORD = r"[^\W_]+(?:\([^\W_]{1,3}\)[^\W_]*)*"  # with bracketed sub-sections: 42(2), 6(1)(e), C(E)TR
_TOKEN = re.compile(_WORD + r"(?:[.&'’+\-@]" + _WORD + r")*(?:\+|%|(?<=s)['’](?![^\W_]))?")
#: Dashes and spaces writers and word processors use for '-' and ' ' (non-breaking hyphen, en dash, minus,
#: no-break space), mapped one character to one so offsets into the original text still hold.
_LOOKALIKES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                             "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " "})
#: Between the words of one name only spaces, hyphens and slashes may stand, never sentence punctuation.
_JOINER = re.compile(r"^[\s\-–/&]*,?[\s\-–/&]*$")
#: A bracketed part of a name after a space, as statutes are named: 'Homelessness (Suitability of Accommodation) Order 2003'.
_NAME_BRACKET = re.compile(r"^[\s\-–/&]*\($|^\)[\s\-–/&]*$|^\s+\(\s*$")
_PAIRED_BRACKETS = re.compile(r"(^|\s)\(([^()]*)\)")
_SPACED_DASH = re.compile(r"\s[-–—]\s")
_APOS = re.compile(r"['’.]")
_SPACES = re.compile(r"[\s\-–/]+")
#: Short acronyms that are also everyday words: matched only when written in capitals.
COMMON_WORDS = frozenset(
    "act aim ap art cafe care da dash dps eh ice ices isa it mash mat nice pa pep pip rag sat sats send "
    "spa sus ta tac toc use was".split())
#: How far either side of an acronym (in characters) its context words are looked for.
WINDOW = 300
#: A lower-case name made only of everyday English words ('care market', 'waiting list') is not shown in a paper unless
#: the paper makes it a term (writes it as a proper name, spells out its acronym, quotes or defines it): every word's
#: Zipf frequency (wordfreq, English; 4 is once in 100,000 words) at or above these. Chosen by leaving each tuning
#: corpus out in turn (`python benchmarks/glossary.py --leave-one-out`); None turns the rule off.
COMMON_ZIPF: float | None = 5.5  # names of two or more words
COMMON_ZIPF_SINGLE: float | None = 5.25  # one-word names: chosen once corpora 7-10 joined the tuning corpora (twelfth round)
#: Weight of the sentence's own sectors (the share of its unambiguous terms in a reading's sectors; the paragraph's
#: at half weight when the sentence names none) in choosing a reading.
LOCAL_WEIGHT = 2.0


#: A name that describes a measure's threshold rather than naming a thing ('three or more placements', 'missing 50%
#: or more', '2.5 years in the same placement', '21+ days'): in a paper it is the writer's own plain description.
_DESCRIPTIVE = re.compile(r"\bor (?:more|over|less|fewer|longer)\b|\bin the same\b|\d\+ (?:days?|placements?|weeks?)$")
_COMMA = re.compile(r"\s*,\s*")
_PLURAL_CAPS = re.compile(r"^[A-Z][A-Z0-9&]+['’]?s$")
#: '... care plan (CP)': an acronym in brackets straight after one of its readings' names is that reading.
_BRACKETED = re.compile(r"\(\s*$")


def normalise(text: str) -> str:
    """The lookup key of a name or a run of text: lower case, no dots or apostrophes, single spaces.

    Commas stay, so 'education, health and care plan' matches only where the writer wrote the comma
    too, and 'personal care, home care' never yields 'care home'.
    """
    if "(" in text:
        text = _PAIRED_BRACKETS.sub(r"\1\2", text)
    return _COMMA.sub(", ", _SPACES.sub(" ", _APOS.sub("", text.lower()))).strip(" ,")


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    uppers = sum(c.isupper() for c in letters)
    return " " not in name.strip() and (uppers >= 2 or (any(c.isdigit() for c in name) and len(name) <= 6))


@dataclass(frozen=True)
class _Entry:
    term_id: str
    acronym: str | None  # the acronym as written in the glossary, None for a phrase
    needs_context: bool = False  # two-character acronyms, bare numbers, names listed in needs_context
    plain: bool = False  # a name a lay reader understands from its words: matched, but not shown in a paper


@dataclass(frozen=True)
class Match:
    """One term found in the text: where, as written, and which term (or terms, if unresolved) it is."""

    start: int
    end: int
    text: str
    line: int
    column: int
    term_id: str
    readings: tuple[str, ...] = ()
    resolved: bool = True
    #: With a reader's sector: that sector's nearest concepts to the term (empty if it is their own term).
    nearest: tuple[str, ...] = ()
    #: The long form the paper itself gives for an abbreviation the glossary does not list ('Marlbridge Safeguarding
    #: Children Partnership' for MSCP). The term is then its head's glossary term, or, where no glossary name ends the
    #: long form, PAPER_PREFIX + the abbreviation: a term of this paper only. For the title of a law the glossary does
    #: not list ('the Leasehold and Freehold Reform Act 2024'), the title, under the glossary term for its kind of law.
    defined_as: str = ""
    #: What the match is, where a general recogniser found it: 'a numbered provision of the Children Act 1989' for a
    #: provision of a law, 'a local body of this kind' for a local body named after a kind the glossary explains.
    note: str = ""

    def to_dict(self) -> dict:
        """A plain dict for JSON output."""
        return {"text": self.text, "start": self.start, "end": self.end, "line": self.line,
                "column": self.column, "term_id": self.term_id, "readings": list(self.readings),
                "resolved": self.resolved, "nearest": list(self.nearest), "defined_as": self.defined_as,
                "note": self.note}


@dataclass
class Annotator:
    """An index of a glossary's names, ready to annotate text."""

    glossary: Glossary
    index: dict[str, list[_Entry]] = field(default_factory=dict)
    max_tokens: int = 1
    #: The everyday-words thresholds (see COMMON_ZIPF): a lower-case name whose rarest word is at least this common.
    common_zipf: float | None = COMMON_ZIPF
    common_zipf_single: float | None = COMMON_ZIPF_SINGLE

    def __post_init__(self) -> None:
        self._blocked: set[tuple[str, str]] = set()
        # An acronym that is also an everyday word ('rise' for RISE, 'send' for SEND) is read only as written in
        # capitals. Everyday words are COMMON_WORDS and every word the glossary's own plain-English definitions use
        # in lower case: a word written that way in a plain definition is English, not an acronym.
        self._everyday = COMMON_WORDS | frozenset(
            w for t in self.glossary for w in re.findall(r"(?<![\w-])[a-z]{3,}(?![\w-])", t.definition))
        singular: dict[str, list[_Entry]] = {}
        #: Every name (search-only ones too) to the terms it names, to read an acronym the writer spelled out.
        self._named: dict[str, set[str]] = {}
        for term in self.glossary:
            skip = {normalise(n) for n in term.search_only}
            for n in term.names:
                self._named.setdefault(normalise(n), set()).add(term.id)
            self._blocked.update((k, term.id) for k in skip)
            guarded = {normalise(n) for n in term.needs_context}
            plain_keys = {normalise(n) for n in term.plain}
            for name in _with_section_forms(term.names):
                key = normalise(name)
                if not key or key in skip:
                    continue
                acronym = name if _is_acronym(name) else None
                if acronym is None and _DESCRIPTIVE.search(name):
                    continue  # 'three or more placements', '21+ days': a measure's description, found by search only
                plain = re.sub(r"[^A-Za-z0-9]", "", name)
                needs = key in guarded or bool(acronym and (len(plain) <= 2 or not re.search(r"[A-Za-z]", plain)))
                is_plain = not acronym and key in plain_keys
                keys = {key, key.replace(" ", "")} if acronym else {key}
                if not acronym:
                    for k in (*_singulars(key), *_plural_heads(key)):
                        singular.setdefault(k, []).append(_Entry(term.id, None, needs, is_plain))
                for k in keys:
                    bucket = self.index.setdefault(k, [])
                    if not any(e.term_id == term.id and e.acronym == acronym for e in bucket):
                        bucket.append(_Entry(term.id, acronym, needs, is_plain))
                self.max_tokens = max(self.max_tokens, len(_TOKEN.findall(name)) or 1)
        for k, entries in singular.items():
            self.index.setdefault(k, entries)  # a singular never takes a name another term has as written
        self._context = {t.id: _context_pattern(t) for t in self.glossary}
        self._links: dict[str, set[str]] = {t.id: set(t.related) | set(t.equivalents) for t in self.glossary}
        for term in self.glossary:
            for ref in (*term.related, *term.equivalents):
                self._links[ref].add(term.id)
        # Runs of words are looked up only from a word that can begin a name (or a spaced acronym's letter).
        self._firsts = {k.split(" ")[0] for k in self.index} | set("abcdefghijklmnopqrstuvwxyz0123456789")

    # -- finding candidates -------------------------------------------------------------------
    def _lookup(self, text: str) -> list[_Entry]:
        key = normalise(text)
        tries = [key]
        for suffix, stem in (("s", ""), ("es", ""), ("ies", "y")):
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                tries.append(key[: -len(suffix)] + stem)
        for k in (_closed_up(text) if "-" in text else ()):  # 'Co-ordination' is 'coordination', 'Re-ablement' 'reablement'
            tries += [k] + ([k[:-1]] if k.endswith("s") and len(k) > 3 else [])
        found: list[_Entry] = []
        spaced_acronym: bool | None = None
        for k in tries:
            for e in self.index.get(k, []):
                if (key, e.term_id) in self._blocked:
                    continue  # 'placements' is search-only even though 'placement' is matched
                if e not in found and (e.acronym is None or _acronym_ok(text, e.acronym, self.glossary.terms[e.term_id], self._everyday)):
                    found.append(e)
            if not found and " " in k and spaced_acronym is None:
                # Separate words close up into an acronym only when they are single letters or numbers (A & E, s 47).
                spaced_acronym = all(len(t) == 1 or t.isdigit() for t in _TOKEN.findall(text))
            if not found and " " in k and spaced_acronym:
                for e in self.index.get(k.replace(" ", ""), []):
                    if e.acronym and e not in found and _acronym_ok(text, e.acronym, self.glossary.terms[e.term_id], self._everyday):
                        found.append(e)
            if found and not (k == key and _PLURAL_CAPS.match(text)):
                break  # 'EDs' is looked up as ED too: EDS (a listed plural) and ED both stand
        return found

    def _candidates(self, text: str) -> list[tuple[int, int, list[_Entry]]]:
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        # reach[i]: how many tokens from i on are joined only by spaces, hyphens or one comma.
        reach = [1] * len(tokens)
        for j in range(len(tokens) - 2, -1, -1):
            gap = text[tokens[j][1]:tokens[j + 1][0]]
            # An initial's full stop joins too ('C. diff'); any other full stop ends the run (a sentence).
            if _SPACED_DASH.search(gap):
                continue  # 'Adult Social Care - Market Position': a dash set between spaces divides, like a colon
            if _JOINER.match(gap) or _NAME_BRACKET.match(gap) or (
                    tokens[j][1] - tokens[j][0] == 1 and gap[:1] == "." and _JOINER.match(gap[1:])):
                reach[j] = reach[j + 1] + 1
        spans = []
        i = 0
        while i < len(tokens):
            hit = None
            first = normalise(text[tokens[i][0]:tokens[i][1]]).split(" ")[0]
            longest = min(self.max_tokens, reach[i]) if first in self._firsts else 1
            for n in range(longest, 0, -1):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                entries = self._lookup(text[start:end])
                if entries:
                    hit = (start, end, entries, n)
                    break
            if hit is None and "-" in text[tokens[i][0]:tokens[i][1]]:
                # 'PEP-style', 'CIN-level': an acronym hyphenated to an ordinary word.
                start = tokens[i][0]
                head = text[start:text.index("-", start)]
                entries = [e for e in self._lookup(head) if e.acronym]
                if entries:
                    hit = (start, start + len(head), entries, 1)
            if hit:
                spans.append(hit[:3])
                i += hit[3]
            else:
                i += 1
        return spans

    # -- resolving readings -------------------------------------------------------------------
    def _neighbour_bonus(self, scores: dict[str, float], text: str, start: int, end: int,
                         spans: list[tuple[int, int, list[_Entry]]]) -> None:
        """Terms named near an ambiguous acronym vote for the reading they are or link to (SMI near PD:
        personality disorder), and a context word inside another term's name ('physical' in 'physical health
        check') is taken back: it belongs to that term, not to the acronym."""
        lo, hi = _bounds(text, start, end)
        for s, e, entries in spans:
            if e <= lo or s >= hi or (s, e) == (start, end):
                continue
            ids = {x.term_id for x in entries}
            if len(ids) != 1:
                continue
            other = next(iter(ids))
            for tid in scores:
                if other == tid:
                    scores[tid] += 2.0  # the term itself named nearby ('CHC ... decision support tool')
                    continue
                if other in self._links[tid]:
                    scores[tid] += 1.5
                pattern = self._context[tid]
                if pattern is not None:
                    for m in pattern.finditer(text, s, e):
                        gap = start - m.end() if m.end() <= start else m.start() - end
                        scores[tid] -= 2.0 * (1.0 + 60.0 / (60.0 + max(gap, 0)))

    def _linked_near(self, term_id: str, text: str, start: int, end: int,
                     spans: list[tuple[int, int, list[_Entry]]]) -> bool:
        """A term named in the same sentence that links to this one stands for a context word: 'opt-out testing in
        the ED' (the testing links to the emergency department), 'P1 capacity ... through the BCF'."""
        near = _sentence(text, start, end)
        lo = start - len(near)
        for s, e, entries in spans:
            if (s, e) == (start, end) or e < lo or s > end + len(near):
                continue
            if (e <= start and _SENTENCE_END.search(text, e, start)) or (s >= end and _SENTENCE_END.search(text, end, s)):
                continue
            ids = {x.term_id for x in entries}
            if len(ids) == 1 and (term_id in ids or term_id in self._links[next(iter(ids))]):
                return True
        return False

    def _defined_here(self, text: str, start: int, end: int, ids: list[str]) -> str | None:
        """The reading the writer spelled out beside the acronym: 'care plan (CP)' or 'CP (care plan)'."""
        before = text[max(0, start - 120):start]
        if _BRACKETED.search(before):
            words = normalise(before[: _BRACKETED.search(before).start()]).split(" ")
            for n in range(min(_MAX_NAME_WORDS, len(words)), 0, -1):
                hit = self._reading_named(" ".join(words[-n:]), ids)
                if hit:
                    return hit
        after = re.match(r"\s*\(([^()]{3,100})\)", text[end:end + 110])
        if after:
            return self._reading_named(normalise(after.group(1)), ids)
        return None

    def _paper_acronyms(self, text: str) -> dict[str, str]:
        """Acronyms the paper spells out, 'core spending power (CSP)' or 'CSP (core spending power)', where the long
        form is one glossary term's name beginning with the acronym's first letter: the acronym means that term
        everywhere in the paper, whether the glossary lists it or not."""
        found: dict[str, str] = {}
        for m in _LONG_SHORT.finditer(text):
            acronym = _bare_acronym(m.group(1))
            # the words before it within its paragraph: a long form may run across a line break ('Delegated\n
            # Safeguarding Partner (DSP)'); a blank line stops it (a full stop need not: 'C. diff (CDI)')
            before = re.split(r"\n\s*\n", text[max(0, m.start() - 120):m.start()])[-1]
            words = normalise(before).split(" ")
            for n in range(min(_MAX_NAME_WORDS, len(words)), 0, -1):
                tid = self._only_term(" ".join(words[-n:]), acronym)
                if tid:
                    found.setdefault(acronym, tid)
                    break
        for m in _SHORT_LONG.finditer(text):
            acronym = _bare_acronym(m.group(1))
            words = normalise(m.group(2)).split(" ")
            for n in range(min(_MAX_NAME_WORDS, len(words)), 0, -1):
                tid = self._only_term(" ".join(words[:n]), acronym)
                if tid:
                    found.setdefault(acronym, tid)
                    break
        return found

    def _only_term(self, key: str, acronym: str) -> str | None:
        """The one term a name belongs to, if the name starts with the acronym's first letter."""
        if not key or key[0] != acronym[0].lower():
            return None
        named = self._named.get(key) or {tid for k in _singulars(key) for tid in self._named.get(k, ())}
        return next(iter(named)) if len(named) == 1 else None

    def _with_paper_acronyms(self, text: str, spans: list[tuple[int, int, list[_Entry]]],
                             in_paper: dict[str, str]) -> list[tuple[int, int, list[_Entry]]]:
        """Add the uses of acronyms the paper defined but the glossary does not list ('LCS' after 'Liquidlogic
        Children's System (LCS)'), in capitals as written, with their plurals."""
        extra = []
        for acronym, tid in in_paper.items():
            for m in re.finditer(rf"(?<![\w&]){re.escape(acronym)}(?:s|['’]s)?(?![\w&])", text):
                if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                    extra.append((m.start(), m.end(), [_Entry(tid, acronym)]))
        return sorted(spans + extra, key=lambda s: s[0]) if extra else spans

    def _reading_named(self, key: str, ids: list[str]) -> str | None:
        named = {tid for k in (key, *_singulars(key)) for tid in self._named.get(k, ())}
        hits = [t for t in ids if t in named]
        return hits[0] if len(hits) == 1 else None

    def _score(self, term_id: str, text: str, start: int, end: int, doc_sectors: Counter, total: int,
               whole_counts: dict[str, int]) -> float:
        pattern = self._context[term_id]
        if pattern is None:
            near = whole = 0
        else:
            near = _nearness(pattern, text, start, end)
            if term_id not in whole_counts:
                whole_counts[term_id] = len(pattern.findall(text))
            whole = whole_counts[term_id]
        term = self.glossary.terms[term_id]
        share = sum(doc_sectors[s] for s in term.sectors) / total if total else 0.0
        return 2.0 * near + 0.25 * whole + share + LOCAL_WEIGHT * self._local_share(term, text, start, end)

    def _local_share(self, term: Term, text: str, start: int, end: int) -> float:
        """The share of the unambiguous terms in the match's own sentence (else its paragraph) that sit in this
        reading's sectors: a PA among 'GP', 'PCN' and 'ARRS' is a physician associate, among 'direct payments' a
        personal assistant."""
        lo, hi = _bounds(text, start, end)
        starts = [s for s, _ in self._unambiguous]
        para = self._unambiguous[bisect_left(starts, lo):bisect_left(starts, hi)]
        near = [sectors for s, sectors in para
                if s != start and not _SENTENCE_END.search(text, min(s, start), max(s, start))]
        weight = 1.0
        if not near:  # the paragraph speaks for the sentence at half weight
            near = [sectors for s, sectors in para if s != start]
            weight = 0.5
        if not near:
            return 0.0
        return weight * sum(1 for sectors in near if set(sectors) & set(term.sectors)) / len(near)

    def _too_common(self, zipf: float, words: int) -> bool:
        limit = self.common_zipf if words > 1 else self.common_zipf_single
        return limit is not None and zipf >= limit

    def commonness(self, text: str) -> dict[tuple[int, int], tuple[float, int]]:
        """The lower-case names in a text that the paper does not make terms, each span with the Zipf frequency of its
        rarest word and its number of words: what the everyday-words rule (COMMON_ZIPF) weighs."""
        text = text.translate(_LOOKALIKES)
        in_paper = self._paper_acronyms(text)
        spans = self._with_paper_acronyms(text, self._candidates(text), in_paper)
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        headings = _heading_lines(text) - {_line_of(line_starts, s) for s, e, _ in spans if "\n" in text[s:e]}
        in_heading = [bool(headings) and _line_of(line_starts, s) in headings for s, _, _ in spans]
        return self._common_names(text, spans, in_heading, in_paper)

    def _common_names(self, text: str, spans: list[tuple[int, int, list[_Entry]]], in_heading: list[bool],
                      in_paper: dict[str, str]) -> dict[tuple[int, int], tuple[float, int]]:
        made = _made_terms(text, spans, in_heading, in_paper)
        out = {}
        for start, end, entries in spans:
            written = text[start:end]
            if not _spelled_out(written, entries) or any(c.isupper() for c in written[1:]) or \
                    any(c.isdigit() for c in written) or {e.term_id for e in entries} & made:
                continue
            if any(e.needs_context for e in entries):
                continue  # 'good', 'placement': the glossary already asks for a context word near it, which decides
            words = [w for w in re.split(r"[\s\-/]+", written.lower()) if w]
            out[(start, end)] = (min(_zipf(w) for w in words), len(written.split()))
        return out

    def annotate(self, text: str, plain: bool = False) -> list[Match]:
        """Every term found in the text, in order; ambiguous acronyms resolved where the context allows.

        A paper's reader is not shown plain names, nor a spelled-out name in a heading when the text below uses the
        same term: it is explained there. `plain=True` keeps both, for linking labels and for knowing every term
        a text names.
        """
        original, text = text, text.translate(_LOOKALIKES)
        in_paper = self._paper_acronyms(text)
        spans = self._with_paper_acronyms(text, self._candidates(text), in_paper)
        doc_sectors: Counter = Counter()
        total = 0
        self._unambiguous: list[tuple[int, tuple[str, ...]]] = []
        for s, _, entries in spans:
            ids = {e.term_id for e in entries}
            if len(ids) == 1:
                sectors = self.glossary.terms[next(iter(ids))].sectors
                doc_sectors.update(sectors)
                total += 1
                self._unambiguous.append((s, tuple(sectors)))
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        whole_counts: dict[str, int] = {}
        matches = []
        headings = _heading_lines(text)
        # A name that runs on from one line into the next ('The Better Care\nFund policy framework') shows the line
        # is a wrapped line of a paragraph, not a heading.
        headings -= {_line_of(line_starts, s) for s, e, _ in spans if "\n" in text[s:e]}
        in_heading = [bool(headings) and _line_of(line_starts, s) in headings for s, _, _ in spans]
        in_body = {e.term_id for (_, _, entries), h in zip(spans, in_heading) if not h for e in entries}
        #: Terms the text below writes as a proper name ('the Health and Wellbeing Board'): a body, fund, programme or law.
        proper_in_body = {e.term_id for (s, e_, entries), h in zip(spans, in_heading)
                          if not h and _proper_name(text[s:e_]) for e in entries}
        common = {} if plain else self._common_names(text, spans, in_heading, in_paper)
        for (start, end, entries), heading in zip(spans, in_heading):
            written = text[start:end]
            if (start, end) in common and self._too_common(*common[(start, end)]):
                continue  # 'the care market', 'a waiting list': everyday words the paper does not make a term
            if not plain and all(e.plain for e in entries) and (heading or not _proper_name(written)):
                continue  # 'general fund' is plain; 'the General Fund', written as a proper name, is the named account
            if _QUANTITY.match(written):
                continue  # '12 hours', '26 weeks', '30 hours': an amount of time; the term is written '12-hour', '26-week'
            if not plain and _TRUST_NAME.match(written) and _named_before(text, start):
                continue  # 'Marlbridge Hospitals NHS Foundation Trust': the end of one trust's own name, not the jargon
            if not plain and heading and _spelled_out(written, entries) and {e.term_id for e in entries} <= in_body \
                    and not ({e.term_id for e in entries} & proper_in_body):
                # A heading's service word ('Care leavers', 'Intermediate care') is explained in the text below; a
                # name the text writes as a proper name ('the Better Care Fund', 'the Health and Wellbeing Board') is
                # the name of a body, fund, programme or law, and is explained wherever it stands.
                continue
            ids = list(dict.fromkeys(e.term_id for e in entries))
            defined = self._defined_here(text, start, end, ids) if len(ids) > 1 else None
            own = in_paper.get(_bare_acronym(text[start:end])) if any(e.acronym for e in entries) else None
            if own and not defined:
                defined = own  # the paper spelled this acronym out once ('core spending power (CSP)'): it means that here
            if defined:
                ids = [defined]  # the writer spelled it out beside it: no context needed
            guarded = {e.term_id for e in entries if e.needs_context and not defined}
            if guarded:
                # A two-character acronym (P1, CP, ED), a bare number (903) or an everyday word ('placement')
                # stands only with a context word near it.
                written = text[start:end]
                # One everyday word in lower case ('good', 'placement') is read as the term only with a context
                # word in its own sentence: 'graded good' in an audit is not an Ofsted judgement two lines on.
                near = _sentence(text, start, end) if _EVERYDAY.match(written) else _window(text, start, end)
                ids = [t for t in ids if t not in guarded or self._context[t] is None or self._context[t].search(near)
                       or (not _EVERYDAY.match(written) and self._linked_near(t, text, start, end, spans))]
                if not ids:
                    continue
            scores = {tid: self._score(tid, text, start, end, doc_sectors, total, whole_counts) for tid in ids}
            if len(ids) > 1:
                self._neighbour_bonus(scores, text, start, end, spans)
            if len(ids) == 1:
                readings, resolved = (ids[0],), True
            else:
                ranked = sorted(ids, key=lambda t: -scores[t])
                best, second = scores[ranked[0]], scores[ranked[1]]
                resolved = best > second and best >= 1.0
                readings = (ranked[0],) if resolved else tuple(ranked)
            line = _line_of(line_starts, start)
            matches.append(Match(start=start, end=end, text=original[start:end], line=line + 1,
                                 column=start - line_starts[line] + 1, term_id=readings[0],
                                 readings=readings, resolved=resolved))
        if plain:
            return matches
        matches = self._with_statutes(original, text, self._with_definitions(original, text, matches, line_starts),
                                      line_starts)
        matches = self._with_provisions(original, text, matches, line_starts)
        return self._with_bodies(original, text, matches, line_starts)

    def _paper_defined(self, text: str) -> dict[str, tuple[Definition, str | None]]:
        """Abbreviations the paper spells out that the glossary does not list, each with its definition and the
        glossary term of its head (the longest glossary name ending the long form: 'Marlbridge Safeguarding Children
        Partnership' is a safeguarding children partnership), or None where no glossary name ends it."""
        out = {}
        for d in paper_definitions(text):
            bare = _bare_acronym(d.abbreviation)
            if normalise(bare) in self.index or normalise(d.long_form) in self._named:
                continue  # the glossary knows the abbreviation, or the long form is its name: read as before
            words = normalise(d.long_form).split(" ")
            head = None
            for n in range(len(words) - 1, 0, -1):
                named = self._named.get(" ".join(words[-n:]), set())
                if len(named) == 1:  # a plain or search-only name is a head too: 'Rosewood Care Home (RCH)' is a care home
                    head = next(iter(named))
                    break
            out[bare] = (d, head)
        return out

    def _with_statutes(self, original: str, text: str, matches: list[Match], line_starts: list[int]) -> list[Match]:
        """The matches with every title of a law the glossary does not name explained as that kind of law (an Act, a
        bill, regulations or an order), the title as `defined_as`. Where glossary names stand inside a title they are
        kept (writers mark 'Provider Selection Regime' inside its regulations' title), unless the only one is another
        law of the same name ('Health and Social Care Act', the 2012 Act, inside 'Health and Social Care Act 2008')."""
        extra: list[Match] = []
        dropped: set[int] = set()
        for st in statute_titles(text):
            tid = KIND_TERMS[st.kind]
            inside = [i for i, m in enumerate(matches) if m.start < st.end and st.start < m.end]
            if tid not in self.glossary.terms or not (
                    not inside or (len(inside) == 1 and self._other_law(matches[inside[0]], st, text))):
                continue
            dropped.update(inside)
            line = _line_of(line_starts, st.start)
            extra.append(Match(start=st.start, end=st.end, text=original[st.start:st.end], line=line + 1,
                               column=st.start - line_starts[line] + 1, term_id=tid, readings=(tid,),
                               defined_as=st.title))
        for ref in year_references(text):  # 'the 1989 Act', 'the 2011 Regulations': a law named by its year
            tid = KIND_TERMS.get(ref.kind)
            if tid in self.glossary.terms and not any(m.start < ref.end and ref.start < m.end for m in matches):
                line = _line_of(line_starts, ref.start)
                extra.append(Match(start=ref.start, end=ref.end, text=original[ref.start:ref.end], line=line + 1,
                                   column=ref.start - line_starts[line] + 1, term_id=tid, readings=(tid,),
                                   defined_as=ref.title, note="a law the paper names by its year"))
        if not extra:
            return matches
        return sorted([m for i, m in enumerate(matches) if i not in dropped] + extra, key=lambda m: m.start)

    def _with_provisions(self, original: str, text: str, matches: list[Match], line_starts: list[int]) -> list[Match]:
        """The matches with every numbered provision of a law the text cites ('section 17(6)', 'Regulation 4')
        matched whole and explained: by the glossary's term for that provision of that law where it has one, else as
        its kind ('a numbered provision of the Children Act 1989'). A longer glossary match ('section 47 enquiries')
        stands; one of the same span stands unless the law named straight after it is not the term's ('section 17 of
        the Care Act' is not the Children Act's section 17)."""
        own = own_numbering(text)
        out = [m for m in matches if not any(s <= m.start and m.end <= e for s, e in own)]
        for p in provisions(text):
            inside = [i for i, m in enumerate(out) if m.start < p.end and p.start < m.end]
            if any(out[i].start < p.start or out[i].end > p.end for i in inside):
                continue  # a glossary name reaching beyond it ('Section 151 Officer', 'section 42 enquiries')
            same = [i for i in inside if (out[i].start, out[i].end) == (p.start, p.end)]
            own = self._provision_terms(p) if p.law else []
            if same and not p.law_after:
                continue  # the glossary reads it already, and no law is named beside it to check that reading against
            if same and not own and any(t in self.glossary.terms and self._about_law(t, p.law) for t in out[same[0]].readings):
                own = [t for t in out[same[0]].readings if self._about_law(t, p.law)]
            tid = own[0] if len(own) == 1 else PROVISION_TERMS[p.kind] if p.law else "legal_provision"
            if tid not in self.glossary.terms:
                continue
            law = p.law if p.law.lower().startswith("the ") or p.law in ("UK GDPR", "GDPR", "ECHR") else f"the {p.law}"
            line = _line_of(line_starts, p.start)
            drop = set(inside)
            out = [m for i, m in enumerate(out) if i not in drop]
            out.append(Match(start=p.start, end=p.end, text=original[p.start:p.end], line=line + 1,
                             column=p.start - line_starts[line] + 1, term_id=tid, readings=(tid,),
                             defined_as=f"{p.text} of {law}" if p.law else "",
                             note=f"a numbered provision of {law}" if p.law else "a numbered part of a law the paper refers to"))
        return sorted(out, key=lambda m: m.start)

    def _with_bodies(self, original: str, text: str, matches: list[Match], line_starts: list[int]) -> list[Match]:
        """The matches with every local body the text names ('Harrowdale Adults Partnership Board') matched whole and
        explained by the glossary term its last words name ('partnership board'), else as a local body of its noun's
        kind; a glossary match as long as the name or longer ('Health and Wellbeing Board') stands. A name with no
        glossary match inside is shown only for NEW_NAME_NOUNS and NEW_NAME_TERMS."""
        out = list(matches)
        for b in body_names(text):
            inside = [i for i, m in enumerate(out) if m.start < b.end and b.start < m.end]
            tid, kind = self._body_kind(b)
            if not tid or tid not in self.glossary.terms:
                continue
            if any(out[i].start <= b.start or out[i].end > b.end or (out[i].end != b.end and tid not in out[i].readings)
                   for i in inside):
                continue  # the glossary's own name for it, a name reaching beyond it, or a term of its own inside it
                # ('CHC Partnership Board', 'SEND Partnership Board'): only a glossary match of its kind ('Health
                # Scrutiny' in 'Adults and Health Scrutiny Committee') or of its last words is stretched over it
            if not inside and b.noun not in NEW_NAME_NOUNS and tid not in NEW_NAME_TERMS:
                continue  # a new find only for the nouns and kinds writers mark (see NEW_NAME_NOUNS)
            line = _line_of(line_starts, b.start)
            out = [m for i, m in enumerate(out) if i not in set(inside)]
            label = self.glossary.terms[tid].term.lower() if kind else ""
            out.append(Match(start=b.start, end=b.end, text=original[b.start:b.end], line=line + 1,
                             column=b.start - line_starts[line] + 1, term_id=tid, readings=(tid,), defined_as=b.name,
                             note=f"a local body of this kind: {label}" if kind else "a local body of this kind"))
        return sorted(out, key=lambda m: m.start)

    def _body_kind(self, b: Body) -> tuple[str, bool]:
        """The glossary term a body's last words name ('Scrutiny Committee': overview and scrutiny), with True; else
        the generic term for its noun, with False."""
        words = normalise(b.name).split(" ")
        for n in range(len(words), 1, -1):
            named = self._named.get(" ".join(words[-n:]), set())
            if len(named) == 1:
                return next(iter(named)), True
        return GENERIC_TERMS[b.noun], False

    def _provision_terms(self, p: Provision) -> list[str]:
        """The glossary terms named for this very provision ('section 17(6)', else 'section 17', 's17') whose law is the
        one the text names: the most specific name wins, a subsection's term before its section's."""
        words = _PROVISION_WORDS[p.kind]
        found: list[set[str]] = []
        for number in p.numbers:
            ids: set[str] = set()
            for n in dict.fromkeys((number, re.sub(r"\(.*", "", number))):
                named = {t for w in words for t in self._named.get(normalise(f"{w} {n}") if w != "s" else normalise(f"s{n}"), ())}
                ids = {t for t in named if self._about_law(t, p.law)}
                if ids:
                    break
            found.append(ids)
        common = set.intersection(*found) if found else set()
        if not common:  # no name for it: a term whose source cites this provision of this law ('Care Act 2014, s.27')
            cited = [self._cited.get((_law_key(p.law), p.kind, re.sub(r"\(.*", "", n)), set()) for n in p.numbers]
            common = set.intersection(*cited) if cited else set()
        return sorted(common)

    @property
    def _cited(self) -> dict[tuple[str, str, str], set[str]]:
        """Each provision the glossary's sources cite by number, (law, kind, number), to the terms citing it alone:
        'Care Act 2014, s.27' makes care review the term for section 27 of the Care Act 2014 (and of the Care Act)."""
        if not hasattr(self, "_cited_index"):
            index: dict[tuple[str, str, str], set[str]] = {}
            for term in self.glossary:
                for law, kind, number in _source_citations(term.source):
                    for key in {law, re.sub(r" (?:1[89]|20)\d\d$", "", law)}:
                        index.setdefault((key, kind, number), set()).add(term.id)
            self._cited_index = {k: v for k, v in index.items() if len(v) == 1}
        return self._cited_index

    def _about_law(self, term_id: str, law: str) -> bool:
        """Whether a glossary term is about this law: its names, definition or source name it ('Children Act 1989',
        or 'Children Act' where the text gives no year; 'NHS Act' for the National Health Service Act)."""
        term = self.glossary.terms[term_id]
        said = " " + normalise(" ".join((*term.names, term.definition, term.source))).replace(
            "national health service", "nhs") + " "
        key = normalise(law).replace("national health service", "nhs")
        key = re.sub(r"^the ", "", key)
        year = re.match(r"^((?:1[89]|20)\d\d) (act|regulations|order|rules)$", key)
        if year:
            return f" {year.group(1)}" in said and year.group(2) in said
        bare = re.sub(r" (?:1[89]|20)\d\d$", "", key)
        return f" {key} " in said or f" {key}," in said or (bare != key and f" {bare}" in said and not re.search(
            rf" {re.escape(bare)} (?!{key[-4:]})(?:1[89]|20)\d\d", said)) or (bare == key and f" {key}" in said)

    def _other_law(self, m: Match, st: Statute, text: str) -> bool:
        """Whether a glossary match inside a law's title is another law of the same name: the title without its year,
        read as a term whose names give that law other years only ('Health and Social Care Act', the 2012 Act, inside
        'Health and Social Care Act 2008'); 'Care Act' inside 'Care Act 2014' is the same law."""
        if not st.year or m.start != st.start:
            return False
        key = normalise(text[m.start:m.end])
        if key != normalise(st.title[: -len(st.year)]):
            return False
        years = {y for t in m.readings if t in self.glossary.terms for n in self.glossary.terms[t].names
                 for y in re.findall(rf"^{re.escape(key)} ((?:1[89]|20)\d\d)$", normalise(n))}
        return bool(years) and st.year not in years

    def _with_definitions(self, original: str, text: str, matches: list[Match], line_starts: list[int]) -> list[Match]:
        """The matches with every use of an abbreviation the paper defines itself, and of its long form, explained as
        the paper defines it (`defined_as`), under the glossary term of its head where there is one. A long form
        takes the place of shorter names inside it, as the longest name does."""
        defined = self._paper_defined(text)
        if not defined:
            return matches
        extra: list[Match] = []
        for bare, (d, head) in defined.items():
            tid = head or PAPER_PREFIX + bare
            long = r"[\s\-]+".join(re.escape(w) for w in d.long_form.split(" "))
            for m in re.finditer(rf"(?<![\w&])(?:{re.escape(bare)}(?:s|['’]s)?|{long})(?![\w&])", text,
                                 flags=0 if not d.long_form.islower() else re.IGNORECASE):
                if m.group(0).lower() != d.long_form.lower() and not m.group(0).startswith(bare) and \
                        " ".join(m.group(0).split()).lower() != d.long_form.lower():
                    continue
                line = _line_of(line_starts, m.start())
                extra.append(Match(start=m.start(), end=m.end(), text=original[m.start():m.end()], line=line + 1,
                                   column=m.start() - line_starts[line] + 1, term_id=tid, readings=(tid,),
                                   defined_as=d.long_form))
        longs = [x for x in extra if " " in x.text.strip() or "\n" in x.text]
        kept = [m for m in matches if not any(x.start <= m.start and m.end <= x.end for x in longs)]
        kept += [x for x in extra if not any(m.start < x.end and x.start < m.end for m in kept)]
        return sorted(kept, key=lambda m: m.start)


_CITED_LAW = re.compile(r"([A-Z][\w'’\-]*(?: (?:[A-Z][\w'’\-]*|and|of|the|for|\([^()]*\)))*? "
                        r"(?:Act|Regulations|Order|Rules)(?: (?:1[89]|20)\d\d)?)")
_CITED_REF = re.compile(r"\b(ss?\.|sections?|regs?\.|regulations?|Schedule|Part|paras?\.|paragraph)\s*"
                        r"(\d{1,3}[A-Z]{0,3}\d{0,3}(?:\s*(?:,|and)\s*\d{1,3}[A-Z]{0,3}\d{0,3})*)(?![\w\-–])")
_CITED_KIND = {"s.": "section", "ss.": "section", "section": "section", "sections": "section", "reg.": "regulation",
               "regs.": "regulation", "regulation": "regulation", "regulations": "regulation", "schedule": "schedule",
               "part": "part", "para.": "paragraph", "paras.": "paragraph", "paragraph": "paragraph"}


def _law_key(law: str) -> str:
    """A law's title as a lookup key: lower case, no leading 'the', 'NHS' for 'National Health Service'."""
    return re.sub(r"^the ", "", normalise(law).replace("national health service", "nhs"))


def _source_citations(source: str) -> list[tuple[str, str, str]]:
    """The provisions a term's source cites by number, each (law key, kind, number): 'Care Act 2014, s.27' gives
    ('care act 2014', 'section', '27'); ranges ('ss.1-20') cite no one provision."""
    out = []
    for part in source.split(";"):
        law = _CITED_LAW.search(part)
        if not law:
            continue
        for ref in _CITED_REF.finditer(part, law.end()):
            kind = _CITED_KIND.get(ref.group(1).lower())
            out += [(_law_key(law.group(1)), kind, n) for n in re.findall(r"\d{1,3}[A-Z]{0,3}\d{0,3}", ref.group(2))
                    if kind]
    return out


#: The glossary term that explains each kind of numbered provision, where the text names its law.
PROVISION_TERMS = {"section": "section_of_an_act", "regulation": "regulation_of_an_si", "schedule": "schedule_of_a_law",
                   "part": "part_of_an_act", "paragraph": "paragraph_of_a_schedule", "article": "article_of_a_law"}
#: How the glossary's names write each kind of provision ('section 47', 's47', 'reg 44').
_PROVISION_WORDS = {"section": ("section", "s"), "regulation": ("regulation", "reg"), "schedule": ("schedule",),
                    "part": ("part",), "paragraph": ("paragraph", "para"), "article": ("article",)}


@lru_cache(maxsize=None)
def _zipf(word: str) -> float:
    """How common an English word is: wordfreq's Zipf frequency (log10 of uses per billion words; 0 if unknown)."""
    return zipf_frequency(word.strip("'’,"), "en")


#: 'known as the care market', '"core offer"', 'core offer (CO)', 'core offer means': the paper makes a name its term.
_DEFINED_BEFORE = re.compile(r"(?:known as|called|termed|referred to as|defined as|definition of|describe[sd]? as)\s+"
                             r"(?:the\s+|an?\s+|our\s+)?[\"'“‘]?$", re.IGNORECASE)
_DEFINED_AFTER = re.compile(r"[\"'”’]?\s*(?:\(\s*[A-Z][A-Za-z0-9&]*[A-Z]|(?:\([^()]{1,80}\)\s*)?(?:means|is defined as|"
                            r"refers to|describes)\b)")
_OPEN_QUOTE, _CLOSE_QUOTE = "\"'“‘*_", "\"'”’*_"
_SENTENCE_OPENER = re.compile(r"(?:^|[.?!:;|#*•(\-–]|\n)\s*[\"'“‘]?$")


def _made_terms(text: str, spans: list[tuple[int, int, list[_Entry]]], in_heading: list[bool],
                in_paper: dict[str, str]) -> set[str]:
    """Terms the paper itself makes terms of: spells out or uses their acronym, writes as a proper name (or one word
    capitalised inside a sentence) outside a heading, quotes or sets in bold, or defines ('known as ...', '... means')."""
    made = set(in_paper.values())
    for (s, e, entries), heading in zip(spans, in_heading):
        ids = {x.term_id for x in entries}
        written = text[s:e]
        if any(x.acronym for x in entries):
            if len(ids) == 1:
                made |= ids
            continue
        if (not heading and (_proper_name(written) or (written[0].isupper() and " " not in written.strip()
                                                        and not _SENTENCE_OPENER.search(text[max(0, s - 40):s]))))\
                or (s and text[s - 1] in _OPEN_QUOTE and text[e:e + 2][:1] in _CLOSE_QUOTE) \
                or _DEFINED_BEFORE.search(text[max(0, s - 40):s]) or _DEFINED_AFTER.match(text, e):
            made |= ids
    return made


_MINOR = frozenset("a an and at by for from in into of on or the to with".split())


def _proper_name(written: str) -> bool:
    """A name of two or more words written as a proper name: every word but the small ones capitalised ('General
    Fund', 'Health and Wellbeing Board'), not shouted in capitals throughout."""
    words = re.findall(r"[^\W\d_][^\W_'’]*", written)
    big = [w for w in words if w.lower() not in _MINOR]
    return len(words) >= 2 and len(big) >= 2 and all(w[0].isupper() for w in big) and not written.isupper()


def _spelled_out(written: str, entries: list[_Entry]) -> bool:
    """A name written out in words: no acronym, and no word in it with a digit or two capitals ('CQC ...', 's151 officer')."""
    return all(e.acronym is None for e in entries) and not any(
        any(c.isdigit() for c in w) or sum(c.isupper() for c in w) >= 2 for w in _TOKEN.findall(written))


_TERMINAL = re.compile(r"[.?!;:,][\"'’”)\]]*\s*$")
_CARRIES_ON = frozenset("a an and as at by for from in into of on or than that the their this to with".split())
_BULLET = re.compile(r"^\s*(?:[-*•·]|\(?[a-z0-9]{1,3}\))\s")


def _heading_lines(text: str) -> set[int]:
    """Line numbers (from 0) of headings: a line standing alone (after a blank line, a finished sentence or
    another heading) that does not end a sentence itself, is not a list item, is followed by a blank line or a
    line starting a new sentence, runs to at most 20 words, does not end on a word that carries a sentence on
    ('the', 'of') and is not a table row. Markdown '#' lines always count."""
    lines = text.split("\n")
    out: set[int] = set()
    # A hard-wrapped paragraph's lines run close to its width; a heading is a short line.
    # (Markdown '#' title lines are not paragraph lines: a long title must not set the width.)
    width = max((len(x.rstrip()) for x in lines if not x.lstrip().startswith("#")), default=0)
    for i, line in enumerate(lines):
        words = line.split()
        if not words:
            continue
        if line.lstrip().startswith("#"):
            out.add(i)
            continue
        prev = lines[i - 1] if i else ""
        nxt = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
        alone = not prev.strip() or bool(_TERMINAL.search(prev)) or (i - 1) in out
        ends_unit = not nxt or nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "-*•#("
        wrapped = words[-1].lower() in _CARRIES_ON  # 'the', 'of', 'and': a paragraph line broken mid-sentence
        # '3.3 Two rapid reviews were notified to the National Panel within' then '15 working days.': a line as
        # long as the text's widest, running straight on into the next, is a wrapped line, not a heading.
        wrapped = wrapped or (bool(nxt) and width >= 50 and len(line.rstrip()) >= 0.75 * width)
        table_row = "|" in line  # a Markdown or Word table row ('Delayed discharges | 96'), not a heading
        if alone and ends_unit and len(words) <= 20 and not wrapped and not table_row and not _TERMINAL.search(line) \
                and not _BULLET.match(line):
            out.add(i)
    return out


_SECTION_LONG = re.compile(r"^[Ss]ection (\d+[A-Z]{0,2}\d*)$")
_SECTION_SHORT = re.compile(r"^[Ss]\.? ?(\d+[A-Z]{0,2}\d*)$")


def _with_section_forms(names: tuple[str, ...] | list[str]) -> list[str]:
    """A term's names with each statutory section in its other form: 'section 188' is also 's188' (and so 's.188',
    's 188'), 's17' is also 'section 17'; a writer uses either."""
    out = list(names)
    seen = {normalise(n) for n in names}
    for n in names:
        long, short = _SECTION_LONG.match(n), _SECTION_SHORT.match(n)
        other = f"s{long.group(1)}" if long else f"section {short.group(1)}" if short else None
        if other and normalise(other) not in seen:
            seen.add(normalise(other))
            out.append(other)
    return out


_PREFIX_HYPHEN = re.compile(r"(?<![^\W\d_])(co|re|pre|non|multi|inter|sub|post|under|over)-(?=[a-z])", re.IGNORECASE)


def _closed_up(name: str) -> set[str]:
    """Text's key with a prefix's hyphen closed up, to look up as the glossary writes the word: 'Co-ordination' is
    'coordination', 'Re-ablement' 'reablement' (empty if it has no such hyphen). Only this way round: the glossary's
    own hyphen can carry meaning ('re-presentation' is not 'representation')."""
    closed = _PREFIX_HYPHEN.sub(r"\1", name)
    return {normalise(closed)} if closed != name else set()


_LINKS = frozenset("of for in to on at with".split())


def _plural_heads(key: str) -> set[str]:
    """A name whose head noun comes first ('place of safety', 'director of public health') also matches with that noun
    in the plural ('places of safety', 'directors of public health')."""
    words = key.split(" ")
    if len(words) < 3 or words[1] not in _LINKS or len(words[0]) < 3 or not words[0].isalpha() or words[0].endswith("s"):
        return set()
    head = words[0]
    plural = head[:-1] + "ies" if head.endswith("y") and head[-2] not in "aeiou" else \
        head + "es" if head.endswith(("sh", "ch", "x")) else head + "s"
    return {" ".join([plural] + words[1:])}


def _singulars(key: str) -> set[str]:
    """A name listed in the plural also matches in the singular: 'attendance hubs' finds 'Attendance Hub'."""
    words = key.split(" ")
    last = words[-1]
    if len(words) < 2 or len(last) < 4 or not last.endswith("s") or last.endswith(("ss", "us", "is", "ics")):
        return set()
    stem = last[:-3] + "y" if last.endswith("ies") else last[:-1]
    return {" ".join(words[:-1] + [stem])}


def _window(text: str, start: int, end: int) -> str:
    """The words around a match: up to WINDOW characters either side, but not beyond its paragraph."""
    lo = max(0, start - WINDOW)
    para = text.rfind("\n\n", lo, start)
    lo = para + 2 if para >= 0 else lo
    hi = min(len(text), end + WINDOW)
    para = text.find("\n\n", end, hi)
    hi = para if para >= 0 else hi
    return text[lo:start] + " " + text[end:hi]


#: A number and a unit of time with a space between: a quantity in a sentence, not the hyphenated term it names.
_QUANTITY = re.compile(r"^\d+(?:\.\d+)?\+?\s+(?:hour|day|week|month|year)s?$", re.IGNORECASE)
#: 'NHS Trust' and 'NHS Foundation Trust' written as the end of a named trust ('Wendlow Community Health NHS Trust'):
#: the organisation's name, which writers leave unexplained (12 of 14 such names unmarked across corpora 1-10).
_TRUST_NAME = re.compile(r"^NHS\s+(?:Foundation\s+)?Trust$")
_WORD_BEFORE = re.compile(r"([A-Z][A-Za-z'’]+)[ \t]*\n?[ \t]*\Z")
_OPENS_SENTENCE = re.compile(r"(?:\A|[.?!:;|#*(]|\n[ \t]*\n)[ \t\n]*\Z")


def _named_before(text: str, start: int) -> bool:
    """A capitalised word straight before `start` that is part of a name: inside a sentence ('The Wendlow Community
    Health NHS Trust'), or opening one but no everyday word ('Wendmoor NHS Trust ...', not 'Each NHS Trust')."""
    m = _WORD_BEFORE.search(text, max(0, start - 60), start)
    if not m:
        return False
    return not _OPENS_SENTENCE.search(text, max(0, m.start() - 10), m.start()) or _zipf(m.group(1).lower()) < 3.5


#: The longest name, in words, read as the long form of an acronym the paper spells out (the longest glossary names,
#: 'Oliver McGowan Mandatory Training on Learning Disability and Autism', have nine; the text window bounds it too).
_MAX_NAME_WORDS = 16
#: 'core spending power (CSP)' and 'CSP (core spending power)': an acronym spelled out where it is first used.
_ACRONYM_IN_PAPER = r"([A-Z][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*(?:s|['’]s)?)"
_LONG_SHORT = re.compile(r"\(\s*" + _ACRONYM_IN_PAPER + r"\s*\)")
_SHORT_LONG = re.compile(r"(?<![\w&])" + _ACRONYM_IN_PAPER + r"\s*\(([^()\n]{3,100})\)")


def _bare_acronym(written: str) -> str:
    """An acronym as written without dots, spaces or its plural ('CSPs', 'C.S.P.' -> 'CSP')."""
    plain = re.sub(r"[.\s]", "", written)
    for suffix in ("'s", "’s", "s"):
        if plain.endswith(suffix) and sum(c.isupper() for c in plain[: -len(suffix)]) >= 2:
            return plain[: -len(suffix)]
    return plain


_EVERYDAY = re.compile(r"^[A-Za-z][a-z]+$")  # one word, capitalised at most at a sentence start

_SENTENCE_END = re.compile(r"[.?!;](?=\s)|\n\s*\n")


def _sentence(text: str, start: int, end: int) -> str:
    """The rest of the match's own sentence, either side of it (within WINDOW characters)."""
    lo = max(0, start - WINDOW)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, start)]
    lo = ends[-1] if ends else lo
    m = _SENTENCE_END.search(text, end, min(len(text), end + WINDOW))
    hi = m.start() if m else min(len(text), end + WINDOW)
    return text[lo:start] + " " + text[end:hi]


def _bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The window around a match: up to WINDOW characters either side, within its paragraph."""
    lo = max(0, start - WINDOW)
    para = text.rfind("\n\n", lo, start)
    lo = para + 2 if para >= 0 else lo
    hi = min(len(text), end + WINDOW)
    para = text.find("\n\n", end, hi)
    return lo, (para if para >= 0 else hi)


def _nearness(pattern: re.Pattern, text: str, start: int, end: int) -> float:
    """Context words in the window, each counting 1 to 2 by how close it stands (the nearest word decides ties)."""
    lo = max(0, start - WINDOW)
    para = text.rfind("\n\n", lo, start)
    lo = para + 2 if para >= 0 else lo
    hi = min(len(text), end + WINDOW)
    para = text.find("\n\n", end, hi)
    hi = para if para >= 0 else hi
    total = 0.0
    for m in pattern.finditer(text, lo, hi):
        if m.start() < end and start < m.end():
            continue  # the acronym itself
        gap = start - m.end() if m.end() <= start else m.start() - end
        between = text[m.end():start] if m.end() <= start else text[end:m.start()]
        # A word in the match's own sentence counts double: it speaks of the same thing.
        same = 2.0 if not _SENTENCE_END.search(between) else 1.0
        total += same * (1.0 + 60.0 / (60.0 + max(gap, 0)))
    return total


def _line_of(line_starts: list[int], pos: int) -> int:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _context_pattern(term: Term) -> re.Pattern | None:
    if not term.context:
        return None
    words = sorted({re.escape(c.lower()) for c in term.context}, key=len, reverse=True)
    # Plurals count too: 'discharges' is context for P1 as much as 'discharge'.
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(words) + r")(?:s|es)?(?![a-z0-9])", re.IGNORECASE)


def _strip_plural(written: str) -> str:
    for suffix in ("'s", "’s", "s"):
        if written.endswith(suffix) and len(written) > len(suffix) + 1:
            return written[: -len(suffix)]
    return written


def _acronym_ok(written: str, acronym: str, term: Term, everyday: frozenset[str] = COMMON_WORDS) -> bool:
    """Whether text as written may be this acronym: capitals always, mixed case and lower case by rule."""
    plain = re.sub(r"[.'’\s]", "", written)
    target = re.sub(r"[.'’\s]", "", acronym)
    if plain == target or _strip_plural(plain) == target or plain == target + "s":
        return True
    if plain.endswith("s") and plain[:-1].isupper() and target.isupper() and len(plain) > 2:
        return False  # 'EDs' is the plural of ED, never the acronym EDS
    if target.isalpha() and target.islower() and len(target) <= 3 and not plain.islower():
        return False  # an acronym the glossary writes in lower case (pp, ppt) is not the capitals PP (pupil premium)
    listed_plural = len(target) > 2 and target.endswith("s") and target[:-1].isupper()
    if listed_plural and plain.lower() != target.lower():
        return False  # 'class' is not a plural of the listed plural 'CLAs'
    base = plain if plain.lower() == target.lower() else _strip_plural(plain)
    if base.lower() != target.lower():
        return False
    letters = [c for c in base if c.isalpha()]
    if not letters:
        return True
    uppers = sum(c.isupper() for c in letters)
    if uppers == len(letters):
        return True
    if term.exact_case:
        return False
    if uppers >= 2:
        return True  # CiN, DToC, ST-max: deliberate mixed case
    has_digit = any(c.isdigit() for c in base)
    if uppers == 0 and any(c.islower() for c in target):
        return False  # the glossary writes it in mixed case (CaSH, PrEP): in lower case it is the word (cash, prep)
    if uppers == 0:
        if has_digit and len(letters) <= 3:
            return True  # s47, s17, ks2
        if plain.lower() != target.lower():
            return False  # lower case and plural ('loss', 'class') is a word, not LOS or CLA
        return len(letters) >= 3 and base.lower() not in everyday
    return has_digit  # Title case (Ed, Pa, Send) is an ordinary word unless it carries a number (Ks2)


@lru_cache(maxsize=8)
def annotator_for(extra: tuple[str, ...] = ()) -> Annotator:
    """The annotator of the shipped glossary plus a council's folders, built once per set of folders."""
    return Annotator(load_glossary(extra))


def annotate(text: str, for_sector: str | None = None, extra_dirs: tuple[str, ...] = (),
             plain: bool = False) -> list[Match]:
    """Every glossary term in `text` (plain names too with `plain`, for labels); with `for_sector`, each match
    carries that sector's nearest concepts."""
    annotator = annotator_for(tuple(str(d) for d in extra_dirs))
    matches = annotator.annotate(text, plain=plain)
    if for_sector is None:
        return matches
    if for_sector not in SECTOR_NAMES:
        raise UserError(f"unknown sector {for_sector!r}; use one of {', '.join(SECTOR_NAMES)}", field="--for")
    g = annotator.glossary
    out = []
    for m in matches:
        term = g.terms.get(m.term_id)
        if term is None:  # a term the paper defines itself: the glossary has no neighbours for it
            out.append(m)
            continue
        near = () if for_sector in term.sectors else tuple(t.id for t in g.nearest(term, for_sector))
        out.append(replace(m, nearest=near))
    return out


def link_terms(text: str, extra_dirs: tuple[str, ...] = ()) -> list[str]:
    """The ids of the terms a short text (a measure description, a screen label) uses, in order."""
    seen: dict[str, None] = {}
    for m in annotate(text, extra_dirs=extra_dirs, plain=True):
        for tid in m.readings:
            seen.setdefault(tid, None)
    return list(seen)
