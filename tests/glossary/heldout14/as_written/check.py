#!/usr/bin/env python3
"""Standard-library validator for the heldout14 jargon corpus.

Rules checked:
  * marks.csv exists with header exactly passage,term,count,meaning,sector
  * p01.md .. p15.md exist; every row's passage is one of them
  * sector is in the fixed vocabulary; no duplicate (passage, term) rows;
    count is a positive integer; term and meaning are non-empty
  * count equals the number of occurrences of the exact, case-sensitive
    term in the passage where the match is not preceded or followed by a
    letter or digit; any whitespace run inside the term matches any
    whitespace run in the text (so terms split across lines are found)
  * substring rule: every raw occurrence of a marked form (ignoring
    boundaries) is either itself a counted occurrence or lies inside a
    counted occurrence of another marked form in the same passage
Exit status 0 only if everything holds.
"""
import csv, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
PASSAGES = ['p%02d' % i for i in range(1, 16)]
SECTORS = {'children', 'education', 'adults', 'public_health', 'nhs',
           'cross_sector', 'workforce', 'finance', 'housing',
           'local_government', 'justice'}
HEADER = ['passage', 'term', 'count', 'meaning', 'sector']


def pattern(term):
    parts = term.split()
    return re.compile(r'\s+'.join(re.escape(p) for p in parts))


def all_matches(text, term):
    """All (start, end) raw matches, including overlapping starts."""
    pat = pattern(term)
    out = []
    pos = 0
    while True:
        m = pat.search(text, pos)
        if not m:
            break
        out.append((m.start(), m.end()))
        pos = m.start() + 1
    return out


def bounded(text, s, e):
    before = text[s - 1] if s > 0 else ''
    after = text[e] if e < len(text) else ''
    return not (before.isalnum() or after.isalnum())


def main():
    errors = []
    texts = {}
    for p in PASSAGES:
        fn = os.path.join(HERE, p + '.md')
        if not os.path.isfile(fn):
            errors.append('missing passage file %s' % fn)
            continue
        with open(fn, encoding='utf-8') as f:
            texts[p] = f.read()
    mfn = os.path.join(HERE, 'marks.csv')
    if not os.path.isfile(mfn):
        print('missing marks.csv')
        return 1
    with open(mfn, encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != HEADER:
        errors.append('bad header: %r' % (rows[0] if rows else None))
    seen = set()
    marks = {p: [] for p in PASSAGES}
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != 5:
            errors.append('line %d: expected 5 fields, got %d' % (i, len(r)))
            continue
        p, term, count, meaning, sector = r
        if p not in PASSAGES:
            errors.append('line %d: unknown passage %r' % (i, p))
            continue
        if not term.strip() or term != term.strip():
            errors.append('line %d: empty or untrimmed term %r' % (i, term))
        if not meaning.strip():
            errors.append('line %d: empty meaning for %r' % (i, term))
        if sector not in SECTORS:
            errors.append('line %d: bad sector %r' % (i, sector))
        if (p, term) in seen:
            errors.append('line %d: duplicate row %s %r' % (i, p, term))
        seen.add((p, term))
        if not re.fullmatch(r'[1-9][0-9]*', count):
            errors.append('line %d: count not a positive integer %r' % (i, count))
            continue
        marks[p].append((term, int(count)))
    for p, ms in marks.items():
        if p not in texts:
            continue
        text = texts[p]
        counted = {}
        raw = {}
        for term, count in ms:
            rm = all_matches(text, term)
            raw[term] = rm
            counted[term] = [(s, e) for s, e in rm if bounded(text, s, e)]
            if len(counted[term]) != count:
                errors.append('%s %r: csv count %d, text count %d'
                              % (p, term, count, len(counted[term])))
        for term, _ in ms:
            for s, e in raw[term]:
                if bounded(text, s, e):
                    continue
                ok = any(cs <= s and e <= ce
                         for other in counted if other != term
                         for cs, ce in counted[other])
                if not ok:
                    ctx = text[max(0, s - 20):e + 20].replace('\n', ' ')
                    errors.append('%s %r: uncovered raw occurrence ...%s...'
                                  % (p, term, ctx))
    for p in PASSAGES:
        if p in texts and not marks[p]:
            errors.append('%s has no marks' % p)
    for e in errors:
        print('ERROR:', e)
    n = sum(len(v) for v in marks.values())
    occ = sum(c for v in marks.values() for _, c in v)
    if errors:
        print('FAIL: %d errors' % len(errors))
        return 1
    print('OK: %d rows, %d occurrences, %d passages' % (n, occ, len(texts)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
