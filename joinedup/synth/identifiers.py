"""Identifiers as real systems issue them: NHS numbers, unique pupil numbers, NI numbers, local ids.

Everything is vectorised over numpy arrays; uniqueness is guaranteed by drawing spares and
dropping repeats in draw order, so the same generator state always gives the same numbers.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "nhs_check_digit", "nhs_numbers", "nhs_number_valid", "upn_check_letter", "upns", "upn_valid",
    "ni_numbers", "local_ids",
]

_NHS_WEIGHTS = np.arange(10, 1, -1)  # 10 for the first digit down to 2 for the ninth
#: The letters a UPN check character may take (I, O and S are never used), indexed by the remainder mod 23.
UPN_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))
#: NI prefixes exclude D, F, I, Q, U, V anywhere, O second, and a few reserved pairs (HMRC NIM39110).
_NI_FIRST = list("ABCEGHJKLMNOPRSTWXYZ")
_NI_SECOND = list("ABCEGHJKLMNPRSTWXYZ")
_NI_BANNED = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
_NI_PREFIXES = np.array(sorted(a + b for a in _NI_FIRST for b in _NI_SECOND if a + b not in _NI_BANNED))


def nhs_check_digit(first_nine: np.ndarray) -> np.ndarray:
    """Modulus-11 check digit for rows of nine digits (10 means no valid number exists)."""
    digits = np.asarray(first_nine, dtype=np.int64)
    check = 11 - (digits @ _NHS_WEIGHTS) % 11
    return np.where(check == 11, 0, check)


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(values, dtype=np.int64)[:, None] // powers) % 10


def nhs_numbers(rng: np.random.Generator, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """n distinct valid NHS numbers (10-digit strings) in the England ranges 400-499 and 600-708 million.

    `exclude`: numbers (int64) already given, such as an earlier batch's, that are never drawn again.
    """
    got: list[np.ndarray] = []
    have = 0
    seen: set[int] = set()
    while have < n:
        want = int((n - have) * 1.2) + 16
        base = np.where(rng.random(want) < 0.5, rng.integers(400_000_000, 500_000_000, want),
                        rng.integers(600_000_000, 709_000_000, want))
        check = nhs_check_digit(_digits(base, 9))
        full = base[check != 10] * 10 + check[check != 10]
        _, first = np.unique(full, return_index=True)
        full = full[np.sort(first)]
        full = full[~np.isin(full, np.fromiter(seen, dtype=np.int64, count=len(seen)))] if seen else full
        full = full[~np.isin(full, exclude)] if exclude is not None and len(exclude) else full
        full = full[: n - have]
        seen.update(full.tolist())
        got.append(full)
        have += len(full)
    return np.concatenate(got).astype(str) if got else np.array([], dtype=str)


def nhs_number_valid(values) -> np.ndarray:
    """True where a value is ten digits whose last is the modulus-11 check digit of the first nine."""
    import polars as pl

    ser = pl.Series(values, dtype=pl.Utf8, strict=False) if not isinstance(values, pl.Series) else values.cast(pl.Utf8)
    shaped = ser.str.contains(r"^[0-9]{10}$").fill_null(False).to_numpy()
    out = np.zeros(len(ser), dtype=bool)
    if shaped.any():
        nums = ser.filter(pl.Series(shaped)).cast(pl.Int64).to_numpy()
        d = _digits(nums, 10)
        out[shaped] = nhs_check_digit(d[:, :9]) == d[:, 9]
    return out


def _upn_char_values(chars: np.ndarray) -> np.ndarray:
    """Value of each UPN character: digits as themselves, letters by their place in UPN_LETTERS."""
    codes = chars.view(np.int32) if chars.dtype.kind == "U" else chars
    is_digit = (codes >= ord("0")) & (codes <= ord("9"))
    letter_index = np.searchsorted(UPN_LETTERS.view(np.int32), codes)
    return np.where(is_digit, codes - ord("0"), letter_index)


def upn_check_letter(bodies: np.ndarray) -> np.ndarray:
    """The DfE UPN check letter of 12-character bodies (characters 2-13, weights 2-13, mod 23)."""
    chars = np.asarray(bodies, dtype="U12").view("U1").reshape(-1, 12)
    total = (_upn_char_values(chars) * np.arange(2, 14)).sum(axis=1)
    return UPN_LETTERS[total % 23]


def upns(rng: np.random.Generator, la_number: int, entry_year: np.ndarray, school: np.ndarray,
         used: dict[int, int] | None = None) -> np.ndarray:
    """Permanent UPNs: check letter, DfE LA number, school's establishment number, year of allocation, serial.

    `used`: serials already given per (school, year) key by earlier batches; the new ones follow them
    (and the dict is updated), so UPNs stay unique across the batches of a place.
    """
    n = len(entry_year)
    serial = np.zeros(n, dtype=np.int64)
    # serials are unique within (school, year), as the DfE algorithm requires
    key = np.asarray(school, dtype=np.int64) * 100 + np.asarray(entry_year, dtype=np.int64) % 100
    order = np.lexsort((rng.random(n), key))
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    run = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    serial[order] = run + 1
    if used is not None and n:
        keys, counts = np.unique(key, return_counts=True)
        before = np.array([used.get(int(k), 0) for k in keys], dtype=np.int64)
        serial += before[np.searchsorted(keys, key)]
        used.update({int(k): int(b + c) for k, b, c in zip(keys, before, counts)})
    body = np.char.add(
        np.char.add(np.char.zfill(np.full(n, la_number).astype(str), 3), np.char.zfill(np.asarray(school).astype(str), 4)),
        np.char.add(np.char.zfill((np.asarray(entry_year) % 100).astype(str), 2), np.char.zfill((serial % 1000).astype(str), 3)),
    )
    return np.char.add(upn_check_letter(body), body)


def upn_valid(values: np.ndarray) -> np.ndarray:
    """True where a string is a 13-character UPN whose first letter is the check letter of the rest."""
    vals = np.asarray([v if isinstance(v, str) else "" for v in values], dtype=object)
    ok = np.array([len(v) == 13 and v[1:12].isdigit() for v in vals], dtype=bool)
    out = np.zeros(len(vals), dtype=bool)
    if ok.any():
        good = np.asarray(list(vals[ok]), dtype="U13")
        out[ok] = upn_check_letter(np.char.ljust(np.asarray([v[1:] for v in good]), 12)) == np.asarray([v[0] for v in good])
    return out


def ni_numbers(rng: np.random.Generator, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """n distinct National Insurance numbers: two prefix letters, six digits, suffix A-D (none of `exclude`)."""
    got: list[np.ndarray] = []
    seen: set[str] = set()
    while sum(map(len, got)) < n:
        want = n - sum(map(len, got)) + 16
        nums = np.char.add(
            np.char.add(_NI_PREFIXES[rng.integers(0, len(_NI_PREFIXES), want)],
                        np.char.zfill(rng.integers(0, 1_000_000, want).astype(str), 6)),
            np.array(list("ABCD"))[rng.integers(0, 4, want)],
        )
        _, first = np.unique(nums, return_index=True)
        nums = nums[np.sort(first)]
        nums = nums[[v not in seen for v in nums]] if seen else nums
        nums = nums[~np.isin(nums, exclude)] if exclude is not None and len(exclude) else nums
        nums = nums[: n - sum(map(len, got))]
        seen.update(nums.tolist())
        got.append(nums)
    return np.concatenate(got) if got else np.array([], dtype=str)


def local_ids(rng: np.random.Generator, n: int, prefix: str, width: int = 7) -> np.ndarray:
    """n distinct local ids of one system (prefix + zero-padded number, in random order)."""
    numbers = rng.permutation(np.arange(10 ** (width - 1), 10 ** (width - 1) + n)) if n < 9 * 10 ** (width - 1) else None
    if numbers is None:
        raise ValueError(f"{n} ids do not fit in {width} digits")
    return np.char.add(prefix, numbers.astype(str))
