#!/usr/bin/env python3
"""Print per-passage statistics as a Markdown table for README.md."""
import csv, os, re
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTOR = {'p01': 'children', 'p02': 'children', 'p03': 'education', 'p04': 'education',
          'p05': 'adults', 'p06': 'adults', 'p07': 'public_health', 'p08': 'public_health',
          'p09': 'nhs', 'p10': 'nhs', 'p11': 'nhs', 'p12': 'nhs', 'p13': 'workforce',
          'p14': 'local_government', 'p15': 'cross_sector'}
CONTENT = {
 'p01': 'Council scrutiny: private fostering annual report 2024-25 (notifications, Regulation 4/8 visits, audit)',
 'p02': 'Cabinet: Short Breaks Services Statement 2026 and Disabled Children\'s Team redesign',
 'p03': 'Cabinet: home to school and post-16 transport policy consultation (PTBs, ITT, post-16 charge)',
 'p04': 'Employment and Skills Board: NEET and participation of 16-17s, RONI, careers, Youth Guarantee',
 'p05': 'Adults scrutiny: telecare and the analogue to digital (PSTN) switchover; TEC strategy',
 'p06': 'ASC Improvement Board: ASCOF results, move from SALT to Client Level Data, user surveys',
 'p07': 'Health and Wellbeing Board: refreshing the JSNA as a rolling, neighbourhood-level product',
 'p08': 'Health and Wellbeing Board: gambling-related harm, statutory levy and licensing Local Area Profile',
 'p09': 'Acute trust board: DIPC annual report 2024-25 (HCAI thresholds, outbreaks, AMR stewardship)',
 'p10': 'ICB board: EPRR Core Standards annual assurance 2025, incidents and exercises',
 'p11': 'ICB board: first 18 months of delegated specialised commissioning',
 'p12': 'Acute trust board: estates backlog, RAAC and 2026-27 capital programme within CDEL',
 'p13': 'One Workforce Board: using the Apprenticeship Levy across health and care; levy transfer scheme',
 'p14': 'Full Council: local government reorganisation and devolution (Fenmoor LGR, strategic authority)',
 'p15': 'Health and Wellbeing Board: Air Quality Action Plan 2026-31 and the health sector role',
}
rows = list(csv.reader(open(os.path.join(ROOT, 'marks.csv'), encoding='utf-8')))[1:]
print('| Passage | Sector | Words | Rows | Occurrences | Content |')
print('|---|---|---|---|---|---|')
tw = tr = to = 0
for i in range(1, 16):
    p = 'p%02d' % i
    t = open(os.path.join(ROOT, p + '.md'), encoding='utf-8').read()
    w = len([x for x in t.split() if re.search(r'[A-Za-z0-9]', x)])
    r = [x for x in rows if x[0] == p]
    o = sum(int(x[2]) for x in r)
    tw += w; tr += len(r); to += o
    print('| %s | %s | %d | %d | %d | %s |' % (p, SECTOR[p], w, len(r), o, CONTENT[p]))
print('| **Total** | | **%d** | **%d** | **%d** | |' % (tw, tr, to))
