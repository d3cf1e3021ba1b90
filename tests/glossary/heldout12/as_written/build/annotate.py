import csv, os, sys
sys.path.insert(0, '..'); import check
rows = list(csv.reader(open('../marks.csv')))[1:]
for p in sys.argv[1:]:
    t = open('../%s.md' % p).read()
    spans = []
    for r in rows:
        if r[0] == p:
            spans += [(s, e) for s, e in check.all_matches(t, r[1]) if check.bounded(t, s, e)]
    cov = [False]*len(t)
    for s, e in spans:
        for i in range(s, e): cov[i] = True
    out = []
    for i, c in enumerate(t):
        if cov[i] and (i == 0 or not cov[i-1]): out.append('[')
        out.append(c)
        if cov[i] and (i+1 == len(t) or not cov[i+1]): out.append(']')
    print(''.join(out))
