"""Print the synthetic place's calibration figures beside the published ones (the numbers in docs/synth.md).

    python benchmarks/synth_calibration.py --people 50000 --seed 7
"""

from __future__ import annotations

import argparse
import sys
import warnings
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from joinedup.synth.build import build_world
from joinedup.synth.place import generate_frames


def _age(d: date) -> pl.Expr:
    return (pl.lit(d) - pl.col("dob")).dt.total_days() / 365.25


def figures(people: int, seed: int) -> list[tuple[str, str, str]]:
    """(figure, synthetic value, published value) rows."""
    warnings.simplefilter("ignore")
    w = build_world(people, seed)
    f = generate_frames(w)
    p = w.people
    start = p.filter(pl.col("arrived").is_null()).with_columns(a=_age(w.period_start))
    rows = [("aged 65+ at the start", f"{(start['a'] >= 65).mean():.1%}", "20.4% (Dudley, Census 2021)"),
            ("aged 0-17, scaled to 323,500", f"{(start['a'] < 18).sum() / people * 323_500:,.0f}", "~70,500 (LAIT)"),
            ("White British", f"{(p['ethnicity'] == 'A').mean():.1%}", "58% (assumption: W. Midlands met. boroughs)"),
            ("deaths a year", f"{p['date_of_death'].is_not_null().sum() / people / 3:.2%}", "~1.05% (Dudley)"),
            ("births a year per 1,000", f"{p.filter(pl.col('dob') >= w.period_start).height / people / 3 * 1000:.1f}", "~10.5 (ONS)")]
    d = date(2025, 3, 31)
    u18 = p.filter((_age(d) < 18) & (pl.col("dob") <= d) & (pl.col("date_of_death").is_null() | (pl.col("date_of_death") > d))
                   & (pl.col("left").is_null() | (pl.col("left") > d)))
    cla = u18.filter(pl.col("care_experienced") & (pl.col("cla_entry_date") <= d)
                     & (pl.col("cla_exit_date").is_null() | (pl.col("cla_exit_date") > d)))
    rows.append(("children looked after per 10,000 (31 Mar 2025)", f"{cla.height / u18.height * 1e4:.0f}", "81 (LAIT, Dudley 2025)"))
    ed = f["nhs.ed_attendances"]
    mins = ed.select(((pl.col("EC_Departure_Date").cast(pl.Datetime) + pl.col("EC_Departure_Time").cast(pl.Duration))
                      - (pl.col("Arrival_Date").cast(pl.Datetime) + pl.col("Arrival_Time").cast(pl.Duration))).dt.total_minutes().alias("m"),
                     pl.col("Arrival_Date").dt.month().alias("mo"))
    rows += [("ED within 4 hours", f"{(mins['m'] <= 240).mean():.1%}", "~74% (NHS England 2024-25; target 78%)"),
             ("ED within 4 hours, Dec-Feb / Jun-Aug",
              f"{mins.filter(pl.col('mo').is_in([12, 1, 2]))['m'].le(240).mean():.1%} / {mins.filter(pl.col('mo').is_in([6, 7, 8]))['m'].le(240).mean():.1%}",
              "worse in winter"),
             ("ED attendances per person a year", f"{ed.height / people / 3:.2f}", "~0.46 (NHS England)")]
    s = f["nhs.inpatient_spells"].join(p.select(pl.col("person_id").alias("_person_id"), "dob"), on="_person_id").with_columns(
        age=(pl.col("Admission_Date") - pl.col("dob")).dt.total_days() / 365.25,
        los=(pl.col("Discharge_Date") - pl.col("Admission_Date")).dt.total_days(),
        delay=(pl.col("Discharge_Date") - pl.col("Discharge_Ready_Date")).dt.total_days())
    em = s.filter(pl.col("Admission_Method").str.starts_with("2") & pl.col("Discharge_Date").is_not_null())
    old = em.filter((pl.col("age") >= 65) & pl.col("Discharge_Pathway").is_not_null())
    share = dict(old["Discharge_Pathway"].value_counts(normalize=True).iter_rows())
    rows += [("emergency length of stay (days)", f"{em['los'].mean():.1f}", "9.1 (Health Foundation, 2022)"),
             ("emergency length of stay, 85+", f"{em.filter(pl.col('age') >= 85)['los'].mean():.1f}", "12.5"),
             ("days from ready to discharge (emergency)", f"{em['delay'].mean():.2f}", "~1.3 (Health Foundation)"),
             ("pathways 0/1/2/3, 65+", " / ".join(f"{share.get(str(k), 0):.0%}" for k in range(4)), "50 / 45 / 4 / 1 % (DHSC)")]
    gp = f["nhs.gp_appointments"]
    modes = dict(gp["APPT_MODE"].value_counts(normalize=True).iter_rows())
    rows += [("GP appointments per person a year", f"{gp.height / people / 3:.1f}", "~5.5 (GPAD)"),
             ("GP face to face / telephone / video / home visit",
              " / ".join(f"{modes.get(k, 0):.1%}" for k in ("Face-to-Face", "Telephone", "Video Conference/Online", "Home Visit")),
              "62 / 31 / 1.5 / 1 % (GPAD)")]
    asc = f["asc.client_level_data"]
    st = asc.filter(pl.col("Service_Type") == "Short Term Support: ST-Max")
    rows.append(("ST-Max episodes ending in deceased / readmitted",
                 f"{(st['Event_Outcome'] == 'NFA - Deceased').mean():.1%} / {(st['Event_Outcome'] == 'Admitted to hospital').mean():.1%}", "-"))
    rows.append(("65+ at home 91 days after discharge into reablement", f"{_at_home_91(w, f, st):.1%}", "82% (SALT 2B 2019-20); NICE 83%"))
    comm = asc.filter(pl.col("Service_Type") == "Long Term Support: Community")
    rows.append(("community long-term clients on direct payments", f"{(comm['Delivery_Mechanism'] == 'Direct Payment').mean():.0%}",
                 "~26% (ASCOF 3D 2a)"))
    return rows


