#!/usr/bin/env python3
"""Build marks.csv from marks_src.txt, counting occurrences with check.py's rules,
and list candidate jargon tokens not covered by any counted mark."""
import csv, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
import check

marks = {}
cur = None
for line in open(os.path.join(HERE, 'marks_src.txt'), encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip():
        continue
    if line.startswith('== '):
        cur = line[3:].strip(); marks[cur] = []; continue
    term, meaning, sector = [x.strip() for x in line.split(' | ')]
    marks[cur].append((term, meaning, sector))

rows = []
problems = 0
for p in check.PASSAGES:
    text = open(os.path.join(ROOT, p + '.md'), encoding='utf-8').read()
    spans = []
    seen = set()
    for term, meaning, sector in marks.get(p, []):
        if term in seen:
            print('DUP', p, term); problems += 1
        seen.add(term)
        ms = [(s, e) for s, e in check.all_matches(text, term) if check.bounded(text, s, e)]
        if not ms:
            print('ZERO', p, repr(term)); problems += 1; continue
        spans.extend(ms)
        rows.append([p, term, str(len(ms)), meaning, sector])
    # candidate scan: tokens with 2+ capitals, digits mixed with letters, or hyphen-caps
    body = text
    for m in re.finditer(r"[A-Za-z0-9µ][A-Za-z0-9µ./'-]*[A-Za-z0-9]|[A-Z]", body):
        tok = m.group(0)
        core = tok.strip(".'")
        if re.search(r'[A-Z].*[A-Z]', core) or (re.search(r'[A-Za-z]', core) and re.search(r'\d', core)):
            s, e = m.start(), m.end()
            if not any(cs <= s and e <= ce for cs, ce in spans):
                if sys.argv[1:] == ['-v'] or True:
                    print('UNCOVERED', p, tok)
with open(os.path.join(ROOT, 'marks.csv'), 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f)
    w.writerow(check.HEADER)
    w.writerows(rows)
print('rows', len(rows), 'problems', problems)
