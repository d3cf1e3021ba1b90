"""Write the place: defects applied to identity fields by role, extracts, ground truth and manifest.

Each generator hands over clean frames (the source's columns plus `_person_id`, and
`_related_person_id` on rows stating a relation). Per system (a source's id space) the writer
registers each person under a local id (a second one for duplicates), keys their details into the
registration with defects, and fills every row's identity fields from its registration. The true
person ids go to DIR/truth/ only.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from pathlib import Path

import numpy as np
import polars as pl

from joinedup.sources import Source, source as get_source
from joinedup.synth import defects as dq
from joinedup.synth import identifiers as ids
from joinedup.synth.world import World

__all__ = ["write_place", "POLARS_TYPES", "file_path", "TRUTH_FILES"]

POLARS_TYPES = {"string": pl.Utf8, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "time": pl.Time,
                "datetime": pl.Datetime("us"), "bool": pl.Boolean}
#: Local id shapes per id space (prefix, digits); others get the source's initials and 7 digits.
_ID_SHAPES = {"nhs.acute": ("RNA", 7), "nhs.gp_appointments": ("", 9), "nhs.deaths": ("DR", 9),
              "asc.client_level_data": ("", 7), "csc": ("", 6)}
TRUTH_FILES = ("records", "people", "households", "residence", "relations")


def file_path(source_id: str, fmt: str) -> str:
    """Relative path of a source's extract: sector/dataset.ext."""
    sector, name = source_id.split(".", 1)
    return f"{sector}/{name}.{ 'csv' if fmt == 'csv' else 'parquet'}"


def _rng(world: World, name: str) -> np.random.Generator:
    return np.random.default_rng([world.seed, zlib.crc32(f"writer:{name}".encode())])


def _days(s: pl.Series) -> np.ndarray:
    return s.cast(pl.Int32).fill_null(-1).to_numpy().astype(np.int64)


def _id_shape(space: str, existing: list[str]) -> tuple[str, int]:
    if existing:
        m = re.match(r"^(\D*)(\d+)$", existing[0])
        if m:
            return m.group(1), len(m.group(2))
    return _ID_SHAPES.get(space, ("".join(w[0] for w in space.upper().split(".")), 7))


def _registrations(world: World, space: str, srcs: list[Source], frames: dict[str, pl.DataFrame],
                   rates: dq.DefectRates, mult: float) -> pl.DataFrame:
    """One row per (person, which) registration in a system: local id and defective identity."""
    rng = _rng(world, space)
    parts, given_ids = [], []
    for s in srcs:
        f = frames[s.id]
        parts.append(f.select(pl.col("_person_id")).drop_nulls())
        if "_related_person_id" in f.columns:
            parts.append(f.select(pl.col("_related_person_id").alias("_person_id")).drop_nulls())
        if s.person_key and f[s.person_key].null_count() < f.height:
            given_ids.append(f.filter(pl.col("_person_id").is_not_null() & pl.col(s.person_key).is_not_null())
                             .select("_person_id", pl.col(s.person_key).cast(pl.Utf8).alias("local_id")))
    persons = pl.concat(parts).unique().sort("_person_id")["_person_id"].to_numpy() if parts else np.array([], dtype=np.int64)
    n = len(persons)
    own_rows = pl.concat([frames[s.id].select("_person_id").drop_nulls() for s in srcs]).unique()
    has_rows = np.isin(persons, own_rows["_person_id"].to_numpy())
    dup = has_rows & (rng.random(n) < rates.duplicate)
    existing = pl.concat(given_ids).unique("_person_id", keep="first").sort("_person_id") if given_ids else None
    prefix, width = _id_shape(space, existing["local_id"].head(1).to_list() if existing is not None else [])
    width = max(width, len(str(2 * n + 10)))
    pool = ids.local_ids(rng, 2 * (n + int(dup.sum())) + 10, prefix, width)
    id1 = pool[:n].astype(object)
    if existing is not None:
        pos = np.searchsorted(persons, existing["_person_id"].to_numpy())
        id1[pos] = existing["local_id"].to_numpy()
        taken = set(existing["local_id"].to_list())
        pool = np.array([v for v in pool[n:] if v not in taken], dtype=object)
    else:
        pool = pool[n:]
    reg_person = np.r_[persons, persons[dup]]
    which = np.r_[np.zeros(n, dtype=np.int8), np.ones(int(dup.sum()), dtype=np.int8)]
    local = np.r_[id1, pool[: int(dup.sum())]]
    ppl = world.people.select("person_id", "given_name", "family_name", "birth_family_name", "dob", "nhs_number") \
        .join(pl.DataFrame({"person_id": reg_person}), on="person_id", how="semi")
    idx = np.searchsorted(ppl["person_id"].to_numpy(), reg_person)
    given = ppl["given_name"].to_numpy()[idx].astype(object)
    family = ppl["family_name"].to_numpy()[idx].astype(object)
    birth_family = ppl["birth_family_name"].to_numpy()[idx].astype(object)
    dob = _days(ppl["dob"])[idx]
    nhs = ppl["nhs_number"].to_numpy()[idx].astype(object)
    m = len(reg_person)
    scale = np.where(which == 1, mult, 1.0)

    def hit(rate: float) -> np.ndarray:
        return rng.random(m) < np.minimum(rate * scale, 1.0)

    sel = hit(rates.nickname)
    given[sel] = dq.nickname(rng, given[sel])
    sel = hit(rates.typo)
    given[sel] = dq.typo(rng, given[sel])
    changed = family != birth_family
    sel = changed & hit(rates.surname_change)
    family[sel] = birth_family[sel]
    sel = np.array(["-" in str(v) for v in family], dtype=bool) & hit(rates.hyphen_variant)
    family[sel] = dq.hyphen_variant(rng, family[sel])
    sel = hit(rates.typo)
    family[sel] = dq.typo(rng, family[sel])
    sel = hit(rates.dob_transposed)
    dob[sel] = dq.transpose_day_month(dob[sel])
    missing = hit(rates.nhs_missing)
    sel = ~missing & hit(rates.nhs_mistyped)
    nhs[sel] = dq.mistype_nhs(rng, nhs[sel])
    nhs[missing] = None
    stale = hit(rates.stale_address)
    first_pc = (world.residence.join(world.households.select("household_id", "postcode"), on="household_id", how="inner")
                .sort("person_id", "from_date").group_by("person_id", maintain_order=True).first()
                .select("person_id", pl.col("postcode").alias("_first_postcode")))
    return pl.DataFrame({
        "_person_id": pl.Series(reg_person, dtype=pl.Int64), "_which": which, "_local_id": pl.Series(local.tolist(), dtype=pl.Utf8),
        "_given": pl.Series(given.tolist(), dtype=pl.Utf8), "_family": pl.Series(family.tolist(), dtype=pl.Utf8),
        "_dob": pl.Series(dob.astype(np.int32)).cast(pl.Date), "_nhs": pl.Series(nhs.tolist(), dtype=pl.Utf8),
        "_stale": stale,
    }).join(first_pc.rename({"person_id": "_person_id"}), on="_person_id", how="left", maintain_order="left")


