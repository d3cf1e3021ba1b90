"""usage: autofix.py FILE.src SURFACE [SURFACE...] -- wrap unmarked occurrences with the meaning/sector of the first marked one."""
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
PAT = re.compile(r"\{([^{}|]+)\|([^{}|]+)\|([^{}|]+)\}")
import glob
ALLSRC = s + "".join(open(f, encoding="utf-8").read() for f in sorted(glob.glob("*.src")))
for surf in sys.argv[2:]:
    m0 = next(m for m in PAT.finditer(ALLSRC) if m.group(1) == surf)
    tag = "{%s|%s|%s}" % (surf, m0.group(2), m0.group(3))
    out, pos = [], 0
    for m in PAT.finditer(s):
        plain = s[pos:m.start()]
        plain = re.sub(r"(?<![A-Za-z{])" + re.escape(surf) + r"(?![A-Za-z])", lambda _: tag, plain)
        out.append(plain); out.append(m.group(0)); pos = m.end()
    plain = re.sub(r"(?<![A-Za-z{])" + re.escape(surf) + r"(?![A-Za-z])", lambda _: tag, s[pos:])
    out.append(plain)
    s = "".join(out)
open(p, "w", encoding="utf-8").write(s)
