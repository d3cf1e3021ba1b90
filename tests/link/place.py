"""A small hand-built place for the link tests: a store and vault in the canonical schema, plus its truth.

People appear in several sources with the defects real extracts have (nicknames, typos,
transposed dates of birth, moves, missing or unverified NHS numbers). The truth folder holds,
per source record, the source, its local id and the true person id, as synth writes it.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from joinedup.store.schema import TABLES, VAULT_TABLES
from tests.store_con import connect, StoreCon

KEY = "test-key-for-joinedup-link-0123456789"

GIVEN_M = ["william", "james", "thomas", "robert", "michael", "david", "john", "peter", "richard", "daniel",
           "matthew", "oliver", "harry", "jack", "charles", "edward", "samuel", "joseph", "andrew", "mohammed"]
GIVEN_F = ["elizabeth", "margaret", "sarah", "emma", "catherine", "rebecca", "victoria", "jessica", "olivia",
           "sophie", "charlotte", "amelia", "jennifer", "susan", "patricia", "deborah", "rachel", "fatima", "aisha", "lucy"]
NICK = {"william": "bill", "james": "jim", "thomas": "tom", "robert": "bob", "michael": "mike", "david": "dave",
        "elizabeth": "liz", "margaret": "maggie", "catherine": "kate", "rebecca": "becky", "victoria": "vicky",
        "jennifer": "jenny", "susan": "sue", "patricia": "pat", "deborah": "debbie", "richard": "rich",
        "daniel": "dan", "matthew": "matt", "samuel": "sam", "joseph": "joe", "andrew": "andy", "charles": "charlie"}
FAMILY = ["smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "patel", "wright",
          "robinson", "thompson", "evans", "walker", "white", "roberts", "green", "hall", "khan", "lewis",
          "clarke", "jackson", "wood", "harris", "edwards", "turner", "martin", "cooper", "hill", "ward",
          "hughes", "moore", "clark", "king", "baker", "harrison", "morgan", "allen", "james", "scott"]
STREETS = ["high street", "church road", "park lane", "station road", "victoria road", "green lane", "mill lane"]


def pseudo(kind: str, value: str) -> str:
    """HMAC-SHA256 of 'kind|value', hex, 32 characters (the store's pseudonym rule)."""
    return hmac.new(KEY.encode(), f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _nhs(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _typo(rng: random.Random, s: str) -> str:
    i = rng.randrange(len(s))
    return s[:i] + rng.choice("aeioustrn") + s[i + 1:] if len(s) > 3 else s


def _postcode(rng: random.Random) -> str:
    return f"DY{rng.randrange(1, 10)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJ')}{rng.choice('ABDEFGHJ')}"


def make_people(n: int, seed: int) -> list[dict]:
    """n people in households: adults with children, so that families exist."""
    rng = random.Random(seed)
    people, pid, hid = [], 0, 0
    while len(people) < n:
        hid += 1
        family = rng.choice(FAMILY)
        pc, addr = _postcode(rng), f"{rng.randrange(1, 200)} {rng.choice(STREETS)}"
        hh = []
        for k in range(rng.choice([1, 2, 2, 3, 4])):
            pid += 1
            child = k >= 2
            sex = rng.choice("MF")
            dob = date(2008 + rng.randrange(12), 1, 1) if child else date(1940 + rng.randrange(60), 1, 1)
            dob += timedelta(days=rng.randrange(365))
            p = {"person_id": pid, "sex": sex, "dob": dob, "family": family, "postcode": pc, "address": addr,
                 "given": rng.choice(GIVEN_M if sex == "M" else GIVEN_F), "nhs": _nhs(rng),
                 "upn": f"A{rng.randrange(10**11, 10**12)}" if child else None, "child": child, "mother": None,
                 "household": hid}
            hh.append(p)
        mothers = [p for p in hh if not p["child"] and p["sex"] == "F"]
        for p in hh:
            if p["child"] and mothers:
                p["mother"] = mothers[0]["person_id"]
        people.extend(hh)
    return people[:n]


def _record(rng: random.Random, p: dict, source: str, system: str, local: str) -> dict:
    given, family, dob, pc = p["given"], p["family"], p["dob"], p["postcode"]
    r = rng.random()
    if r < 0.08 and given in NICK:
        given = NICK[given]
    elif r < 0.13:
        given = _typo(rng, given)
    if rng.random() < 0.05:
        family = _typo(rng, family)
    if rng.random() < 0.03 and dob.day <= 12:
        dob = date(dob.year, dob.day, dob.month)
    if rng.random() < 0.10:
        pc = _postcode(rng)
    nhs = p["nhs"] if source.startswith(("nhs", "asc")) and rng.random() < 0.9 else None
    return {"person_id": p["person_id"], "source": source, "system": system, "local_id": local,
            "given_name": given.title(), "family_name": family.title(), "date_of_birth": dob, "sex": p["sex"],
            "postcode": pc, "address": p["address"].title(), "nhs_number": nhs,
            "nhs_number_valid": nhs is not None, "upn": p["upn"] if source.startswith(("education", "csc")) else None}


def make_records(people: list[dict], seed: int) -> list[dict]:
    """Source records: hospital (one local id across two sources), GP, social care and school records."""
    rng = random.Random(seed + 1)
    out = []
    for p in people:
        if rng.random() < 0.6:
            local = f"H{p['person_id']:06d}"
            out.append(_record(rng, p, "nhs.inpatient_spells", "nhs.acute", local))
            if rng.random() < 0.5:
                out.append(_record(rng, p, "nhs.ed_attendances", "nhs.acute", local))
        if rng.random() < 0.7:
            out.append(_record(rng, p, "nhs.gp_appointments", "nhs.gp_appointments", f"G{p['person_id']:06d}"))
        if not p["child"] and rng.random() < 0.15:
            out.append(_record(rng, p, "asc.client_level_data", "asc.client_level_data", f"A{p['person_id']:06d}"))
        if p["child"]:
            out.append(_record(rng, p, "education.school_census", "education.pupil", p["upn"]))
            if rng.random() < 0.3:
                out.append(_record(rng, p, "csc.cin_children", "csc", f"C{p['person_id']:06d}"))
    return out


def _create(con: StoreCon, tables, names: set[str]) -> None:
    for t in tables:
        if t.name in names:
            con.execute(f"CREATE TABLE {t.name} ({', '.join(f'{c.name} {c.type}' for c in t.all_columns)})")


def _insert(con: StoreCon, name: str, frame: pl.DataFrame) -> None:
    con.register("_f", frame.to_arrow())
    con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _f")
    con.unregister("_f")


def build_place(folder: Path, n: int = 600, seed: int = 7, records: list[dict] | None = None) -> Path:
    """Write folder/store.duckdb, its vault and folder/truth/records.csv; return the store path."""
    folder.mkdir(parents=True, exist_ok=True)
    people = make_people(n, seed)
    recs = records if records is not None else make_records(people, seed)
    store, vault = folder / "store.duckdb", folder / "store.vault.duckdb"
    for f in (store, vault):
        f.unlink(missing_ok=True)
    con = connect(str(store))
    _create(con, TABLES, {"person_record", "person_record_address", "stated_relation"})
    pr = pl.DataFrame([{
        "record_id": pseudo(r["source"], r["local_id"]), "system": r["system"],
        "local_id_pseudo": pseudo(r["system"], r["local_id"]),
        "nhs_number_pseudo": pseudo("nhs", r["nhs_number"]) if r["nhs_number"] else None,
        "nhs_number_verified": r["nhs_number"] is not None, "upn_pseudo": pseudo("upn", r["upn"]) if r["upn"] else None,
        "birth_year": r["date_of_birth"].year, "birth_month": r["date_of_birth"].month, "sex": r["sex"],
        "first_seen": date(2023, 1, 1), "last_seen": date(2025, 3, 31), "source": r["source"],
        "row_number": i + 1} for i, r in enumerate(recs)])
    _insert(con, "person_record", pr)
    addr = pl.DataFrame([{"record_id": pseudo(r["source"], r["local_id"]),
                          "address_key": pseudo("address", f"{r['postcode']}|{r['address']}"),
                          "first_seen": date(2023, 1, 1), "last_seen": date(2025, 3, 31), "source": r["source"]}
                         for r in recs])
    _insert(con, "person_record_address", addr)
    by_id = {p["person_id"]: p for p in people}
    rel = [{"record_id": pseudo("csc.family_members", f"M{p['mother']:06d}"), "relation": "mother",
            "related_system": "education.pupil", "related_local_id_pseudo": pseudo("education.pupil", p["upn"]),
            "source": "csc.family_members"} for p in people if p["mother"] and p["upn"]]
    mothers = {r["record_id"]: r for r in rel}
    if rel:
        _insert(con, "stated_relation", pl.DataFrame(rel))
        extra = []
        for p in people:
            if p["mother"] and p["upn"]:
                m = by_id[p["mother"]]
                rid = pseudo("csc.family_members", f"M{m['person_id']:06d}")
                if rid in mothers:
                    mothers.pop(rid)
                    extra.append({**_record(random.Random(m["person_id"]), m, "csc.family_members", "csc.family",
                                            f"M{m['person_id']:06d}")})
        recs = recs + extra
        _insert(con, "person_record", pl.DataFrame([{
            "record_id": pseudo(r["source"], r["local_id"]), "system": r["system"],
            "local_id_pseudo": pseudo(r["system"], r["local_id"]), "birth_year": r["date_of_birth"].year,
            "birth_month": r["date_of_birth"].month, "sex": r["sex"], "source": r["source"]} for r in extra]))
    con.close()
    con = connect(str(vault))
    _create(con, VAULT_TABLES, {"identity", "identity_history"})
    ident = pl.DataFrame([{**{k: r[k] for k in ("source", "system", "local_id", "given_name", "family_name",
                                                  "date_of_birth", "sex", "postcode", "address", "nhs_number",
                                                  "nhs_number_valid", "upn")},
                           "record_id": pseudo(r["source"], r["local_id"])} for r in recs])
    _insert(con, "identity", ident)
    con.close()
    truth = folder / "truth"
    truth.mkdir(exist_ok=True)
    pl.DataFrame([{"source": r["source"], "local_id": r["local_id"], "person_id": r["person_id"]} for r in recs]
                 ).write_csv(truth / "records.csv")
    pl.DataFrame([{"person_id": p["person_id"], "household_id": p["household"]} for p in people]
                 ).write_csv(truth / "residence.csv")
    pl.DataFrame([{"person_id": p["mother"], "related_person_id": p["person_id"], "relation": "mother"}
                  for p in people if p["mother"]]).write_csv(truth / "relations.csv")
    return store
