"""Locust users for benchmarks/web.py: sign in once, then the overview, a measure by deprivation and its CSV."""

from __future__ import annotations

import os
import re

from locust import HttpUser, between, task

MEASURE = os.environ.get("JOINEDUP_BENCH_MEASURE", "ae_4_hour_performance")
NAME = os.environ.get("JOINEDUP_BENCH_USER", "bench")
PASSWORD = os.environ.get("JOINEDUP_BENCH_PASSWORD", "")


class Analyst(HttpUser):
    """An analyst moving between the three busiest pages."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        page = self.client.get("/signin", name="sign-in page")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
        self.client.post("/signin", data={"name": NAME, "password": PASSWORD, "csrf": token, "next": "/"},
                         name="sign in")

    @task(3)
    def overview(self) -> None:
        self.client.get("/", name="overview")

    @task(3)
    def measure(self) -> None:
        self.client.get(f"/measures/{MEASURE}?by=deprivation_quintile", name="measure by deprivation")

    @task(1)
    def export(self) -> None:
        self.client.get(f"/measures/{MEASURE}/csv?by=deprivation_quintile", name="CSV export")
