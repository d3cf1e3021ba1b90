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

__all__ = ["cld_frame", "spells_frame", "ascof_2b_2c", "ascof_3d_clients", "ascof_2d_2425"]


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
