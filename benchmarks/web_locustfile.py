"""Locust users for benchmarks/web.py: sign in once, then the overview, a measure by deprivation and its CSV."""

from __future__ import annotations

import os
import re

from locust import HttpUser, between, task

MEASURE = os.environ.get("JOINEDUP_BENCH_MEASURE", "ae_4_hour_performance")
NAME = os.environ.get("JOINEDUP_BENCH_USER", "bench")
PASSWORD = os.environ.get("JOINEDUP_BENCH_PASSWORD", "")


def _cookie(response, name: str) -> str:
    for header in response.raw.headers.getlist("Set-Cookie"):
        m = re.match(rf"{name}=([^;]+)", header)
        if m:
            return m.group(1)
    raise RuntimeError(f"no {name} cookie")


class Analyst(HttpUser):
    """An analyst moving between the three busiest pages."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        # The app's cookies are Secure; over plain http to 127.0.0.1 requests will not send them, so they go by hand.
        page = self.client.get("/signin", name="sign-in page")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
        csrf = _cookie(page, "jp_csrf")
        r = self.client.post("/signin", data={"name": NAME, "password": PASSWORD, "csrf": token, "next": "/"},
                             headers={"Cookie": f"jp_csrf={csrf}"}, name="sign in", allow_redirects=False)
        self.client.headers["Cookie"] = f"jp_csrf={csrf}; jp_session={_cookie(r, 'jp_session')}"

    @task(3)
    def overview(self) -> None:
        self.client.get("/", name="overview")

    @task(3)
    def measure(self) -> None:
        self.client.get(f"/measures/{MEASURE}?by=deprivation_quintile", name="measure by deprivation")

    @task(1)
    def export(self) -> None:
        self.client.get(f"/measures/{MEASURE}/csv?by=deprivation_quintile", name="CSV export")
