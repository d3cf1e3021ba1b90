#!/usr/bin/env python3
"""Verify marks.csv: every term's count equals the number of regex matches
(?<!\\w)TERM(?!\\w) in its passage, where whitespace inside TERM matches any run
of whitespace (including line breaks). Also checks columns, sectors, word counts."""
import csv, re, sys, os
HERE = os.path.dirname(os.path.abspath(__file__))
SECTORS = {'children','adults','public_health','nhs','education','workforce','finance','local_government'}
def pattern(term):
    return re.compile(r'(?<!\w)' + r'\s+'.join(re.escape(w) for w in term.split()) + r'(?!\w)')
errors = []; rows = 0; occ = 0; seen = set(); texts = {}
with open(os.path.join(HERE, 'marks.csv'), newline='', encoding='utf-8') as f:
    r = csv.DictReader(f)
    if r.fieldnames != ['passage','term','count','meaning','sector']:
        errors.append(f'bad header {r.fieldnames}')
    for i, row in enumerate(r, start=2):
        p, t = row['passage'], row['term']
        if p not in texts:
            path = os.path.join(HERE, p + '.md')
            if not os.path.exists(path):
                errors.append(f'line {i}: no passage file {p}.md'); continue
            texts[p] = open(path, encoding='utf-8').read()
        if (p, t) in seen: errors.append(f'line {i}: duplicate row {p} {t!r}')
        seen.add((p, t))
        if row['sector'] not in SECTORS: errors.append(f'line {i}: bad sector {row["sector"]!r}')
        if not row['meaning'].strip(): errors.append(f'line {i}: empty meaning')
        n = len(pattern(t).findall(texts[p]))
        try: c = int(row['count'])
        except ValueError: errors.append(f'line {i}: non-integer count'); continue
        if c != n or n == 0: errors.append(f'line {i}: {p} {t!r} count {c} but regex finds {n}')
        rows += 1; occ += c
for p, s in sorted(texts.items()):
    w = len(re.findall(r"[A-Za-z0-9£][^\s|#*]*", s))
    if not 250 <= w <= 400: errors.append(f'{p}: {w} words (want 250-400)')
print(f'passages={len(texts)} rows={rows} occurrences={occ}')
if errors:
    print('FAIL'); print('\n'.join(errors)); sys.exit(1)
print('PASS')
