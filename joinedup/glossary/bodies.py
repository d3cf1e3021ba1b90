"""Local bodies a paper names by their own names: 'Harrowdale Employment and Skills Board', 'Children and Families
Scrutiny Committee', 'Fenmoor Community and Mental Health NHS Foundation Trust', "Disabled Children's Team".

A name is a run of capitalised words (small words such as 'and', 'of' or 'for' allowed inside, as in the titles of
laws) ending in a body noun: Board, Committee, Partnership, Trust, Team, Forum, Service, Panel, Group, Network,
Alliance, Collaborative or Hub. No list can hold every council's boards, but its last words say what kind of body it
is: a scrutiny committee, a partnership board, an NHS foundation trust. Words a sentence opens with ('The', 'Members of
the', 'Chair of the') are not part of the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from joinedup.glossary.statutes import _OPENERS

__all__ = ["Body", "BODY_NOUNS", "GENERIC_TERMS", "NEW_NAME_NOUNS", "NEW_NAME_TERMS", "body_names"]

#: Each body noun and the glossary term for a local body of that kind where the name's other words name no kind the
#: glossary knows. A trust that is not an NHS trust (an academy trust, a charity) has no generic reading.
GENERIC_TERMS = {"Board": "local_partnership_board", "Committee": "committee_of_council_or_board",
                 "Partnership": "local_partnership", "Team": "local_team_or_service",
                 "Service": "local_team_or_service", "Hub": "local_team_or_service",
                 "Forum": "local_forum_panel_or_group", "Panel": "local_forum_panel_or_group",
                 "Group": "local_forum_panel_or_group", "Network": "local_network_or_alliance",
                 "Alliance": "local_network_or_alliance", "Collaborative": "local_network_or_alliance", "Trust": ""}
BODY_NOUNS = tuple(GENERIC_TERMS)
#: A name with no glossary name inside it that the glossary already shows ('Harrowdale Employment and Skills Board',
#: where no word is a term) is a new find, shown only for these nouns and these kinds. Corpora 1-10 leave most named
#: committees, trusts and partnerships unmarked (under half of such new finds were marked) while corpora 11 and 12 mark
#: nearly all; named teams, forums, hubs and networks, and names of an integrated care board or a health and wellbeing
#: board, are marked in both. Names that stretch a glossary match are always shown whole.
NEW_NAME_NOUNS = frozenset({"Team", "Forum", "Hub", "Network", "Alliance", "Collaborative"})
NEW_NAME_TERMS = frozenset({"icb", "health_and_wellbeing_board", "ambulance_trust", "disabled_children_team"})

_CAP = r"(?:[A-Z][\w'’\-]*|NHS)"
_INNER = r"(?:of the|and|of|for|on|in|&)"
#: Between the words of a name: spaces, or one line break where a paragraph wraps (indent allowed).
_SEP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
_NAME = re.compile(rf"(?<![\w'’\-])({_CAP}(?:,?{_SEP}(?:{_CAP}|{_INNER}))*?){_SEP}({'|'.join(BODY_NOUNS)})(?![\w'’\-])")
#: Words that open a sentence or name a role or document before a body, never its name's first word.
#: A body noun straight after a name's noun lengthens the name: 'Adults Partnership Board', 'Service Board'.
_MORE = re.compile(rf"{_SEP}({'|'.join(BODY_NOUNS)})(?![\w'’\-])")
_LEADS = _OPENERS | frozenset("""chair chairs vice members member report reports update updates minutes meeting meetings
paper papers item items agenda summary purpose recommendation recommendations appendix annex presented author approved
endorsed noted agreed subject title dear cc date dates terms reference role remit membership work progress decision
decisions following feedback every each another other same head heads director directors officer officers manager
managers chief asks annual council's councils' trust's board's""".split())
_SMALL = frozenset({"of", "the", "and", "for", "on", "in", "&"})


def _after_role(run: str, words: list[re.Match]) -> int:
    """The first word after a role and a comma ('Director of Operations, Wendlow Community Health NHS Trust'): a
    comma after a phrase with 'of' in it ends a role, where a comma in a name lists its subjects ('Children, Young
    People and Education Scrutiny Committee')."""
    comma = run.rfind(",")
    if comma < 0 or " of " not in run[:comma]:
        return 0
    return next((i for i, w in enumerate(words) if w.start() > comma), 0)


@dataclass(frozen=True)
class Body:
    """One named body: where it stands, its name as written (spaces collapsed) and its body noun."""

    start: int
    end: int
    name: str
    noun: str


def body_names(text: str) -> list[Body]:
    """Every name of a local body in the text, in order, without the words a sentence opens with; a name needs one
    word or more before its body noun."""
    out = []
    for m in _NAME.finditer(text):
        words = list(re.finditer(r"[^\s,]+", m.group(1)))
        first = _after_role(m.group(1), words)
        while first < len(words) and (words[first].group(0).lower() in _LEADS or words[first].group(0) in _SMALL):
            first += 1
        if first == len(words):
            continue  # 'The Board', 'Each Committee': no name left
        start, end, noun = m.start(1) + words[first].start(), m.end(), m.group(2)
        while more := _MORE.match(text, end):
            end, noun = more.end(), more.group(1)
        if out and start < out[-1].end:
            continue  # inside the name before, lengthened
        out.append(Body(start, end, " ".join(text[start:end].split()), noun))
    return out
