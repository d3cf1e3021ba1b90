"""Fuzz one of joinedup's parsers for longer than CI does: every input must parse or raise UserError naming the file.

The targets are those of `tests/reliability/fuzz_targets.py` (ingest readers, spec loaders, explain's
paper readers, match's reader). With atheris installed (`pip install atheris`: coverage-guided, libFuzzer)
the run is guided by coverage, starting from the target's seeds; without it, hypothesis draws the same
inputs as the CI test with no example limit. A failure prints the input that caused it and stops.

    python scripts/fuzz_parsers.py --list
    python scripts/fuzz_parsers.py fhir_json --minutes 30
    python scripts/fuzz_parsers.py all --minutes 5          # each target in turn
    python scripts/fuzz_parsers.py cin_xml --engine hypothesis --minutes 10
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from joinedup.errors import UserError  # noqa: E402
from tests.reliability import fuzz_targets as ft  # noqa: E402

_n = itertools.count()


def run_one(name: str, data: bytes, scratch: Path) -> None:
    """Parse one input with one target; raise anything that is not a UserError naming the file."""
    suffix, target, _seeds = ft.TARGETS[name]
    case = scratch / f"c{next(_n)}"
    case.mkdir()
    path = case / f"input{suffix}"
    path.write_bytes(data)
    try:
        target(path)
    except UserError as e:
        if not e.file:
            raise AssertionError(f"UserError without a file: {e}") from None
    finally:
        shutil.rmtree(case, ignore_errors=True)


def with_atheris(name: str, minutes: float, scratch: Path) -> None:
    """Coverage-guided fuzzing with atheris (libFuzzer), from the target's seeds."""
    import atheris

    corpus = scratch / "corpus"
    corpus.mkdir()
    for i, seed in enumerate(ft.TARGETS[name][2]):
        (corpus / f"seed{i}").write_bytes(seed)

    def one(data: bytes) -> None:
        run_one(name, data, scratch)

    atheris.instrument_all()
    atheris.Setup([sys.argv[0], str(corpus), f"-max_total_time={int(minutes * 60)}", "-max_len=65536"], one)
    atheris.Fuzz()


def with_hypothesis(name: str, minutes: float, scratch: Path) -> int:
    """Random and mutated inputs from hypothesis until the time is up; returns how many were tried."""
    from hypothesis import HealthCheck, Phase, given, settings

    deadline = time.monotonic() + minutes * 60
    tried = 0

    class TimeUp(Exception):
        pass

    @settings(max_examples=10**9, deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    @given(ft.inputs(ft.TARGETS[name][2]))
    def fuzz(data: bytes) -> None:
        nonlocal tried
        if time.monotonic() > deadline:
            raise TimeUp
        tried += 1
        run_one(name, data, scratch)

    try:
        fuzz()
    except TimeUp:
        pass
    return tried


def main() -> int:
    """Parse the arguments and fuzz."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", nargs="?", help="a target name, or 'all'")
    ap.add_argument("--minutes", type=float, default=10.0, help="how long per target (default 10)")
    ap.add_argument("--engine", choices=["auto", "atheris", "hypothesis"], default="auto")
    ap.add_argument("--list", action="store_true", help="list the targets")
    args = ap.parse_args()
    if args.list or not args.target:
        print("\n".join(sorted(ft.TARGETS)))
        return 0
    names = sorted(ft.TARGETS) if args.target == "all" else [args.target]
    unknown = [n for n in names if n not in ft.TARGETS]
    if unknown:
        print(f"error: unknown target {unknown[0]} (see --list)", file=sys.stderr)
        return 2
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401
            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    if engine == "atheris" and len(names) > 1:
        print("error: atheris fuzzes one target per process; name one", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="joinedup-fuzz-") as tmp:
        for name in names:
            if engine == "atheris":
                with_atheris(name, args.minutes, Path(tmp))
            else:
                started = time.monotonic()
                n = with_hypothesis(name, args.minutes, Path(tmp))
                print(f"{name}: {n:,} inputs in {time.monotonic() - started:,.0f} s, every one parsed or refused "
                      "in one UserError naming the file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