def _apply(world: World, src: Source, frame: pl.DataFrame, reg: pl.DataFrame, rates: dq.DefectRates) -> pl.DataFrame:
    """Fill a clean frame's identity fields from each row's registration (with duplicates and row defects)."""
    rng = _rng(world, src.id)
    f = frame.with_row_index("_row")
    dups = reg.filter(pl.col("_which") == 1).select("_person_id", pl.lit(True).alias("_has_dup"))
    f = f.join(dups, on="_person_id", how="left", maintain_order="left").with_columns(pl.col("_has_dup").fill_null(False))
    one_per_person = src.person_key is not None and src.record_key == [src.person_key]
    if one_per_person:
        extra = f.filter(pl.col("_has_dup")).with_columns(pl.lit(1, dtype=pl.Int8).alias("_which"))
        f = pl.concat([f.with_columns(pl.lit(0, dtype=pl.Int8).alias("_which")), extra]).sort("_row", "_which")
    else:
        coin = rng.random(f.height) < 0.5
        f = f.with_columns((pl.col("_has_dup") & pl.Series(coin)).cast(pl.Int8).alias("_which"))
    f = f.join(reg, on=["_person_id", "_which"], how="left", maintain_order="left")
    has_person = pl.col("_person_id").is_not_null() & pl.col("_local_id").is_not_null()
    updates = []
    for fld in src.fields:
        col = pl.col(fld.name)
        new = {"local_id": pl.col("_local_id"), "given_name": pl.col("_given"), "family_name": pl.col("_family"),
               "date_of_birth": pl.col("_dob"), "nhs_number": pl.col("_nhs")}.get(fld.role or "")
        if fld.role == "postcode":
            new = pl.when(pl.col("_stale") & pl.col("_first_postcode").is_not_null()).then(pl.col("_first_postcode")).otherwise(col)
        if new is None:
            continue
        if fld.role == "local_id" and one_per_person is False and src.person_key != fld.name:
            continue
        keep_null = fld.role not in ("local_id",)
        cond = has_person & (col.is_not_null() if keep_null else pl.lit(True))
        if fld.role == "date_of_birth":
            new = new.cast(frame.schema[fld.name]) if frame.schema[fld.name] == pl.Date else new.dt.strftime(src.date_format)
        updates.append(pl.when(cond).then(new).otherwise(col).alias(fld.name))
    f = f.with_columns(updates)
    nhs_field = src.role("nhs_number")
    if nhs_field is not None and rates.nhs_missing_row > 0:
        drop = pl.Series(rng.random(f.height) < rates.nhs_missing_row)
        f = f.with_columns(pl.when(drop).then(None).otherwise(pl.col(nhs_field.name)).alias(nhs_field.name))
    if nhs_field is not None and "NHS_Number_Status_Indicator_Code" in src.columns:
        valid = pl.Series(ids.nhs_number_valid(f[nhs_field.name].to_numpy()))
        f = f.with_columns(pl.when(pl.col(nhs_field.name).is_null()).then(pl.lit("03"))
                           .when(valid).then(pl.lit("01")).otherwise(pl.lit("02"))
                           .alias("NHS_Number_Status_Indicator_Code"))
    rel = src.role("related_local_id")
    if rel is not None and "_related_person_id" in f.columns:
        first = reg.filter(pl.col("_which") == 0).select(pl.col("_person_id").alias("_related_person_id"),
                                                          pl.col("_local_id").alias("_related_local"))
        f = f.join(first, on="_related_person_id", how="left", maintain_order="left").with_columns(
            pl.when(pl.col("_related_local").is_not_null()).then(pl.col("_related_local"))
            .otherwise(pl.col(rel.name)).alias(rel.name))
    return f.sort("_row", "_which")


