"""Turn the corpus as written (term, count per passage) into spans (start, end) in ../passages/.

Each marked term is found by its words (any whitespace between them, so a term wrapped across a line
matches) at word boundaries; the number found must equal the count the writer gave, else it is printed.
"""
import csv, re, pathlib
src = pathlib.Path(__file__).resolve().parent; dst = src.parent / 'passages'
bad = 0; total = 0
for md in sorted(src.glob('[0-9]*.md')):
    text = md.read_text(encoding='utf-8')
    rows = list(csv.DictReader(open(md.with_name(md.name[:-3]+'.terms.tsv'), encoding='utf-8'), delimiter='\t'))
    marks = []
    for r in rows:
        s = r['term']
        pat = r'\s+'.join(re.escape(w) for w in s.split())
        pre = r'(?<![A-Za-z0-9_])' if re.match(r'\w', s) else ''
        post = r'(?![A-Za-z0-9_])' if re.search(r'\w$', s) else ''
        found = [(m.start(), m.end()) for m in re.finditer(pre+pat+post, text)]
        if len(found) != int(r['count']):
            bad += 1; print(md.name, repr(s), r['count'], len(found))
        for a, b in found:
            marks.append((a, b, text[a:b], r['meaning'], r['sector']))
    marks.sort()
    for x, y in zip(marks, marks[1:]):
        if y[0] < x[1]: print('overlap', md.name, x[2], y[2])
    total += len(marks)
    (dst/md.name).write_text(text, encoding='utf-8')
    with open(dst/(md.name[:-3]+'.terms.tsv'), 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f, delimiter='\t', lineterminator='\n'); w.writerow(['start','end','surface','meaning','sector'])
        w.writerows(marks)
print('bad', bad, 'total', total)
