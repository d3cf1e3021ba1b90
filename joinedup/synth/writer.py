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
from joinedup.synth.batches import part_name
from joinedup.synth.world import World

__all__ = ["write_place", "write_batch", "write_manifest", "POLARS_TYPES", "file_path", "truth_path", "TRUTH_FILES",
           "CHUNK_ROWS"]

POLARS_TYPES = {"string": pl.Utf8, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "time": pl.Time,
                "datetime": pl.Datetime("us"), "bool": pl.Boolean}
#: Local id shapes per id space (prefix, digits); others get the source's initials and 7 digits.
_ID_SHAPES = {"nhs.acute": ("RNA", 7), "nhs.gp_appointments": ("", 9), "nhs.deaths": ("DR", 9),
              "asc.client_level_data": ("", 7), "csc": ("", 6)}
CHUNK_ROWS = 2_000_000  # rows of one extract processed at a time (bounds the writer's memory)
TRUTH_FILES = ("records", "people", "households", "residence", "relations")


def file_path(source_id: str, fmt: str, part: int | None = None) -> str:
    """Relative path of a source's extract: sector/dataset.ext, or sector/dataset/part-NNNNN.ext for one batch's part."""
    sector, name = source_id.split(".", 1)
    ext = "csv" if fmt == "csv" else "parquet"
    return f"{sector}/{name}.{ext}" if part is None else f"{sector}/{name}/{part_name(part)}.{ext}"


def truth_path(name: str, fmt: str, part: int | None = None) -> str:
    """Relative path of a truth file: truth/name.ext, or truth/name/part-NNNNN.ext for one batch's part."""
    ext = "csv" if fmt == "csv" else "parquet"
    return f"truth/{name}.{ext}" if part is None else f"truth/{name}/{part_name(part)}.{ext}"


def _rng(world: World, name: str) -> np.random.Generator:
    return np.random.default_rng([world.seed, zlib.crc32(f"writer:{name}".encode())])


def _id_shape(space: str, existing: list[str]) -> tuple[str, int]:
    if existing:
        m = re.match(r"^(\D*)(\d+)$", existing[0])
        if m:
            return m.group(1), len(m.group(2))
    return _ID_SHAPES.get(space, ("".join(w[0] for w in space.upper().split(".")), 7))


def _first_postcodes(world: World) -> pl.DataFrame:
    """Each person's first postcode in the place (what a registration that was never updated holds)."""
    cached = getattr(world, "_first_postcodes", None)
    if cached is None:
        cached = (world.residence.join(world.households.select("household_id", "postcode", "address"),
                                       on="household_id", how="inner")
                  .sort("person_id", "from_date").group_by("person_id", maintain_order=True).first()
                  .select("person_id", pl.col("postcode").alias("_first_postcode"),
                          pl.col("address").alias("_first_address")))
        world._first_postcodes = cached  # type: ignore[attr-defined]
    return cached


def _new_ids(rng: np.random.Generator, n: int, prefix: str, width: int, taken: set[str] | None = None,
             offset: int = 0) -> pl.Series:
    """n distinct local ids (prefix + width digits, random order), avoiding ids already taken.

    `offset`: numbers earlier batches of the place used in this system; the new ones come after them.
    """
    extra = len(taken) if taken else 0
    first = 10 ** (width - 1) + offset
    numbers = rng.permutation(np.arange(first, first + n + extra, dtype=np.int64))
    out = pl.select(pl.lit(prefix) + pl.Series(numbers).cast(pl.Utf8)).to_series()
    if taken:
        out = out.filter(~out.is_in(pl.Series(list(taken), dtype=pl.Utf8).implode()))
    return out.head(n)


def _numbering(world: World, space: str, prefix: str, width: int, n: int, given: bool) -> tuple[str, int, int]:
    """(prefix, width, offset) of a system's new local ids: in a place of several batches, one numbering
    runs on from batch to batch (its width fixed by the first batch for the whole place) and, where the
    generator gives its own ids too, new ids are one digit longer than those, so the two never meet."""
    place = world.place
    assert place is not None
    if space not in place.local_ids:
        wide = max(width + (1 if given else 0), len(str(int(2 * n * place.scale * 1.2) + 10)))
        place.local_ids[space] = (prefix, wide, 0)
    return place.local_ids[space]


