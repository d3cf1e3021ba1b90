#!/usr/bin/env python3
"""Validate marks.csv against passages p01.md..p15.md (standard library only).

Checks:
  * header is exactly: passage,term,count,meaning,sector
  * sector is one of the allowed values; passage file exists; no duplicate rows
  * count == number of case-sensitive occurrences of the term in the passage,
    where the term may not touch a letter or digit on either side and any
    whitespace inside the term matches any run of whitespace (line breaks ok)
  * no marked surface form occurs "unmarked" elsewhere in its passage: every
    raw (unbounded) occurrence of a marked form must either be one of its own
    counted occurrences or lie inside a counted occurrence of another marked
    form of the same passage (e.g. 'EHCP' inside 'EHCPs' needs 'EHCPs' marked)
  * warns (does not fail) about case variants of a marked form that are not
    themselves marked
Exit status 0 if all checks pass.
"""
import csv, os, re, sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = ['passage', 'term', 'count', 'meaning', 'sector']
SECTORS = {'children', 'adults', 'public_health', 'nhs', 'workforce', 'finance',
           'local_government', 'education', 'housing', 'justice', 'cross_sector'}
LB = r'(?<![^\W_])'   # not preceded by a letter or digit
RB = r'(?![^\W_])'    # not followed by a letter or digit


def core(term):
    return r'\s+'.join(re.escape(p) for p in term.split())


def bounded(term, flags=0):
    return re.compile(LB + core(term) + RB, flags)


def main():
    errors, warnings = [], []
    path = os.path.join(HERE, 'marks.csv')
    with open(path, newline='', encoding='utf-8') as fh:
        rows = list(csv.reader(fh))
    if not rows or rows[0] != HEADER:
        errors.append('bad header: %r' % (rows[0] if rows else None))
        rows = rows[:1] + rows[1:]
    texts, seen = {}, set()
    by_passage = defaultdict(list)
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != 5:
            errors.append('line %d: expected 5 fields, got %d' % (i, len(row)))
            continue
        p, term, count, meaning, sector = row
        if not re.fullmatch(r'p(0[1-9]|1[0-5])', p):
            errors.append('line %d: bad passage id %r' % (i, p)); continue
        if p not in texts:
            fp = os.path.join(HERE, p + '.md')
            if not os.path.exists(fp):
                errors.append('line %d: missing %s' % (i, fp)); continue
            texts[p] = open(fp, encoding='utf-8').read()
        if sector not in SECTORS:
            errors.append('line %d: bad sector %r' % (i, sector))
        if not term.strip() or term != term.strip():
            errors.append('line %d: empty/padded term %r' % (i, term))
        if not meaning.strip():
            errors.append('line %d: empty meaning for %r' % (i, term))
        if (p, term) in seen:
            errors.append('line %d: duplicate row %s %r' % (i, p, term))
        seen.add((p, term))
        try:
            n = int(count)
        except ValueError:
            errors.append('line %d: count not an integer: %r' % (i, count)); continue
        found = len(bounded(term).findall(texts[p]))
        if found != n:
            errors.append('%s %r: count %d but found %d' % (p, term, n, found))
        if found == 0:
            errors.append('%s %r: not found in passage' % (p, term))
        by_passage[p].append(term)

    for p, terms in sorted(by_passage.items()):
        text = texts[p]
        spans = {t: [m.span() for m in bounded(t).finditer(text)] for t in terms}
        allspans = [(s, t) for t in terms for s in spans[t]]
        for t in terms:
            own = set(spans[t])
            for m in re.finditer(core(t), text):
                sp = m.span()
                if sp in own:
                    continue
                if any(o != t and a <= sp[0] and sp[1] <= b for (a, b), o in allspans):
                    continue
                ctx = text[max(0, sp[0] - 15):sp[1] + 15].replace('\n', ' ')
                errors.append('%s %r occurs unmarked (touching text) in: ...%s...' % (p, t, ctx))
            # case variants
            for m in bounded(t, re.IGNORECASE).finditer(text):
                sp = m.span()
                if sp in own:
                    continue
                if any(a <= sp[0] and sp[1] <= b for (a, b), o in allspans):
                    continue
                warnings.append('%s %r: unmarked case variant %r' % (p, t, m.group(0)))

    for w in warnings:
        print('WARNING:', w)
    for e in errors:
        print('ERROR:', e)
    nrows = sum(len(v) for v in by_passage.values())
    print('%d rows checked across %d passages; %d errors, %d warnings'
          % (nrows, len(by_passage), len(errors), len(warnings)))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