def _at_home_91(w, f, st: pl.DataFrame) -> float:
    """Share of 65+ discharged into reablement who are alive, not in a care home or hospital, and still here 91 days on."""
    spells = f["nhs.inpatient_spells"]
    dis = spells.filter(pl.col("Discharge_Date").is_not_null()).select("_person_id", pl.col("Discharge_Date").alias("dd")).sort("dd")
    m = st.sort("Event_Start_Date").join_asof(dis, left_on="Event_Start_Date", right_on="dd", by="_person_id",
                                              strategy="backward", check_sortedness=False)
    m = m.filter((pl.col("Event_Start_Date") - pl.col("dd")).dt.total_days() <= 3)
    m = m.join(w.people.select(pl.col("person_id").alias("_person_id"), "dob", "date_of_death", "left"), on="_person_id")
    m = m.filter(((pl.col("dd") - pl.col("dob")).dt.total_days() / 365.25 >= 65) & (pl.col("dd") <= w.period_end - pl.duration(days=91)))
    d91 = pl.col("dd") + pl.duration(days=91)
    care = f["asc.client_level_data"].filter(pl.col("Service_Type").is_in(
        ["Long Term Support: Residential Care", "Long Term Support: Nursing Care"])).group_by("_person_id").agg(
        pl.col("Event_Start_Date").min().alias("care_from"))
    m = m.join(care, on="_person_id", how="left").with_row_index("i")
    in_bed = m.join(spells.select("_person_id", "Admission_Date", "Discharge_Date"), on="_person_id").filter(
        (pl.col("Admission_Date") <= d91) & (pl.col("Discharge_Date").is_null() | (pl.col("Discharge_Date") > d91)))["i"]
    home = m.filter(~pl.col("i").is_in(in_bed.implode()) & (pl.col("date_of_death").is_null() | (pl.col("date_of_death") > d91))
                    & (pl.col("care_from").is_null() | (pl.col("care_from") > d91)) & (pl.col("left").is_null() | (pl.col("left") > d91)))
    return home.height / max(m.height, 1)


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rows = figures(args.people, args.seed)
    width = max(len(r[0]) for r in rows)
    print(f"synthetic place: {args.people:,} people, seed {args.seed}")
    for name, ours, published in rows:
        print(f"{name:<{width}}  {ours:<24} {published}")


if __name__ == "__main__":
    main()
