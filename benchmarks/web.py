"""Benchmark: the web app under 20 concurrent users (locust, headless), with the CLI doing the same work as the peer.

    python benchmarks/web.py --people 320000 [--db STORE] [--seconds 60] [--users 20]

Without --db it builds the place once (synth -> ingest -> link -> peers import) under
benchmarks/.cache/. It starts `joinedup serve` on a copy of the store, times the first overview of
that new store version, then runs locust with 20 users over the overview, a measure by deprivation
and its CSV export, and prints p50 and p95 per page. The peer, timed in the same run, is the CLI
answering the same question (`joinedup measures run --measure M --by deprivation_quintile --json`).
Targets: p95 <= 300 ms per page on 2 cores; the first page of a new store version <= 3 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MEASURE = "ae_4_hour_performance"
P95_TARGET_MS, FIRST_PAGE_TARGET_S = 300, 3.0


def _joinedup(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "joinedup", *args], cwd=ROOT, check=True, **kw)


def build(people: int) -> Path:
    """synth -> ingest -> link -> peers import into benchmarks/.cache (once per size)."""
    cache = ROOT / "benchmarks" / ".cache"
    store = cache / f"web-{people}.duckdb"
    if store.exists():
        return store
    place = cache / f"web-place-{people}"
    _joinedup("synth", "--people", str(people), "--out", str(place), "--force")
    _joinedup("ingest", str(place), "--db", str(store))
    _joinedup("link", "--db", str(store))
    _joinedup("peers", "import", "--db", str(store))
    return store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"joinedup serve stopped: {proc.stderr.read()}")
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("joinedup serve did not answer within 120 s")


def _cookie(response: httpx.Response, name: str) -> str:
    # The app's cookies are Secure; over plain http to 127.0.0.1 a browser keeps them, httpx does not.
    import re
    for header in response.headers.get_list("set-cookie"):
        if m := re.match(rf"{name}=([^;]+)", header):
            return m.group(1)
    raise SystemExit(f"no {name} cookie from {response.url}")


def _signed_in(base: str, name: str, password: str) -> httpx.Client:
    import re
    c = httpx.Client(base_url=base, timeout=300)
    page = c.get("/signin")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    csrf = _cookie(page, "jp_csrf")
    r = c.post("/signin", data={"name": name, "password": password, "csrf": token, "next": "/"},
               headers={"Cookie": f"jp_csrf={csrf}"}, follow_redirects=False)
    if r.status_code != 303:
        raise SystemExit(f"sign-in failed: {r.status_code}")
    c.headers["Cookie"] = f"jp_csrf={csrf}; jp_session={_cookie(r, 'jp_session')}"
    return c


def main(argv: list[str] | None = None) -> int:
    """Print first-page time, p50/p95 per page and the CLI peer; 0 when on target, 1 when not."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=320_000)
    ap.add_argument("--db", type=Path, default=None, help="An existing linked store (skips the build).")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--users", type=int, default=20)
    a = ap.parse_args(argv)
    source = a.db or build(a.people)
    work = Path(tempfile.mkdtemp(prefix="joinedup-web-bench-"))
    store = work / "store.duckdb"
    shutil.copy(source, store)  # a new store version, never served before
    name, password = "bench", secrets.token_urlsafe(16)
    _joinedup("users", "add", name, "--role", "analyst", "--db", str(store), input=password + "\n", text=True,
              capture_output=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "joinedup", "serve", "--db", str(store), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait(base + "/signin", proc)
        client = _signed_in(base, name, password)
        t = time.perf_counter()
        client.get("/").raise_for_status()
        first = time.perf_counter() - t
        client.get(f"/measures/{MEASURE}?by=deprivation_quintile").raise_for_status()
        t = time.perf_counter()
        _joinedup("measures", "run", "--db", str(store), "--measure", MEASURE, "--by", "deprivation_quintile", "--json",
                  capture_output=True)
        peer = time.perf_counter() - t
        prefix = work / "locust"
        env = {**os.environ, "JOINEDUP_BENCH_USER": name, "JOINEDUP_BENCH_PASSWORD": password,
               "JOINEDUP_BENCH_MEASURE": MEASURE}
        subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "web_locustfile.py"), "--headless",
                        "-u", str(a.users), "-r", str(a.users), "-t", f"{a.seconds}s", "--host", base, "--csv", str(prefix),
                        "--only-summary", "--loglevel", "WARNING"], check=True, env=env, capture_output=True)
        rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    ok = first <= FIRST_PAGE_TARGET_S
    print(f"web app on {source.name} ({a.people:,} people), {a.users} users for {a.seconds} s, {os.cpu_count()} cores")
    print(f"first overview of a new store version: {first:.2f} s (target <= {FIRST_PAGE_TARGET_S:.0f} s)")
    print(f"{'page':<24}{'requests':>9}{'failures':>9}{'p50 ms':>8}{'p95 ms':>8}")
    for r in rows:
        if r["Name"] in ("Aggregated", "sign-in page", "sign in"):
            continue
        p95 = float(r["95%"])
        ok &= p95 <= P95_TARGET_MS and r["Failure Count"] == "0"
        print(f"{r['Name']:<24}{r['Request Count']:>9}{r['Failure Count']:>9}{r['50%']:>8}{r['95%']:>8}")
    print(f"peer: joinedup measures run --measure {MEASURE} --by deprivation_quintile (the CLI, cold): {peer * 1000:.0f} ms")
    print(f"target p95 <= {P95_TARGET_MS} ms per page: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
