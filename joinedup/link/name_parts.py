"""Names as they come: titles and honorifics, initials, full names, particles and double-barrelled family names.

A council's files write one person as "Mrs J. Smith-Jones", "Jane SMITH JONES" or "Smith, Jane";
these helpers reduce each to the parts the comparisons use, without guessing beyond what the text says.
"""

from __future__ import annotations

import re

from joinedup.link.names import normalise

__all__ = ["TITLES", "PARTICLES", "strip_titles", "split_full_name", "given_initial", "family_key", "family_parts",
           "given_tokens"]

#: Titles, honorifics and post-nominals dropped before names are compared (normalised, no dots).
TITLES = frozenset(
    "mr mrs ms miss mx master mister missus dr doctor prof professor rev revd reverend fr father sr sister "
    "sir dame lord lady hon honourable capt captain col colonel maj major lt sgt cllr councillor rt "
    "jr jnr junior snr senior esq obe mbe cbe kbe dbe qc kc jp mp phd md".split())

#: Particles that belong to a family name ("van der Berg", "de la Cruz", "O'Neill" is one word already).
PARTICLES = frozenset("van von der den de del della di da du la le dos das ter ten bin ibn al el mac st".split())


def strip_titles(name: str | None) -> str | None:
    """A normalised name without leading titles or trailing post-nominals; None when nothing is left."""
    norm = normalise(name)
    if norm is None:
        return None
    words = norm.split(" ")
    while words and words[0] in TITLES and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in TITLES:
        words = words[:-1]
    if len(words) == 1 and words[0] in TITLES:
        return None
    return " ".join(words) or None


def split_full_name(full: str | None) -> tuple[str | None, str | None]:
    """(given names, family name) of a full name: "Smith, Jane" and "Mrs Jane van der Berg" both read right.

    A comma puts the family name first. Otherwise the last word is the family name, with any
    particles before it ("van der"); a name of one word is taken as a family name.
    """
    if full is None or not str(full).strip():
        return None, None
    text = str(full)
    if "," in text:
        family, _, given = text.partition(",")
        return strip_titles(given), strip_titles(family)
    words = (strip_titles(text) or "").split(" ")
    words = [w for w in words if w]
    if not words:
        return None, None
    if len(words) == 1:
        return None, words[0]
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def given_tokens(given: str | None) -> list[str]:
    """Every given name (first and middle) of a normalised given-names text, titles dropped."""
    text = strip_titles(given)
    return text.split(" ") if text else []


def given_initial(given: str | None) -> str | None:
    """The first letter of the first given name (an initial written alone counts)."""
    tokens = given_tokens(given)
    return tokens[0][0] if tokens else None


def family_parts(family: str | None) -> list[str]:
    """The parts of a family name that can stand alone: "Smith-Jones" -> [smith, jones]; particles dropped."""
    text = strip_titles(family)
    if text is None:
        return []
    parts = [w for w in re.split(r"[ ]+", text) if w and w not in PARTICLES]
    return sorted(set(parts))


def family_key(family: str | None) -> str | None:
    """A family name with spaces and hyphens removed, so "van der Berg" = "Vanderberg" and "Smith-Jones" = "Smithjones"."""
    text = strip_titles(family)
    if text is None:
        return None
    return text.replace(" ", "") or None
