"""Supply chain check run by .ci/run: known vulnerabilities (with a fix) in the locked dependencies.

Runs pip-audit (installed in its own virtual environment by .ci/run) over requirements.lock against
PyPI's advisory data. Exit 1 when any locked package has a known vulnerability with a fixed version;
exit 0 with a printed warning when the advisory service cannot be reached (machines that reach only
a package mirror: the mirror serves packages, not PyPI's vulnerability API), so that CI degrades
rather than fails for a reason that is not the code's.

    python scripts/audit_dependencies.py [--pip-audit PATH] [--lock requirements.lock]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """Audit the lock file; print what was found; return the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pip-audit", default="pip-audit", help="the pip-audit command")
    ap.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args(argv)
    cmd = [args.pip_audit, "-s", "pypi", "-r", str(args.lock), "--no-deps", "--disable-pip", "-f", "json",
           "--progress-spinner", "off"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        print(f"audit: warning: pip-audit gave no answer in {args.timeout} s (advisory service unreachable?); "
              "dependencies NOT audited")
        return 0
    try:
        report = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        print(f"audit: warning: pip-audit failed ({(proc.stderr or '').strip().splitlines()[-1:]}); "
              "dependencies NOT audited")
        return 0
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    vulnerable = [(d["name"], d["version"], v) for d in deps for v in d.get("vulns", []) if v.get("fix_versions")]
    for name, version, v in vulnerable:
        print(f"audit: {name} {version}: {v['id']} fixed in {', '.join(v['fix_versions'])}")
    if vulnerable:
        print(f"audit: {len(vulnerable)} known vulnerabilit(ies) with a fix in requirements.lock: upgrade them")
        return 1
    if deps and len(skipped) == len(deps):
        print(f"audit: warning: the advisory service was not reachable for any of {len(deps)} locked packages "
              f"({skipped[0]['skip_reason'][:80]}...); dependencies NOT audited")
        return 0
    print(f"audit: {len(deps) - len(skipped)} locked packages audited, no known vulnerability with a fix"
          + (f" ({len(skipped)} could not be audited)" if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