def _registrations(world: World, space: str, srcs: list[Source], frames: dict[str, pl.DataFrame],
                   rates: dq.DefectRates, mult: float) -> pl.DataFrame:
    """One row per (person, which) registration in a system: local id and defective identity."""
    rng = _rng(world, space)
    parts, given_ids, own = [], [], []
    for s in srcs:
        f = frames[s.id]
        own.append(f.select(pl.col("_person_id")).drop_nulls())
        if "_related_person_id" in f.columns:
            parts.append(f.select(pl.col("_related_person_id").alias("_person_id")).drop_nulls())
        if s.person_key and f[s.person_key].null_count() < f.height:
            given_ids.append(f.filter(pl.col("_person_id").is_not_null() & pl.col(s.person_key).is_not_null())
                             .select("_person_id", pl.col(s.person_key).cast(pl.Utf8).alias("local_id")))
    own_ids = pl.concat(own).unique()["_person_id"] if own else pl.Series([], dtype=pl.Int64)
    persons = pl.concat([own_ids.to_frame(), *parts]).unique().sort("_person_id")["_person_id"].to_numpy()
    n = len(persons)
    has_rows = np.isin(persons, own_ids.to_numpy())
    dup = has_rows & (rng.random(n) < rates.duplicate)
    n_dup = int(dup.sum())
    existing = pl.concat(given_ids).unique("_person_id", keep="first").sort("_person_id") if given_ids else None
    prefix, width = _id_shape(space, existing["local_id"].head(1).to_list() if existing is not None else [])
    given_width = width
    width = max(width, len(str(2 * n + 10)))
    batched = world.place is not None and world.place.batches > 1
    offset = 0
    if batched:
        prefix, width, offset = _numbering(world, space, prefix, given_width if existing is not None else width,
                                           n, existing is not None)
    if existing is not None:
        taken = set(existing["local_id"].to_list())
        fresh = _new_ids(rng, n + n_dup, prefix, width, taken, offset)
        id1 = pl.DataFrame({"_person_id": persons}).join(existing, on="_person_id", how="left", maintain_order="left")["local_id"]
        missing = np.flatnonzero(id1.is_null().to_numpy())
        id1 = id1.scatter(missing, fresh.head(len(missing))) if len(missing) else id1
        id2 = fresh.slice(len(missing), n_dup)
    else:
        fresh = _new_ids(rng, n + n_dup, prefix, width, offset=offset)
        id1, id2 = fresh.head(n), fresh.slice(n, n_dup)
    if batched:
        # the next batch numbers on from here (all n + n_dup + taken numbers of the range were drawn from)
        used = n + n_dup + (len(taken) if existing is not None else 0)
        world.place.local_ids[space] = (prefix, width, offset + used)  # type: ignore[union-attr]
    reg = pl.DataFrame({
        "_person_id": pl.Series(np.r_[persons, persons[dup]], dtype=pl.Int64),
        "_which": pl.Series(np.r_[np.zeros(n, dtype=np.int8), np.ones(n_dup, dtype=np.int8)]),
        "_local_id": pl.concat([id1, id2]),
    })
    ppl = world.people.select(pl.col("person_id").alias("_person_id"), pl.col("given_name").alias("_given"),
                              pl.col("family_name").alias("_family"), pl.col("birth_family_name").alias("_birth"),
                              pl.col("dob").alias("_dob"), pl.col("nhs_number").alias("_nhs"))
    reg = reg.join(ppl, on="_person_id", how="left", maintain_order="left")
    m = reg.height
    scale = np.where(reg["_which"].to_numpy() == 1, mult, 1.0)

    def hit(rate: float) -> np.ndarray:
        return rng.random(m) < np.minimum(rate * scale, 1.0)

    def change(col: str, mask: np.ndarray, fn) -> None:
        nonlocal reg
        idx = np.flatnonzero(mask)
        if len(idx):
            vals = reg[col].gather(idx).to_numpy().astype(object)
            reg = reg.with_columns(reg[col].scatter(idx, pl.Series(list(fn(rng, vals)), dtype=pl.Utf8)))

    change("_given", hit(rates.nickname), dq.nickname)
    change("_given", hit(rates.typo), dq.typo)
    changed = (reg["_family"] != reg["_birth"]).fill_null(False).to_numpy()
    swap = np.flatnonzero(changed & hit(rates.surname_change))
    if len(swap):
        reg = reg.with_columns(reg["_family"].scatter(swap, reg["_birth"].gather(swap)))
    hyph = reg["_family"].str.contains("-", literal=True).fill_null(False).to_numpy()
    change("_family", hyph & hit(rates.hyphen_variant), dq.hyphen_variant)
    change("_family", hit(rates.typo), dq.typo)
    idx = np.flatnonzero(hit(rates.dob_transposed))
    if len(idx):
        days = reg["_dob"].gather(idx).cast(pl.Int32).to_numpy().astype(np.int64)
        reg = reg.with_columns(reg["_dob"].scatter(idx, pl.Series(dq.transpose_day_month(days).astype(np.int32)).cast(pl.Date)))
    missing = hit(rates.nhs_missing)
    change("_nhs", ~missing & hit(rates.nhs_mistyped), dq.mistype_nhs)
    idx = np.flatnonzero(missing)
    if len(idx):
        reg = reg.with_columns(reg["_nhs"].scatter(idx, None))
    reg = reg.with_columns(_stale=pl.Series(hit(rates.stale_address))).drop("_birth")
    return reg.join(_first_postcodes(world).rename({"person_id": "_person_id"}), on="_person_id", how="left",
                    maintain_order="left")


