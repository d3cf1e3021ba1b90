#!/usr/bin/env python3
"""Print a markdown table of rows and occurrences per passage from marks.csv."""
import csv, os
from collections import Counter
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rows = list(csv.DictReader(open(os.path.join(HERE, 'marks.csv'), encoding='utf-8')))
r, o = Counter(), Counter()
for x in rows:
    r[x['passage']] += 1
    o[x['passage']] += int(x['count'])
print('| Passage | Rows | Occurrences |')
print('| --- | ---: | ---: |')
for i in range(1, 16):
    p = 'p%02d' % i
    print('| %s | %d | %d |' % (p, r[p], o[p]))
print('| **Total** | **%d** | **%d** |' % (sum(r.values()), sum(o.values())))
