"""`joinedup validate PATH [--install-validators] [--json]`: a return's problems before the department finds them."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from joinedup.console import err, out
from joinedup.errors import UserError

__all__ = ["register", "validate_command"]


def _glossary_links(text: str) -> list[str]:
    """Glossary ids of the terms a rule's message names (the glossary is shipped; no network)."""
    try:
        from joinedup.glossary.annotate import annotate
        return sorted({m.term_id for m in annotate(text, plain=True)})
    except UserError:  # a broken council term file must not hide the flags; the shipped glossary always loads
        return []


def validate_command(
    path: Path = typer.Argument(..., help="A place, a folder of SSDA903 collection years, or one year's folder."),
    install: bool = typer.Option(False, "--install-validators",
                                 help="First make the DfE validators' own environment (from PyPI)."),
    no_official: bool = typer.Option(False, "--no-official", help="Run joinedup's own checks only."),
    la: str = typer.Option(None, "--la", help="ONS code of the council (default: the place's, else E08000027)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Check returns as the DfE will: joinedup's structural checks, then the official validators, flags by rule."""
    from joinedup.validate import validate_path
    from joinedup.validate.official import install_validators, venv_path

    if install:
        err.print(f"installing the DfE validators into {venv_path()} ...")
        install_validators()
    results = validate_path(path, la, official=not no_official)
    if as_json:
        out.print(json.dumps([_as_json(r) for r in results]), markup=False, highlight=False, soft_wrap=True)
        return
    for r in results:
        out.print(f"\n{r.form} {r.year}  ({r.path})", markup=False, highlight=False, style="bold")
        out.print("  joinedup checks ran: " + "; ".join(r.checks_run), markup=False, highlight=False)
        if r.problems:
            for p in r.problems:
                where = f"{p.file}" + (f", field {p.field}" if p.field else "") + (
                    f", {p.rows} rows from row {p.first_row}" if p.rows else "")
                out.print(f"  structural problem ({p.check}): {where}: {p.message}", markup=False, highlight=False)
        else:
            out.print("  structural problems: none", markup=False, highlight=False)
        o = r.official
        if o is None:
            out.print(f"  official validator: {r.official_note}", markup=False, highlight=False)
            continue
        if o.refused:
            out.print(f"  official validator {o.validator} ({o.ruleset}) refused the upload: {o.refused}",
                      markup=False, highlight=False)
            continue
        crashed = ", ".join(c["rule"] for c in o.rules_crashed) or "none"
        if r.form == "asc_cld":  # NHS England publishes no CLD validator: say whose rules ran
            out.print(f"  rules ran: {o.validator}: {len(o.rules_run)} fields checked", markup=False, highlight=False)
        else:
            out.print(f"  official validator ran: {o.validator}, rule set {o.ruleset}: {len(o.rules_run)} rules run, "
                      f"{len(o.rules_skipped)} skipped for want of a table, rules that crashed inside the validator: "
                      f"{crashed}", markup=False, highlight=False)
        rules = r.by_rule()
        if not rules:
            out.print("  flags: none", markup=False, highlight=False)
        for rule, msg, n, tables in rules:
            parts = [f"{k} {v}" for k, v in sorted(r.traced.get(rule, {}).items())]
            if r.queries.get(rule):
                parts.append(f"a DfE query (answered with a reason, not an error) {r.queries[rule]}")
            if r.untraced.get(rule):
                parts.append(f"NOT traced to a listed defect {r.untraced[rule]}")
            why = "traced to: " + ", ".join(parts) if parts else ""
            if rule in r.validator_faults:  # all of the rule's flags, or those the rest leave
                fault = f"validator fault: {r.validator_faults[rule]}"
                why = f"{why}; {fault}" if why else fault
            links = _glossary_links(msg)
            gl = f"  [glossary: {', '.join(links)}]" if links else ""
            out.print(f"  rule {rule} ({', '.join(tables)}): {n} flag{'s' if n != 1 else ''}: {msg.strip()}{gl}\n"
                      f"      {why}", markup=False, highlight=False)


def _as_json(r) -> dict:
    o = r.official
    return {"form": r.form, "year": r.year, "path": r.path, "checks_run": r.checks_run,
            "problems": [p.__dict__ for p in r.problems],
            "official": None if o is None else {
                "validator": o.validator, "ruleset": o.ruleset, "refused": o.refused, "rules_run": len(o.rules_run),
                "rules_skipped": len(o.rules_skipped), "rules_crashed": o.rules_crashed,
                "flags_by_rule": {rule: n for rule, _m, n, _t in r.by_rule()}},
            "official_note": r.official_note, "traced": {k: dict(v) for k, v in r.traced.items()},
            "untraced": dict(r.untraced), "queries": dict(r.queries), "validator_faults": r.validator_faults}


def register(app: typer.Typer) -> None:
    """Add `joinedup validate` to the front door."""
    app.command("validate")(validate_command)
