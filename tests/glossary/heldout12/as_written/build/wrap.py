#!/usr/bin/env python3
"""Hard-wrap draft passages at 72 columns; headings and table rows untouched."""
import os, textwrap
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
for i in range(1, 16):
    name = 'p%02d.md' % i
    src = open(os.path.join(HERE, 'drafts', name), encoding='utf-8').read()
    out = []
    for line in src.split('\n'):
        if not line.strip() or line.startswith('#') or line.startswith('|'):
            out.append(line)
        elif line.startswith('- '):
            out.extend(textwrap.wrap(line, 72, subsequent_indent='  ',
                                     break_long_words=False, break_on_hyphens=False))
        else:
            out.extend(textwrap.wrap(line, 72, break_long_words=False,
                                     break_on_hyphens=False))
    text = '\n'.join(out).rstrip('\n') + '\n'
    open(os.path.join(OUT, name), 'w', encoding='utf-8').write(text)
