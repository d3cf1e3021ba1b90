#!/usr/bin/env python3
"""Build marks.csv from build/terms.txt using check.py's own matching functions."""
import csv, os, sys
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
import check  # noqa: E402

rows = []
problems = []
with open(os.path.join(HERE, 'build', 'terms.txt'), encoding='utf-8') as f:
    for line in f:
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'):
            continue
        parts = [x.strip() for x in line.split(' | ')]
        if len(parts) != 4:
            problems.append('bad line: %r' % line)
            continue
        p, term, sector, meaning = parts
        with open(os.path.join(HERE, p + '.md'), encoding='utf-8') as g:
            text = g.read()
        n = sum(1 for s, e in check.all_matches(text, term) if check.bounded(text, s, e))
        if n == 0:
            problems.append('%s %r: zero bounded occurrences' % (p, term))
            continue
        rows.append([p, term, str(n), meaning, sector])
rows.sort(key=lambda r: r[0])  # stable: keep file order within passage
with open(os.path.join(HERE, 'marks.csv'), 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f)
    w.writerow(check.HEADER)
    w.writerows(rows)
for pr in problems:
    print('PROBLEM:', pr)
print('%d rows written' % len(rows))