def _apply(world: World, src: Source, frame: pl.DataFrame, reg: pl.DataFrame, rates: dq.DefectRates,
           part: int = 0) -> pl.DataFrame:
    """Fill a clean frame's identity fields from each row's registration (with duplicates and row defects)."""
    rng = _rng(world, src.id if part == 0 else f"{src.id}:{part}")
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
        if fld.role == "address":  # a registration never updated holds the old address line with the old postcode
            new = pl.when(pl.col("_stale") & pl.col("_first_address").is_not_null()).then(pl.col("_first_address")).otherwise(col)
        if new is None:
            continue
        if fld.role == "local_id" and fld.name != src.person_key:
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
        valid = pl.Series(ids.nhs_number_valid(f[nhs_field.name]))
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
    return f.sort("_row", "_which") if one_per_person else f


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
        df.write_parquet(path, compression="lz4", statistics=True)  # lz4: several times faster to write than zstd
    return _sha256(path)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Categorical columns (how big generators keep repeated strings small) back to text."""
    cats = [c for c, t in frame.schema.items() if t == pl.Categorical or isinstance(t, pl.Categorical)]
    return frame.with_columns(pl.col(cats).cast(pl.Utf8)) if cats else frame


def _write_source(world: World | None, s: Source, frame: pl.DataFrame, reg: pl.DataFrame | None,
                  rates: dq.DefectRates, out: Path, fmt: str, part: int | None = None) -> tuple[dict, pl.DataFrame | None]:
    """Defects, types and the file (or one batch's part of it) for one source, a chunk of rows at a time."""
    import pyarrow.parquet as pq

    path = out / file_path(s.id, fmt, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    people = "_person_id" in frame.columns
    whole = frame.height <= CHUNK_ROWS or (s.person_key is not None and s.record_key == [s.person_key])
    starts = [0] if whole else list(range(0, frame.height, CHUNK_ROWS))
    rows, truth, writer = 0, [], None
    for k, at in enumerate(starts):
        chunk = _plain(frame if whole else frame.slice(at, CHUNK_ROWS))
        if reg is not None and people and world is not None:
            chunk = _apply(world, s, chunk, reg, rates, part=k)
        clean = _cast(s, chunk)
        if fmt == "csv":
            with path.open("w" if k == 0 else "a", encoding="utf-8", newline="") as fh:
                clean.write_csv(fh, include_header=k == 0, date_format=s.date_format, time_format="%H:%M:%S",
                                datetime_format="%Y-%m-%dT%H:%M:%S")
        else:
            table = clean.to_arrow(compat_level=pl.CompatLevel.newest())  # string views: no copy of the text
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="lz4")
            writer.write_table(table)
        if people:
            truth.append(pl.DataFrame({
                "row_number": pl.Series(np.arange(rows + 1, rows + clean.height + 1), dtype=pl.Int64),
                "local_id": clean[s.person_key].cast(pl.Utf8) if s.person_key else pl.Series([None] * clean.height, dtype=pl.Utf8),
                "person_id": chunk["_person_id"].cast(pl.Int64),
            }))
        rows += clean.height
    if writer is not None:
        writer.close()
    entry = {"path": path.relative_to(out).as_posix(), "source": s.id, "format": fmt, "rows": rows,
             "sha256": _sha256(path), "schema": {f.name: f.type for f in s.fields}}
    if part is not None:
        entry["part"] = part
    records = None
    if people:
        records = pl.concat(truth).with_columns(source=pl.lit(s.id).cast(pl.Categorical),
                                                file=pl.lit(entry["path"]).cast(pl.Categorical))
        records = records.select("source", "file", "row_number", "local_id", "person_id")
    return entry, records


def _entry(out: Path, path: Path, source: str | None, fmt: str, df: pl.DataFrame, sha: str,
           spec: Source | None, part: int | None = None) -> dict:
    schema = {f.name: f.type for f in spec.fields} if spec else {k: str(v) for k, v in df.schema.items()}
    entry = {"path": path.relative_to(out).as_posix(), "source": source, "format": fmt, "rows": df.height,
             "sha256": sha, "schema": schema}
    if part is not None:
        entry["part"] = part
    return entry


def write_place(world: World, frames: dict[str, pl.DataFrame], out: Path, fmt: str, defects: dq.DefectConfig,
                meta: dict, on_file=None) -> dict:
    """Apply defects, write every extract, the truth and DIR/manifest.json; return the manifest."""
    files, truth_entries = write_batch(world, frames, out, fmt, defects, on_file=on_file)
    return write_manifest(out, meta, fmt, defects, files, truth_entries)


def write_manifest(out: Path, meta: dict, fmt: str, defects: dq.DefectConfig, files: list[dict],
                   truth_entries: list[dict]) -> dict:
    """Write DIR/manifest.json: the run's facts, every extract (or part) and every truth file; return it."""
    manifest = {**meta, "format": fmt, "defects": defects.model_dump(), "files": files, "truth": truth_entries}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    return manifest


def write_batch(world: World, frames: dict[str, pl.DataFrame], out: Path, fmt: str, defects: dq.DefectConfig,
                part: int | None = None, on_file=None) -> tuple[list[dict], list[dict]]:
    """Apply defects and write every extract and truth file of one world (a whole place, or one batch's parts).

    Returns the manifest entries of the extracts and of the truth files; the frames are released as written.
    """
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
            # each frame is released once written: the writer is the last to read it
            frame = frames.pop(s.id)
            world.events.pop(s.id, None)
            entry, records = _write_source(world, s, frame, reg, rates, out, fmt, part)
            del frame
            files.append(entry)
            if records is not None:
                truth.append(records)
            if on_file:
                on_file(s.id)
    records = pl.concat(truth) if truth else pl.DataFrame(schema={"source": pl.Categorical, "file": pl.Categorical,
                                                                  "row_number": pl.Int64, "local_id": pl.Utf8,
                                                                  "person_id": pl.Int64})
    truth_frames = {"records": records, "people": world.people, "households": world.households,
                    "residence": world.residence, "relations": world.relations}
    truth_entries = []
    for name in TRUTH_FILES:
        path = out / truth_path(name, fmt, part)
        sha = _write(truth_frames[name], path, fmt)
        truth_entries.append(_entry(out, path, None, fmt, truth_frames[name], sha, None, part))
    return files, truth_entries
