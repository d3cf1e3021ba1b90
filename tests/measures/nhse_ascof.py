"""Independent reference: NHS England's CLD-to-ASCOF replication code, ported to Python (polars).

Ported from NHSDigital/ASC-Client-Level-Data-SALT-ASCOF-transformations at commit
2d6d650e4e5978ac4e9202e4990fd0bdb6c5a1b5 (the 2023-24 code, fixed when SALT ended):
- `ASCOF 2B2C/ASCOF 2B2C replication code.txt` -> `ascof_2b_2c`
- `ASCOF 3D/ASCOF 3D replication code.txt` (client parts 1a and 2a) -> `ascof_3d_clients`
and, for the 2024-25 method of 2D, which NHS England left to DHSC, from DataS-DHSC/ASC-CLD-LA-Dashboard
at commit 69fe2e40740a642d397b86007f8404cd771cf841, `ASCOF_measures/Create_ASCOF_2D.sql` -> `ascof_2d_2425`.

The port reads the raw extracts joinedup's synthetic place writes (the CLD file and the inpatient
spells file), never the store's canonical tables, so it shares none of joinedup's measure code.
Steps are kept in the order and with the names of the SQL. Three steps have no counterpart in a
single local extract and are noted where they fall: choosing the latest submission (ImportDate;
one submission here), removing events superseded in a later submission (idem), and the amalgamated
NHS/LA identifier: the port takes each row's person from joinedup's person index (one lookup from
the row's file position), because the SQL's identifier drops rows that linkage resolves and would
test linkage, not the definition.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

__all__ = ["cld_frame", "spells_frame", "ascof_2b_2c", "ascof_3d_clients", "ascof_2d_2425", "sts002a_rows", "ascof_2a"]


def _der_dob(df: pl.DataFrame) -> pl.DataFrame:
    # Der_Birth_Year / Der_Birth_Month (derived centrally from the date of birth); DOB on the 1st.
    return df.with_columns(Der_Birth_Year=pl.col("Date_of_Birth").dt.year(),
                           Der_Birth_Month=pl.col("Date_of_Birth").dt.month()).with_columns(
        Der_DOB=pl.date(pl.col("Der_Birth_Year"), pl.col("Der_Birth_Month"), 1))


def _age_at(snapshot: date) -> pl.Expr:
    # FLOOR(DATEDIFF(DAY, Der_DOB, @SnapshotDate) / 365.25)
    return ((pl.lit(snapshot) - pl.col("Der_DOB")).dt.total_days() / 365.25).floor()


def cld_frame(raw: pl.DataFrame, ids: dict[int, str]) -> pl.DataFrame:
    """The CLD rows with [ID] (rows with no person, like the SQL's NULL IDs, are deleted)."""
    df = raw.with_row_index("_row", offset=1).with_columns(
        ID=pl.col("_row").replace_strict(ids, default=None, return_dtype=pl.Utf8))
    for c in ("Date_of_Birth", "Date_of_Death", "Event_Start_Date", "Event_End_Date"):
        if df.schema[c] != pl.Date:
            df = df.with_columns(pl.col(c).str.to_date(strict=False))
    return _der_dob(df.filter(pl.col("ID").is_not_null()))


def spells_frame(raw: pl.DataFrame, ids: dict[int, str]) -> pl.DataFrame:
    """The inpatient spells (the SUS input) with the person's [ID] as Der_DHSC_Pseudo_NHS_Number."""
    df = raw.with_row_index("_row", offset=1).with_columns(
        Der_DHSC_Pseudo_NHS_Number=pl.col("_row").replace_strict(ids, default=None, return_dtype=pl.Utf8))
    for c in ("Person_Birth_Date", "Admission_Date", "Discharge_Date"):
        if df.schema[c] != pl.Date:
            df = df.with_columns(pl.col(c).str.to_date(strict=False))
    return df.filter(pl.col("Der_DHSC_Pseudo_NHS_Number").is_not_null())


def ascof_2b_2c(cld: pl.DataFrame, fy_start: int) -> tuple[int, int]:
    """Numerators of ASCOF 2B (18-64) and 2C (65+): new residential or nursing clients still in care at the snapshot."""
    snapshot = date(fy_start + 1, 4, 1)  # SET @SnapshotDate = '2024-04-01' for 2023-24
    start = date(fy_start, 4, 1)
    # CREATE INITIAL BUILD OF CURRENT RESIDENTIAL AND NURSING COHORT
    build = cld.filter((pl.col("Event_Type") == "Service") & (pl.col("Client_Type") == "Service User")
                       & pl.col("Service_Type").is_in(["Long Term Support: Residential Care", "Long Term Support: Nursing Care"])
                       & pl.col("Der_Birth_Month").is_not_null() & pl.col("Der_Birth_Year").is_not_null()
                       ).with_columns(Der_Age_Snapshot_Date=_age_at(snapshot))
    # APPLY DATE FILTER TO CREATE FINAL RES AND NURSING TABLE (UPDATED RECORDS: one submission, nothing superseded)
    resnurs = build.filter((pl.col("Event_End_Date") >= snapshot) | pl.col("Event_End_Date").is_null())
    # CREATE ADMISSION NUMBERS
    previous = resnurs.filter(pl.col("Event_Start_Date") < start).select("ID").unique()
    admissions = resnurs.filter((pl.col("Event_Start_Date") >= start) & (pl.col("Event_Start_Date") < snapshot)
                                ).select("ID", "Der_Age_Snapshot_Date").unique()
    final = admissions.join(previous, on="ID", how="anti")
    n2b = final.filter(pl.col("Der_Age_Snapshot_Date").is_between(18, 64))["ID"].len()
    n2c = final.filter(pl.col("Der_Age_Snapshot_Date") > 64)["ID"].len()
    return n2b, n2c


_HIERARCHY = {("Long Term Support: Nursing Care", ""): 1, ("Long Term Support: Residential Care", ""): 2,
              ("Long Term Support: Community", "Direct Payment"): 3,
              ("Long Term Support: Community", "CASSR Managed Personal Budget"): 4,
              ("Long Term Support: Community", "CASSR Commissioned Support"): 5, ("Long Term Support: Community", ""): 6,
              ("Long Term Support: Prison", "CASSR Managed Personal Budget"): 7,
              ("Long Term Support: Prison", "CASSR Commissioned Support"): 8, ("Long Term Support: Prison", ""): 9}


def ascof_3d_clients(cld: pl.DataFrame, fy_start: int) -> tuple[int, int, int]:
    """ASCOF 3D client parts, all ages: (denominator, part 1a numerator, part 2a numerator) at 31 March."""
    snapshot = date(fy_start + 1, 3, 31)
    build = cld.filter(pl.col("Service_Type").is_in(["Long Term Support: Nursing Care", "Long Term Support: Residential Care",
                                                     "Long Term Support: Community", "Long Term Support: Prison"])
                       & (pl.col("Client_Type") == "Service User") & (pl.col("Event_Start_Date") <= snapshot)
                       & ((pl.col("Event_End_Date") >= snapshot) | pl.col("Event_End_Date").is_null())
                       & ((pl.col("Date_of_Death") >= snapshot) | pl.col("Date_of_Death").is_null())
                       & pl.col("Der_Birth_Month").is_not_null() & pl.col("Der_Birth_Year").is_not_null())
    # OVER-WRITE ANY INVALID OR UNEXPECTED ENTRIES IN THE DELIVERY MECHANISM COLUMN TO ''
    valid = {k for k in _HIERARCHY}
    dm = [d if (s, d) in valid and s in ("Long Term Support: Community", "Long Term Support: Prison") else ""
          for s, d in zip(build["Service_Type"].to_list(), build["Delivery_Mechanism"].fill_null("").str.strip_chars().to_list())]
    build = build.with_columns(Delivery_Mechanism=pl.Series(dm, dtype=pl.Utf8))
    # CREATE INITIAL TABLE JOIN TO REF DATA FOR CLIENTS (Service_Component 'Direct Payment' ranks as 3)
    rank = [3 if s == "Long Term Support: Community" and c == "Direct Payment" else _HIERARCHY.get((s, d))
            for s, d, c in zip(build["Service_Type"].to_list(), build["Delivery_Mechanism"].to_list(),
                               build["Service_Component"].to_list())]
    j = build.with_columns(Hierarchy=pl.Series(rank, dtype=pl.Int64))
    # TOTAL ALL AGES: the record(s) with the lowest rank per client
    min_rank = j.group_by("ID").agg(RANK=pl.col("Hierarchy").min())
    chosen = j.join(min_rank, left_on=["ID", "Hierarchy"], right_on=["ID", "RANK"], how="inner")
    community = chosen.filter(pl.col("Service_Type") == "Long Term Support: Community")
    dp = (pl.col("Delivery_Mechanism") == "Direct Payment") | (pl.col("Service_Component") == "Direct Payment")
    den = community["ID"].n_unique()
    n1a = community.filter(dp | (pl.col("Delivery_Mechanism") == "CASSR Managed Personal Budget"))["ID"].n_unique()
    n2a = community.filter(dp)["ID"].n_unique()
    return den, n1a, n2a


def ascof_2d_2425(cld: pl.DataFrame, sus: pl.DataFrame, fy_start: int) -> tuple[int, int]:
    """ASCOF 2D part 1 by the 2024-25 method: (numerator, denominator) of reablement clusters after discharge."""
    start, end = date(fy_start, 4, 1), date(fy_start + 1, 3, 31)
    far = date(9999, 1, 1)
    # STAGE 1: clean CLD (service users; not dead before the period; valid or open end dates)
    c = cld.filter((pl.col("Client_Type") == "Service User")
                   & ((pl.col("Date_of_Death") >= start) | pl.col("Date_of_Death").is_null())
                   & ((pl.col("Event_End_Date") >= pl.col("Event_Start_Date")) | pl.col("Event_End_Date").is_null())
                   ).with_columns(Der_Event_End_Date=pl.col("Event_End_Date").fill_null(far))
    lts = c.filter(pl.col("Service_Type").str.starts_with("Long"))
    re = c.filter((pl.col("Event_Type") == "Service") & (pl.col("Service_Type") == "Short Term Support: ST-Max")
                  & (pl.col("Service_Component") == "Reablement")).sort("ID", "Event_Start_Date", "Der_Event_End_Date")
    # Cluster reablement events: a new cluster when it starts more than 7 days after every earlier end
    rows, clusters = re.select("ID", "Event_Start_Date", "Der_Event_End_Date", "Date_of_Death").rows(), []
    prev_id, prev_end = None, None
    for pid, s, e, dod in rows:
        if pid != prev_id or (s - prev_end).days > 7:
            clusters.append([pid, s, e, dod])
            prev_end = e
        else:
            clusters[-1][2] = max(clusters[-1][2], e)
            clusters[-1][3] = clusters[-1][3] or dod
            prev_end = max(prev_end, e)
        prev_id = pid
    reab = pl.DataFrame(clusters, schema=["ID", "ST_Max_Cluster_Start", "ST_Max_Cluster_End", "Date_of_Death"], orient="row"
                        ).with_row_index("ST_Max_Cluster_ID")
    # STAGE 2: all discharges (65+, not maternity/birth admissions, not died, not to listed destinations)
    age = ((pl.col("Discharge_Date") - pl.date(pl.col("Person_Birth_Date").dt.year(), pl.col("Person_Birth_Date").dt.month(), 1)
            ).dt.total_days() / 365.25).floor()
    d = sus.filter((age >= 65) & ~pl.col("Admission_Method").fill_null("").is_in(["31", "32", "82", "83"])
                   & ~pl.col("Discharge_Method").fill_null("").is_in(["4", "5"])
                   & ~pl.col("Discharge_Destination").fill_null("").is_in(["49", "50", "51", "52", "79", "87", "88"])
                   & (pl.col("Admission_Date") < pl.col("Discharge_Date"))
                   & pl.col("Discharge_Date").is_between(start, end))
    in_care = (d.join(lts.filter(pl.col("Service_Type").is_in(["Long Term Support: Nursing Care", "Long Term Support: Residential Care",
                                                               "Long Term Support: Prison"])),
                      left_on="Der_DHSC_Pseudo_NHS_Number", right_on="ID", how="inner")
               .filter((pl.col("Admission_Date") >= pl.col("Event_Start_Date")) & (pl.col("Admission_Date") <= pl.col("Der_Event_End_Date")))
               .select("Hospital_Provider_Spell_Number").unique())
    d = d.join(in_care, on="Hospital_Provider_Spell_Number", how="anti")
    # STAGE 3: link discharges to reablement (discharge 7 days before to 3 days after the start; latest kept)
    linked = d.join(reab, left_on="Der_DHSC_Pseudo_NHS_Number", right_on="ID", how="inner").filter(
        (pl.col("Discharge_Date") >= pl.col("ST_Max_Cluster_Start") - timedelta(days=7))
        & (pl.col("Discharge_Date") <= pl.col("ST_Max_Cluster_Start") + timedelta(days=3))
        & (pl.col("Admission_Date") <= pl.col("ST_Max_Cluster_Start")))
    linked = linked.filter(pl.col("Discharge_Date") == pl.col("Discharge_Date").max().over("ST_Max_Cluster_ID"))
    # STAGE 4: outcomes within 84 days of discharge
    readm = sus.filter((pl.col("Admission_Date") < pl.col("Discharge_Date")) & pl.col("Admission_Method").str.starts_with("2")
                       & (pl.col("Discharge_Method").fill_null("") != "5") & (pl.col("Admission_Date") >= start)
                       ).select(pl.col("Der_DHSC_Pseudo_NHS_Number").alias("R_ID"), pl.col("Admission_Date").alias("R_Adm"))
    x = linked.select("ST_Max_Cluster_ID", "Der_DHSC_Pseudo_NHS_Number", "ST_Max_Cluster_Start", "Discharge_Date", "Date_of_Death")
    r_flag = (x.join(readm, left_on="Der_DHSC_Pseudo_NHS_Number", right_on="R_ID", how="inner")
              .filter((pl.col("R_Adm") > pl.col("ST_Max_Cluster_Start")) & (pl.col("R_Adm") > pl.col("Discharge_Date"))
                      & (pl.col("R_Adm") <= pl.col("Discharge_Date") + timedelta(days=84)))
              .select("ST_Max_Cluster_ID").unique())
    l_flag = (x.join(lts.filter(pl.col("Service_Type").is_in(["Long Term Support: Residential Care", "Long Term Support: Nursing Care"])),
                     left_on="Der_DHSC_Pseudo_NHS_Number", right_on="ID", how="inner")
              .filter((pl.col("Event_Start_Date") >= pl.col("Discharge_Date"))
                      & (pl.col("Event_Start_Date") <= pl.col("Discharge_Date") + timedelta(days=84)))
              .select("ST_Max_Cluster_ID").unique())
    dead = x.filter(pl.col("Date_of_Death").is_not_null() & (pl.col("Date_of_Death") >= pl.col("Discharge_Date"))
                    & (pl.col("Date_of_Death") <= pl.col("Discharge_Date") + timedelta(days=84))).select("ST_Max_Cluster_ID").unique()
    clusters_in = x.select("ST_Max_Cluster_ID").unique()
    bad = pl.concat([r_flag, l_flag, dead]).unique()
    return clusters_in.join(bad, on="ST_Max_Cluster_ID", how="anti").height, clusters_in.height


# --- ASCOF 2A: SALT STS001 (the ST-Max cohort) then ASCOF 2A (the STS002a sequels) -----------------------
# Ported from "SALT STS001/STS001 replication code.txt" and "ASCOF 2A/ASCOF 2A replication code.txt" at the
# commit above, in plain Python over each person's rows (SQL Server compares text without regard to case,
# so every comparison here is on lower case; NULL never equals anything).

_FAR = date(9999, 12, 31)  # CAST(GETDATE() AS Date) for an open event: any day after the period
_LTS = ("long term support: nursing care", "long term support: residential care", "long term support: community",
        "long term support: prison")
_ST_MAX = "short term support: st-max"
_OUTCOME_HIERARCHY = {o.lower(): i for i, o in enumerate((
    "Progress to Reablement/ST-Max", "Progress to Assessment", "Admitted to Hospital",
    "Progress to Re-assessment / Unplanned Review", "Progress to Support Planning / Services", "Progress to End of Life Care",
    "No change in package", "Service ended as planned", "Progress to financial assessment", "Provision of service",
    "NFA - Deceased", "NFA - Moved to another LA", "NFA - 100% NHS-funded care", "NFA - Information & Advice / Signposting only",
    "NFA - Self-funded client (inc. 12wk disregard)", "NFA - Support declined", "NFA - Support ended – other reason",
    "NFA - No services offered - other reason", "NFA- Other"), start=1)}
_REF_SERVICE_2A = {"long term support: nursing care": 1, "long term support: residential care": 2,
                   "long term support: community": 3, "long term support: prison": 4,
                   "short term support: ongoing low level": 5, "short term support: other short term": 6}
_EARLY = "Early cessation of service (not leading to long term support) - 100% NHS funded care/End of Life/deceased"
_OTHER = "No services provided – other"
_ST_MAX_SEQUEL_MAPPINGS = {k.lower(): v for k, v in {
    "NFA - 100% NHS funded care": _EARLY, "NFA - Deceased": _EARLY,
    "NFA - Self-funded client (Inc. 12wk disregard)": "No services provided – needs identified but self-funding",
    "NFA - Support declined": "No services provided – needs identified but support declined",
    "NFA - Information & Advice / Signposting only": "No Services Provided – Universal Services / signposted to other services",
    "NFA - Moved to another LA": _OTHER, "NFA- Other": _OTHER, "NFA - No services offered: Other reason": _OTHER,
    "NFA - Support ended: Other reason": _OTHER, "Progress to End of Life Care": _OTHER, "Admitted to hospital": _OTHER,
    "Long Term Support: Nursing Care": "Long Term Support (any setting)",
    "Long Term Support: Residential Care": "Long Term Support (any setting)",
    "Long Term Support: Community": "Long Term Support (any setting)",
    "Long Term Support: Prison": "Long Term Support (any setting)",
    "Short Term Support: Ongoing Low Level": "Ongoing Low Level Support",
    "Short Term Support: Other Short Term": "Short Term Support (other)", "No Service Found": "No Service Found"}.items()}
_2A_DENOMINATOR = ("Long Term Support (any setting)", "Ongoing Low Level Support", "Short Term Support (other)",
                   "No Services Provided – Universal Services / signposted to other services", "No services provided – other")


def _lo(s):
    return s.lower() if isinstance(s, str) else None


def _eq(a, b) -> bool:
    return a is not None and b is not None and a == b


def _events(cld: pl.DataFrame, fy_start: int, sts001: bool) -> dict[str, list[dict]]:
    """#ALL_EVENTS (STS001) or #SUBSET (2A) by person."""
    start, end = date(fy_start, 4, 1), date(fy_start + 1, 3, 31)
    df = cld.filter(pl.col("Event_Type").is_in(["Service", "Request", "Review", "Assessment"])
                    & (pl.col("Event_Start_Date") <= end) & (pl.col("Client_Type") == "Service User"))
    if sts001:
        df = df.filter(pl.col("Der_Birth_Month").is_not_null() & pl.col("Der_Birth_Year").is_not_null()
                       & ((pl.col("Date_of_Death") >= start) | pl.col("Date_of_Death").is_null()))
    out: dict[str, list[dict]] = {}
    for r in df.select("ID", "Event_Type", "Event_Start_Date", "Event_End_Date", "Request_Route_of_Access",
                       "Service_Type", "Event_Outcome", "Date_of_Death").iter_rows(named=True):
        out.setdefault(r["ID"], []).append(r)
    return out


def _islands(rows: list[tuple], gap: int) -> list[tuple]:
    """Islands and gaps: (row..., island) with LAG over (start, end) and a running SUM over the dense rank."""
    rows = sorted(rows, key=lambda r: (r[0], r[1]))
    ind, prev = [], None
    for s, e, *_ in rows:
        ind.append(0 if prev is not None and prev >= s - timedelta(days=gap) else 1)
        prev = e
    out, total, i = [], 0, 0
    while i < len(rows):  # RANGE frame: peers (same start and end) share the running sum
        j = i
        while j < len(rows) and rows[j][:2] == rows[i][:2]:
            j += 1
        total += sum(ind[i:j])
        out += [(*rows[k], total) for k in range(i, j)]
        i = j
    return out


def _latest_end(island_rows: list[tuple], start: date, end: date, filter_first: bool) -> list[tuple]:
    """(cluster_start, cluster_end, *rest, island) per island: the rows with the latest end (filtered to the period)."""
    out = set()
    for isl in {r[-1] for r in island_rows}:
        rows = [r for r in island_rows if r[-1] == isl]
        cs = min(r[0] for r in rows)
        pool = [r for r in rows if start <= r[1] <= end] if filter_first else rows
        if not pool:
            continue
        last = max(r[1] for r in pool)
        if filter_first or start <= last <= end:
            out |= {(cs, last, *r[2:-1], isl) for r in pool if r[1] == last}
    return sorted(out, key=str)


def _chain(seq: list[dict], first_gap: int, breaks) -> list[dict]:
    """#CLUSTER then the break flag: the sequel rows of one cluster that are in scope and before any break."""
    if not seq:
        return []
    order = sorted(seq, key=lambda r: (r["s_start"], r["s_end"] is None, r["s_end"] or _FAR))
    prev = None
    for r in order:
        r["flag"] = 0 if prev is not None and (r["s_start"] - prev).days > 3 else 1
        prev = r["s_end"]
    for r in order:
        peers = [x for x in order if x["s_start"] <= r["s_start"]]
        if r["s_end"] is None and r["rn"] == 1:
            r["in_chain"] = 1
        elif (r["s_start"] - r["ce"]).days > first_gap and r["rn"] == 1:
            r["in_chain"] = 0
        else:
            r["in_chain"] = min(x["flag"] for x in peers)
    for r in order:
        peers = [x for x in order if x["s_start"] <= r["s_start"]]
        r["in_scope"] = min(x["in_chain"] for x in peers)
        r["no_break"] = min(0 if breaks(x) else 1 for x in peers)
    return [r for r in order if r["in_scope"] == 1 and r["no_break"] == 1]


def _sequels(clusters: list[dict], events: list[dict], own) -> list[dict]:
    """#..._SEQUELS of one partition: each cluster row joined to every event from its end, ranked, own rows deleted."""
    rows = [dict(c, s_type=e["Event_Type"], s_start=e["Event_Start_Date"], s_end=e["Event_End_Date"],
                 s_service=e["Service_Type"], s_outcome=e["Event_Outcome"])
            for c in clusters for e in events if e["Event_Start_Date"] >= c["ce"]]
    starts = sorted({r["s_start"] for r in rows})
    for r in rows:
        r["rn"] = starts.index(r["s_start"]) + 1
    return [r for r in rows if not (own(r) and (r["cs"] == r["s_start"] or _eq(r["ce"], r["s_end"])))]


def _dedupe(rows: list[dict], extra=lambda a, b: True) -> list[dict]:
    """#..._DeDupe: rows with the best outcome rank, once per best-ranked row they join to."""
    for r in rows:
        r["h"] = _OUTCOME_HIERARCHY.get(_lo(r["outcome"]), 99)
    best = min(r["h"] for r in rows)
    return [a for a in rows if a["h"] == best for b in rows if b["h"] == best and extra(a, b)]


def _st_max_cohort(cld: pl.DataFrame, fy_start: int) -> set[tuple[str, date]]:
    """SALT_STS002a_Cohort: (ID, start) of the ST-Max events that followed a new client's request (STS001)."""
    start, end = date(fy_start, 4, 1), date(fy_start + 1, 3, 31)
    cohort = set()
    for pid, evs in _events(cld, fy_start, sts001=True).items():
        reqs = [(e["Event_Start_Date"], e["Event_End_Date"] or _FAR, e["Request_Route_of_Access"], e["Event_Outcome"])
                for e in evs if e["Event_Type"] == "Request"]
        lts = [e for e in evs if _lo(e["Service_Type"]) in _LTS]
        by_island: dict[int, list[dict]] = {}
        for cs, ce, roa, outcome, isl in _latest_end(_islands(reqs, 4), start, end, filter_first=True):
            ongoing = any((e["Event_End_Date"] is not None and e["Event_Start_Date"] <= cs <= e["Event_End_Date"])
                          or (cs >= e["Event_Start_Date"] and e["Event_End_Date"] is None) for e in lts)
            if ongoing and roa is not None and outcome is not None:
                continue  # #ONGOING; the anti-join on route and outcome keeps rows with a NULL in either
            by_island.setdefault(isl, []).append(dict(cs=cs, ce=ce, roa=roa, outcome=outcome))
        for rows in by_island.values():
            kept = _dedupe(rows, lambda a, b: _eq(a["roa"], b["roa"]))
            seq = _sequels(kept, evs, own=lambda r: r["s_type"] == "Request")
            chain = _chain(seq, 28, lambda r: r["s_type"] == "Request")
            cohort |= {(pid, r["s_start"]) for r in chain if _lo(r["s_service"]) == _ST_MAX}
    return cohort


def _map(outcome) -> str | None:
    return _ST_MAX_SEQUEL_MAPPINGS.get(_lo(outcome))


def sts002a_rows(cld: pl.DataFrame, fy_start: int) -> list[tuple[str, int, str | None]]:
    """The rows of the 2A code's #STS002a table: (ID, Record_Type, FINAL_OUTCOME_MAPPED)."""
    start, end = date(fy_start, 4, 1), date(fy_start + 1, 3, 31)
    cohort = _st_max_cohort(cld, fy_start)
    out: list[tuple[str, int, str | None]] = []
    for pid, evs in _events(cld, fy_start, sts001=False).items():
        build = {(e["Event_Start_Date"], e["Event_End_Date"] or _FAR, e["Event_Outcome"]) for e in evs
                 if e["Event_Type"] == "Service" and _lo(e["Service_Type"]) == _ST_MAX and (pid, e["Event_Start_Date"]) in cohort
                 and (e["Date_of_Death"] is None or e["Date_of_Death"] >= start)}
        by_island: dict[int, list[dict]] = {}
        for cs, ce, outcome, isl in _latest_end(_islands(list(build), 1), start, end, filter_first=False):
            by_island.setdefault(isl, []).append(dict(cs=cs, ce=ce, outcome=outcome, isl=isl))
        type3 = set()
        for rows in by_island.values():
            kept = _dedupe(rows)
            seq = _sequels(kept, evs, own=lambda r: _lo(r["s_service"]) == _ST_MAX)
            key = lambda r: (r["cs"], r["ce"], r["outcome"])  # noqa: E731
            for c in {key(a) for a in kept}:  # record type 1: no row in the sequels (a NULL outcome never matches)
                if not any(key(r)[:2] == c[:2] and _eq(r["outcome"], c[2]) for r in seq):
                    m = _OTHER if _lo(c[2]) == "service ended as planned" else "No_Chronology_" + (
                        _map(c[2]) or "Unable_To_Classify")
                    out.append((pid, 1, m))
            chain = _chain(seq, 3, lambda r: _lo(r["s_service"]) == _ST_MAX)
            for r in chain:
                r["rank"] = _REF_SERVICE_2A.get(_lo(r["s_service"]), 99)
            best = min((r["rank"] for r in chain), default=None)
            if best is not None and best != 99:  # record type 2
                for s in {(key(r), r["s_service"]) for r in chain if r["rank"] == best}:
                    out.append((pid, 2, _map(s[1])))
            elif best == 99:
                ends = sorted({r["s_end"] for r in chain}, key=lambda d: (d is None, d and -d.toordinal()))
                other = {(key(r), r["s_type"], r["s_start"], r["s_end"], r["s_outcome"], ends.index(r["s_end"]) + 1)
                         for r in chain}
                nfa = [o for o in other if (_lo(o[4]) or "").startswith("nfa")]
                if nfa:  # record type 3
                    first = min(o[5] for o in nfa)
                    top = [o for o in nfa if o[5] == first]
                    type3.add((top[0][4], _map(top[0][4])) if len(top) == 1 else ("NFA- Other", _OTHER))
                else:  # record type 4
                    for c in {o[0][2] for o in other}:
                        m = (_map(c) if (_lo(c) or "").startswith("nfa") else "No services provided - other"
                             if _lo(c) == "service ended as planned" else "No Service Found")
                        out.append((pid, 4, m))
            for c in {key(r) for r in seq}:  # record type 5: chronology, none of it in the chain
                if not any(key(r)[:2] == c[:2] and _eq(r["outcome"], c[2]) for r in chain):
                    m = _OTHER if _lo(c[2]) == "service ended as planned" else "No_Chronology_" + (
                        _map(c[2]) or "Unable_To_Classify")
                    out.append((pid, 5, m))
        out += [(pid, 3, m) for _, m in type3]
    return out


def ascof_2a(cld: pl.DataFrame, fy_start: int) -> tuple[int, int]:
    """ASCOF 2A (numerator, denominator): STS002a rows by their mapped sequel."""
    rows = sts002a_rows(cld, fy_start)
    den = sum(1 for _, _, m in rows if _lo(m) in {x.lower() for x in _2A_DENOMINATOR})
    num = sum(1 for _, _, m in rows if _lo(m) in {x.lower() for x in _2A_DENOMINATOR[1:]})
    return num, den
