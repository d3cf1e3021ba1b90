"""Plain-English wording of a comparison: formatted figures and the sentences a director reads."""

from __future__ import annotations

from datetime import datetime

__all__ = ["fmt", "ordinal", "stands_out", "sentence", "ofsted_sentence"]

_BAND_WORDS = {"above_95": ("higher", "95%"), "above_99.8": ("higher", "99.8%"),
               "below_95": ("lower", "95%"), "below_99.8": ("lower", "99.8%")}


def fmt(value: float | None, unit: str | None, *, bare: bool = False) -> str:
    """A published figure with its unit: 22.5%, 479.7 per 10,000, 19.5 (bare: the number alone)."""
    if value is None:
        return "not published"
    u = (unit or "").lower()
    digits = 0 if abs(value) >= 1000 else (1 if abs(value) >= 1 else 3)
    text = f"{value:,.{digits}f}"
    if bare:
        return text
    if "%" in u or "turnover" in u:
        return f"{text}%"
    if "10,000" in u:
        return f"{text} per 10,000"
    return text


def _lower_end(value: float | None, unit: str | None) -> str:
    # "range 304.1 to 934.4 per 10,000": a rate's unit is said once, a percentage's on both ends.
    text = fmt(value, unit)
    return text.removesuffix(" per 10,000")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 11th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def stands_out(block: dict) -> str | None:
    """'better', 'worse' or 'different' when the council stands out among its neighbours, else None."""
    sig, rank = block["significance"], block["rank"]
    if sig["verdict"] in ("better", "worse"):
        return sig["verdict"]
    if sig["verdict"] in ("higher", "lower"):
        return "different"
    if sig["method"] is None and rank and block["polarity"] != "none" and rank["of"] >= 4:
        if rank["position"] == 1:
            return "better"
        if rank["position"] == rank["of"]:
            return "worse"
    return None


def sentence(name: str, block: dict) -> str:
    """One paragraph on where the council stands on one measure."""
    unit, latest, summary = block["unit"], block["latest"], block["neighbour_summary"]
    if latest is None:
        return f"{block['short']}: no figure is published for {name}."
    parts = [f"{block['short']}: {fmt(latest['value'], unit)} in {latest['period']}"]
    if summary["median"] is not None:
        parts.append(f", against a median of {fmt(summary['median'], unit)} among its neighbours "
                     f"(range {_lower_end(summary['min'], unit)} to {fmt(summary['max'], unit)})")
    eng = block["england"]
    if eng["value"] is not None:
        label = "England" if eng["basis"] == "England" else "the median English council"
        parts.append(f" and {fmt(eng['value'], unit)} for {label}")
    text = "".join(parts) + "."
    sig, rank, polarity = block["significance"], block["rank"], block["polarity"]
    if sig["band"] and sig["band"] != "within":
        side, limit = _BAND_WORDS[sig["band"]]
        text += (f" That is {side} than the neighbours' pooled figure of {fmt(sig['target'], unit)} by more than chance "
                 f"would explain (beyond the {limit} funnel limit)")
        if sig["verdict"] in ("better", "worse"):
            text += f", which is {sig['verdict']}, since {'higher' if polarity == 'high' else 'lower'} is better."
        else:
            text += "; neither is better in itself, so it is a question about need, thresholds or practice."
        over = sig.get("overdispersion")
        if over and over["phi"] > 1:
            still = "still stands out" if over["band"] != "within" else "is within their usual spread"
            times = f"{over['phi']:.0f}" if over["phi"] >= 10 else f"{over['phi']:.1f}"
            text += (f" The neighbours themselves vary {times} times as much as chance alone would give; "
                     f"allowing for that, {name} {still}.")
    elif sig["band"] == "within":
        text += " The difference from the neighbours is within what chance would explain."
    elif rank:
        where = "best" if rank["position"] == 1 and polarity != "none" else (
            "worst" if rank["position"] == rank["of"] and polarity != "none" else None)
        text += f" It ranks {ordinal(rank['position'])} of {rank['of']} with its neighbours" + (f" ({where})" if where else "")
        text += "; with no published denominator, chance cannot be ruled out."
    d = block["direction"]
    if d["label"] != "not enough data":
        text += f" Over {d['periods'][0]} to {d['periods'][-1]} it has been {d['label']}."
    return text


def _date(text: str | None) -> str:
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text or "", pattern).strftime("%-d %B %Y")
        except ValueError:
            continue
    return text or "on an unknown date"


def ofsted_sentence(name: str, ofsted: dict | None) -> str:
    """The latest Ofsted ILACS judgement in one sentence."""
    if not ofsted or not ofsted.get("overall"):
        return f"No Ofsted inspection of {name}'s children's services (ILACS) is in the published list."
    subs = [(k, ofsted.get(f)) for k, f in (("the impact of leaders", "impact_of_leaders"),
                                            ("help and protection", "help_and_protection"),
                                            ("children in care", "in_care"), ("care leavers", "care_leavers"))]
    # Judgements introduced after the inspection are recorded as e.g. "inspection_pre_dates_judgement".
    detail = "; ".join(f"{k}: {v}" for k, v in subs if v and "_" not in v)
    when = _date(ofsted.get("publication_date") or ofsted.get("inspection_end"))
    frame = f" ({ofsted['framework']} inspection)" if ofsted.get("framework") else ""
    return (f"Ofsted's latest inspection of {name}'s children's services{frame}, published {when}, judged overall "
            f"effectiveness {ofsted['overall']}" + (f" ({detail})." if detail else "."))
