"""Run one DfE validator on one return and print its result as JSON (runs in the validators' own venv).

This file is executed by the validators' interpreter (numpy 1.24 / pandas 1.5), never imported by
joinedup: it imports only the standard library and the validator. Its output holds no child ids:
rules run, rules that crashed, and each flag as (rule, message, table, row, fields).

    python official_runner.py 903 RULESET COLLECTION_YEAR LA_CODE FILE.csv...
    python official_runner.py cin RULESET FILE.xml
"""

import contextlib
import importlib
import io
import json
import logging
import sys
import traceback


def _ssda903(ruleset, year, la, paths):
    from lac_validator import lac_validator
    from lac_validator.utils import process_uploaded_files

    files = process_uploaded_files({"This year": list(paths)})
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    v = lac_validator.LacValidator(metadata={"collectionYear": year, "localAuthority": la}, files=files,
                                   registry=registry, selected_rules=None)
    flags = []
    for table, df in v.ds_results.items():
        if table == "metadata":
            continue
        for col in [c for c in df.columns if str(c).startswith("ERR_")]:
            rule = registry[col[4:]] if col[4:] in registry else None
            for row in df.index[df[col] == True].tolist():  # noqa: E712 (pandas mask)
                flags.append({"rule": col[4:], "table": table, "row": int(row),
                              "message": rule.message if rule else "", "fields": list(rule.affected_fields) if rule else []})
    stale = _stale_la_rows(v.ds_results.get("Episodes"))
    left = _left_care_sw_rows(v.ds_results.get("SWEpisodes"), v.ds_results.get("Episodes"))
    for f in flags:
        if f["rule"] == "SW11bSTG2" and f["table"] == "SWEpisodes" and f["row"] in left:
            f["fault"] = ("the social worker episode ended the day the child ceased to be looked after (reason "
                          "episode ceased other than X1), so no later social worker episode is due; the rule "
                          "expects one after any episode ending in the year's last five days")
        if f["rule"] == "169" and f["table"] == "Episodes" and f["row"] in stale:
            f["fault"] = ("a real placement postcode in a local authority whose code ({}) is newer than the "
                          "validator's 2021 authority table, so it cannot derive PL_LA").format(stale[f["row"]])
            f["fault_key"] = stale[f["row"]]
    crashed = [{"rule": str(c), "error": "the rule raised an exception inside the validator"} for c in v.fails]
    return {"validator": "csc-validator-be-903", "ruleset": ruleset, "rules_run": sorted(str(c) for c in v.dones),
            "rules_skipped": sorted(str(c) for c in v.skips), "rules_crashed": crashed, "flags": flags}


def _stale_la_rows(episodes):
    """Episode rows whose PL_POST is a real postcode (in the validator's own postcode list) in a local authority
    its authority table (2021 codes) lacks: rule 169 flags them although the postcode is valid."""
    if episodes is None or "PL_POST" not in episodes.columns:
        return {}
    from lac_validator.datastore import la_df, postcodes

    pc = episodes["PL_POST"].dropna().astype(str).str.upper().str.replace(" ", "", regex=False)
    postcodes.load_postcodes(pc.str[0].unique())
    known = postcodes.dataframe.set_index("pcd_abbr")["laua"]
    la = pc.map(known)
    stale = la.notna() & ~la.isin(set(la_df["LTLA21CD"])) & ~la.astype(str).str[0].isin(["S", "N", "W"])
    return {int(i): str(code) for i, code in la[stale].items()}


def _left_care_sw_rows(swe, episodes):
    """Social worker episode rows whose SW_DEC is the day the child's care ended (an episode with REC not X1)."""
    if swe is None or episodes is None or not {"SW_DEC", "CHILD"} <= set(swe.columns):
        return set()
    import pandas as pd

    def day(col):
        return pd.to_datetime(col, format="%d/%m/%Y", errors="coerce")

    ended = episodes[episodes["REC"].notna() & (episodes["REC"] != "X1")]
    ends = set(zip(ended["CHILD"].astype(str), day(ended["DEC"])))
    return {int(i) for i, c, d in zip(swe.index, swe["CHILD"].astype(str), day(swe["SW_DEC"]))
            if d == d and (c, d) in ends}


def _cin(ruleset, path):
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator

    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    data = cin_validator.process_data(cin_validator.convert_data(ET.parse(path).getroot()))
    crashed = []
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # the CIN validator prints a rule's crash and carries on
        v = cin_validator.CinValidator(data, registry)
    for line in printed.getvalue().splitlines():
        if line.startswith("Error with rule "):
            code, _, err = line[len("Error with rule "):].partition(": ")
            crashed.append({"rule": code, "error": err.split(",")[0]})
    flags = []
    df = v.full_issue_df
    for _, r in df.iterrows():
        row = r.get("row_id")
        flags.append({"rule": str(r["rule_code"]), "table": str(r["tables_affected"]),
                      "row": int(row) if row == row and row is not None else None,
                      "message": str(r["rule_description"]), "fields": [str(r["columns_affected"])]})
    for _, r in v.multichild_issues.iterrows():
        flags.append({"rule": str(r["rule_code"]), "table": "Header", "row": None,
                      "message": str(r["rule_description"]), "fields": []})
    broken = {f["rule"] for f in flags}
    ran = sorted({str(c) for c in registry.keys()} - {c["rule"] for c in crashed})
    return {"validator": "csc-validator-be-cin", "ruleset": ruleset, "rules_run": ran, "rules_skipped": [],
            "rules_crashed": crashed, "flags": flags, "rules_flagged": sorted(broken)}


def main(argv: list[str]) -> None:
    logging.disable(logging.CRITICAL)  # the validators log every rule at INFO
    real = sys.stdout
    sys.stdout = sys.stderr  # the validators print as they go; only the JSON goes to stdout
    try:
        if argv[0] == "903":
            out = _ssda903(argv[1], argv[2], argv[3], argv[4:])
        elif argv[0] == "cin":
            out = _cin(argv[1], argv[2])
        else:
            raise SystemExit(f"unknown validator {argv[0]!r}")
    # The validators' own venv: whatever they raise on an upload they refuse (wrong columns...) is a result, not a crash.
    except Exception as e:  # noqa: BLE001
        out = {"refused": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=3)[-800:]}
    sys.stdout = real
    real.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
