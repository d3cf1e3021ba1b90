#!/usr/bin/env python3
"""Helper: turn marks_src.txt (term | meaning | sector) into marks.csv with counts."""
import csv, re, os
HERE = os.path.dirname(os.path.abspath(__file__))
LB, RB = r'(?<![^\W_])', r'(?![^\W_])'
def pat(t): return re.compile(LB + r'\s+'.join(re.escape(p) for p in t.split()) + RB)
rows, p = [], None
for line in open(os.path.join(HERE, 'marks_src.txt'), encoding='utf-8'):
    line = line.rstrip('\n')
    if line.startswith('## '): p = line[3:].strip(); text = open(os.path.join(HERE, p + '.md'), encoding='utf-8').read(); continue
    if not line.strip(): continue
    term, meaning, sector = [x.strip() for x in line.split(' | ')]
    n = len(pat(term).findall(text))
    if n == 0: print('NOT FOUND', p, term)
    rows.append([p, term, n, meaning, sector])
with open(os.path.join(HERE, 'marks.csv'), 'w', newline='', encoding='utf-8') as fh:
    w = csv.writer(fh); w.writerow(['passage', 'term', 'count', 'meaning', 'sector']); w.writerows(rows)
print(len(rows), 'rows')