def _cast(src: Source, f: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    for fld in src.fields:
        want = POLARS_TYPES[fld.type]
        col = pl.col(fld.name)
        have = f.schema[fld.name]
        if have == pl.Utf8 and want in (pl.Date,):
            col = col.str.strptime(pl.Date, src.date_format, strict=False)
        exprs.append(col.cast(want).alias(fld.name))
    return f.select(exprs)


def _write(df: pl.DataFrame, path: Path, fmt: str, date_format: str = "%Y-%m-%d") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.write_csv(path, date_format=date_format, time_format="%H:%M:%S", datetime_format="%Y-%m-%dT%H:%M:%S")
    else:
        df.write_parquet(path, compression="zstd", statistics=True)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _entry(out: Path, path: Path, source: str | None, fmt: str, df: pl.DataFrame, sha: str,
           spec: Source | None) -> dict:
    schema = {f.name: f.type for f in spec.fields} if spec else {k: str(v) for k, v in df.schema.items()}
    return {"path": path.relative_to(out).as_posix(), "source": source, "format": fmt, "rows": df.height,
            "sha256": sha, "schema": schema}


def write_place(world: World, frames: dict[str, pl.DataFrame], out: Path, fmt: str, defects: dq.DefectConfig,
                meta: dict, on_file=None) -> dict:
    """Apply defects, write every extract, the truth and DIR/manifest.json; return the manifest."""
    ext = "csv" if fmt == "csv" else "parquet"
    specs = {sid: get_source(sid) for sid in frames}
    spaces: dict[str, list[Source]] = {}
    for sid in sorted(frames):
        spaces.setdefault(specs[sid].id_space, []).append(specs[sid])
    files, truth = [], []
    for space, srcs in spaces.items():
        rates = defects.for_sector(srcs[0].sector)
        if any(s.id in defects.no_duplicates for s in srcs):
            rates = rates.model_copy(update={"duplicate": 0.0})
        people_srcs = [s for s in srcs if "_person_id" in frames[s.id].columns]
        reg = _registrations(world, space, people_srcs, frames, rates, defects.duplicate_multiplier) if people_srcs else None
        for s in srcs:
            frame = frames[s.id]
            if reg is not None and "_person_id" in frame.columns:
                frame = _apply(world, s, frame, reg, rates)
            clean = _cast(s, frame)
            path = out / file_path(s.id, fmt)
            sha = _write(clean, path, fmt, s.date_format)
            files.append(_entry(out, path, s.id, fmt, clean, sha, s))
            if "_person_id" in frame.columns:
                truth.append(pl.DataFrame({
                    "source": pl.Series([s.id] * clean.height, dtype=pl.Utf8),
                    "file": pl.Series([file_path(s.id, fmt)] * clean.height, dtype=pl.Utf8),
                    "row_number": pl.Series(np.arange(1, clean.height + 1), dtype=pl.Int64),
                    "local_id": clean[s.person_key].cast(pl.Utf8) if s.person_key else pl.Series([None] * clean.height, dtype=pl.Utf8),
                    "person_id": frame["_person_id"].cast(pl.Int64),
                }))
            if on_file:
                on_file(s.id)
    records = pl.concat(truth) if truth else pl.DataFrame(schema={"source": pl.Utf8, "file": pl.Utf8, "row_number": pl.Int64,
                                                                  "local_id": pl.Utf8, "person_id": pl.Int64})
    truth_frames = {"records": records, "people": world.people, "households": world.households,
                    "residence": world.residence, "relations": world.relations}
    truth_entries = []
    for name in TRUTH_FILES:
        path = out / "truth" / f"{name}.{ext}"
        sha = _write(truth_frames[name], path, fmt)
        truth_entries.append(_entry(out, path, None, fmt, truth_frames[name], sha, None))
    manifest = {**meta, "format": fmt, "defects": defects.model_dump(), "files": files, "truth": truth_entries}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    return manifest
