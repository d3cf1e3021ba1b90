"""Forming households from a population of ages and sexes: families, couples, people alone, care homes.

Works on positions 0..n-1 of one cohort of people, vectorised: children are chunked into
sibling groups, parents chosen so their ages fit the eldest child (importance resampling on
single years of age, then matched by rank), partners matched by age the same way.
Shares are stated beside each constant (ONS Families and households in the UK 2023; Census 2021).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Households", "form_households", "KINDS"]

KINDS = ("couple", "couple_with_children", "lone_parent", "older_alone", "single_adult",
         "multi_generational", "other", "care_home")

# ONS Families and households 2023: of families with dependent children, ~44% have one child,
# ~40% two, ~16% three or more; lone-parent families are ~23% of them (assumption: 25% with
# non-dependent children included). About 1 in 10 lone parents is a father.
_SIBLINGS = (np.array([1, 2, 3, 4, 5]), np.array([0.44, 0.40, 0.12, 0.03, 0.01]))
_LONE_PARENT_SHARE = 0.25
_LONE_FATHER_SHARE = 0.10
_STEP_PARENT_SHARE = 0.12  # assumption: stepfamilies ~ 1 in 8 couple families with children (ONS 2011 census: 11%)
# Young adults living with their parents (ONS Young adults living with parents 2023: ~1 in 4 aged 20-34).
_AT_HOME = ((18, 0.7), (20, 0.52), (22, 0.38), (25, 0.2), (30, 0.08), (35, 0.0))
# Share of people aged 65+ in a multi-generational household (assumption; Census 2021 ~3% of households).
_GRANDPARENT_SHARE = 0.045
# People in care homes by age (Census 2021 England: ~2.5% of 65+ in care homes, ~13% of 85+).
_CARE_HOME = ((65, 0.004), (75, 0.022), (85, 0.10), (90, 0.19))
_CARE_HOME_SIZE = 36  # assumption: mean registered beds of a care home for older people (CQC)
# Of adults not already a parent in a family, the share in a couple, by age (assumption shaped on
# ONS Population by marital status and living arrangements 2021).
_IN_COUPLE = ((18, 0.18), (25, 0.6), (35, 0.62), (50, 0.7), (65, 0.74), (75, 0.6), (85, 0.3))
_SHARED_SHARE = 0.3  # assumption: share of single adults under 65 in shared ("other") households


@dataclass
class Households:
    """Result: each person's household position, each household's kind, and true relations."""

    household: np.ndarray        # per person: household position
    kind: np.ndarray             # per household
    rel_from: np.ndarray         # parent / partner / grandparent position
    rel_to: np.ndarray           # child / partner position
    relation: np.ndarray         # mother, father, step-parent, grandparent, partner
    family_head: np.ndarray      # per person: position whose surname they take (self when none)


def _by_age(table: tuple[tuple[int, float], ...], age: np.ndarray) -> np.ndarray:
    edges = np.array([a for a, _ in table])
    vals = np.array([v for _, v in table])
    idx = np.searchsorted(edges, age, side="right") - 1
    return np.where(idx >= 0, vals[np.clip(idx, 0, None)], 0.0)


def _top_k(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """k positions drawn without replacement with probability proportional to weights."""
    keys = np.where(weights > 0, rng.exponential(size=len(weights)) / np.maximum(weights, 1e-300), np.inf)
    k = min(k, int((weights > 0).sum()))
    # smallest keys first, ties by position: argpartition (and argsort's default quicksort) order equal or
    # unsorted items by the CPU's SIMD sort (AVX2, AVX-512 or none), so the same seed made another place
    return np.argsort(keys, kind="stable")[:k]


def _match(rng: np.random.Generator, cand: np.ndarray, cand_age: np.ndarray, target: np.ndarray) -> np.ndarray:
    """For each target age, a distinct candidate of about that age (-1 where none is left)."""
    out = np.full(len(target), -1, dtype=np.int64)
    if len(cand) == 0 or len(target) == 0:
        return out
    t_bin = np.clip(target.astype(int), 0, 110)
    c_bin = np.clip(cand_age.astype(int), 0, 110)
    want = np.bincount(t_bin, minlength=111).astype(float)
    have = np.bincount(c_bin, minlength=111).astype(float)
    # smooth the wanted profile over neighbouring years so thin years borrow from their neighbours
    want = np.convolve(want, np.ones(3) / 3, mode="same")
    chosen = _top_k(rng, want[c_bin] / np.maximum(have[c_bin], 1), len(target))
    served = np.sort(rng.permutation(len(target))[: len(chosen)])
    t_order = served[np.argsort(target[served] + rng.normal(0, 0.3, len(served)), kind="stable")]
    c_order = chosen[np.argsort(cand_age[chosen] + rng.normal(0, 0.3, len(chosen)), kind="stable")]
    out[t_order] = cand[c_order]
    return out


def _near(rng: np.random.Generator, pool_age: np.ndarray, target: np.ndarray, jitter: int = 25) -> np.ndarray:
    """For each target age, a position in the pool (with repeats) whose age is near it."""
    order = np.argsort(pool_age, kind="stable")
    at = np.searchsorted(pool_age[order], target) + rng.integers(-jitter, jitter + 1, len(target))
    return order[np.clip(at, 0, len(order) - 1)]


def form_households(rng: np.random.Generator, age: np.ndarray, female: np.ndarray) -> Households:
    """Group people (ages in years, female flags) into households with true relations."""
    n = len(age)
    hh = np.full(n, -1, dtype=np.int64)
    head = np.arange(n)
    kinds: list[np.ndarray] = []
    rels: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    next_hh = 0

    # --- families: dependent children plus young adults who still live at home
    at_home = (age >= 18) & (rng.random(n) < _by_age(_AT_HOME, age))
    child = np.flatnonzero((age < 18) | at_home)
    child = child[np.argsort(age[child] + rng.normal(0, 3.5, len(child)), kind="stable")]
    sizes = rng.choice(_SIBLINGS[0], size=len(child), p=_SIBLINGS[1])
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), len(child)) + 1]
    sizes[-1] -= sizes.sum() - len(child)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    fam = np.repeat(np.arange(len(sizes)), sizes)
    eldest = np.maximum.reduceat(age[child], starts)
    lone = rng.random(len(sizes)) < _LONE_PARENT_SHARE
    p1_female = ~lone | (rng.random(len(sizes)) >= _LONE_FATHER_SHARE)
    p1_target = eldest + np.clip(rng.normal(28.5, 5.5, len(sizes)), 17, 45)
    p1 = np.full(len(sizes), -1, dtype=np.int64)
    free = np.ones(n, dtype=bool)
    free[child] = False
    for want_f in (True, False):
        sel = np.flatnonzero(p1_female == want_f)
        cand = np.flatnonzero(free & (female == want_f) & (age >= 17))
        p1[sel] = _match(rng, cand, age[cand], p1_target[sel])
        free[p1[sel][p1[sel] >= 0]] = False
    couple = ~lone & (p1 >= 0)
    p2 = np.full(len(sizes), -1, dtype=np.int64)
    sel = np.flatnonzero(couple)
    cand = np.flatnonzero(free & ~female & (age >= 18))
    p2[sel] = _match(rng, cand, age[cand], age[p1[sel]] + rng.normal(2.5, 3.5, len(sel)))
    free[p2[sel][p2[sel] >= 0]] = False
    ok = p1 >= 0  # families for which no parent was left are dissolved: their members live alone later
    fam_hh = np.where(ok, next_hh + np.cumsum(ok) - 1, -1)
    next_hh += int(ok.sum())
    in_ok = ok[fam]
    hh[child[in_ok]] = fam_hh[fam[in_ok]]
    hh[p1[ok]] = fam_hh[ok]
    has_p2 = ok & (p2 >= 0)
    hh[p2[has_p2]] = fam_hh[has_p2]
    fam_kind = np.where(has_p2, "couple_with_children", "lone_parent")
    step = has_p2 & (rng.random(len(sizes)) < _STEP_PARENT_SHARE)
    # surnames follow the father where he is the birth father, else the mother
    fam_head = np.where(has_p2 & ~step, p2, p1)
    head[child[in_ok]] = fam_head[fam[in_ok]]
    c_ok = child[in_ok]
    f_ok = fam[in_ok]
    rels.append((p1[f_ok], c_ok, np.where(p1_female[f_ok], "mother", "father")))
    with_p2 = has_p2[f_ok]
    rels.append((p2[f_ok][with_p2], c_ok[with_p2], np.where(step[f_ok][with_p2], "step-parent", "father")))
    rels.append((p1[has_p2], p2[has_p2], np.full(int(has_p2.sum()), "partner")))
    head[p1[has_p2]] = p2[has_p2]
    free[child[~in_ok]] = True

    # --- grandparents joining a family (multi-generational households)
    old = np.flatnonzero(free & (age >= 65) & (rng.random(n) < _GRANDPARENT_SHARE))
    fams = np.flatnonzero(ok)
    if len(old) and len(fams):
        host = fams[_near(rng, age[p1[fams]], age[old] - rng.normal(28, 4, len(old)))]
        hh[old] = fam_hh[host]
        free[old] = False
        fam_kind[np.unique(host)] = "multi_generational"
        rels.append((old, p1[host], np.where(female[old], "mother", "father")))
        gp_rows = np.isin(f_ok, host)
        host_of_fam = np.full(len(sizes), -1)
        host_of_fam[host] = old
        kids = c_ok[gp_rows]
        rels.append((host_of_fam[f_ok[gp_rows]], kids, np.full(len(kids), "grandparent")))
    kinds.append(fam_kind[ok])

    # --- care homes
    ch = np.flatnonzero(free & (rng.random(n) < _by_age(_CARE_HOME, age)))
    if len(ch):
        homes = max(1, round(len(ch) / _CARE_HOME_SIZE))
        hh[ch] = next_hh + rng.integers(0, homes, len(ch))
        used = np.unique(hh[ch])
        remap = np.full(next_hh + homes, -1)
        remap[used] = next_hh + np.arange(len(used))
        hh[ch] = remap[hh[ch]]
        next_hh += len(used)
        kinds.append(np.full(len(used), "care_home"))
        free[ch] = False

    # --- couples without children at home
    adult = free & (age >= 18) & (rng.random(n) < _by_age(_IN_COUPLE, age))
    women = np.flatnonzero(adult & female)
    men = np.flatnonzero(adult & ~female)
    partner = _match(rng, men, age[men], age[women] + rng.normal(2.5, 3.5, len(women)))
    paired = partner >= 0
    w, m = women[paired], partner[paired]
    hh[w] = next_hh + np.arange(len(w))
    hh[m] = hh[w]
    head[w] = m
    next_hh += len(w)
    kinds.append(np.full(len(w), "couple"))
    rels.append((w, m, np.full(len(w), "partner")))
    free[w] = free[m] = False

    # --- everyone else: alone, or sharing with other adults
    rest = np.flatnonzero(free)
    share = (age[rest] < 65) & (rng.random(len(rest)) < _SHARED_SHARE)
    alone = rest[~share]
    hh[alone] = next_hh + np.arange(len(alone))
    next_hh += len(alone)
    kinds.append(np.where(age[alone] >= 65, "older_alone", "single_adult"))
    sharers = rest[share]
    sharers = sharers[np.argsort(age[sharers] + rng.normal(0, 6, len(sharers)), kind="stable")]
    groups = np.arange(len(sharers)) // 3
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    hh[sharers] = next_hh + groups
    next_hh += n_groups
    kinds.append(np.full(n_groups, "other"))

    rel_from, rel_to, relation = (np.concatenate(x) if rels else np.array([]) for x in zip(*rels))
    return Households(hh, np.concatenate(kinds), rel_from.astype(np.int64), rel_to.astype(np.int64),
                      relation.astype(str), head)
