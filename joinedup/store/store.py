"""`Store`: the one way into a place's data, opened in a named mode over one backend.

Modes:
- `analysis`: read-only, the identity vault not attached. Measures, segments, reports, the web app.
- `identify`: read-only, the vault attached; every read of the vault is written to the audit log
  (who, why, when, what) before any identifier is returned. Needs `user` and `purpose`.
- `write`: the one writer (a lock file serialises writers), with transactions.

Readers beside a writer. DuckDB lets one process write a database file and, while it does,
refuses every other process, readers included. A web app that reads all day must neither block
`ingest`/`link` nor see half of a load. So a writer never changes the published files: it copies
store and vault to private working files, works on those, and on a successful close publishes them
by atomic rename (vault first, then store; the store's `load` table is the commit point and
`reconcile` undoes a vault published without its store). A reader attaches the published file and
keeps the inode it opened: it sees the store as it was when it opened, all before a write or all
after, never between, and never waits for the writer. The price is a copy of the store per write
session (disk: twice the store while writing; time: a file copy, small beside a load). A writer
that fails or is killed publishes nothing; its working files are removed by the next writer.

`version` names the published snapshot a `Store` reads (it changes whenever a write publishes),
so callers can cache results per version.

The vault's identifying values are sealed (AES-256-GCM, `joinedup.store.vaultcrypt`) under a key
derived from the pseudonym key. In identify mode the vault file is attached as `vault_sealed` and
catalog `vault` holds views that open every sealed column (so `vault.identity` reads as plaintext, and
every such read is audited). A writer attaches the file itself as `vault` (what it writes must be
sealed) and, once `unlock()`ed with the key, reads plaintext through the views of `vault_plain`.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import pyarrow as pa
import sqlglot
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.store import audit, schema
from joinedup.store.backends import ENGINES, Backend, BackendError, backend_for
from joinedup.store.backends.base import STORE, VAULT
from joinedup.store.guard import check_store_path
from joinedup.store.memory import MEMORY_ENV, engine_memory_limit, limit_origin
from joinedup.store.paths import StorePaths, paths_for
from joinedup.store import vaultcrypt

if TYPE_CHECKING:
    from joinedup.ingest.keys import PseudonymKey

__all__ = ["MODES", "Store", "version_of", "writer_lock"]

MODES = ("analysis", "identify", "write")

#: Catalogs of the vault: the file in identify mode, and the opened views a writer reads through.
VAULT_SEALED, VAULT_PLAIN = "vault_sealed", "vault_plain"


def version_of(path: str | Path) -> str:
    """The version token of the store published at `path` now ('absent' when there is none)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "absent"
    return f"{st.st_ino:x}-{st.st_mtime_ns:x}-{st.st_size:x}"


@contextmanager
def writer_lock(paths: StorePaths) -> Iterator[None]:
    """Hold the store's writer lock: no write publishes while inside (readers are not affected)."""
    paths.store.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class Store:
    """A store opened in one mode. Use `Store.open(...)` (or `Store.memory()` for a scratch store)."""

    def __init__(self, paths: StorePaths, mode: str, backend: Backend, *, version: str,
                 user: str | None = None, purpose: str | None = None) -> None:
        self.paths, self.mode, self.backend = paths, mode, backend
        self.user, self.purpose = user, purpose
        self._version = version
        self._lock_fd: int | None = None
        self._vault_attached = False
        self._in_memory = False
        self._key: "PseudonymKey | None" = None
        self._cipher: vaultcrypt.VaultCipher | None = None
        self._plain: str | None = None
        self._rewrite_vault = False
        self._memory_limit: str | None = None
        #: Called with "vault published" between the two renames of a publish (kill tests pause there).
        self.on_publish: Callable[[str], None] | None = None

    # -- opening ----------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, mode: str = "analysis", *, user: str | None = None,
             purpose: str | None = None, create: bool = False, vault: bool | None = None,
             threads: int | None = None, memory_limit: str | None = None, engine: str = "duckdb",
             key: "PseudonymKey | None" = None, spark_master: str | None = None) -> "Store":
        """Open the store at `path` in a mode.

        Write mode: `create` starts a new store when none exists; the vault is attached when it exists,
        or made when `vault` is True (ingest); `vault=False` leaves it alone. `key` is the pseudonym key
        (by default JOINEDUP_KEY or the key file, read when the vault's sealed values are first needed).
        `engine="spark"` reads a Parquet snapshot of the published store with Spark (on `spark_master`,
        local mode by default): analysis mode only, since Spark can neither undo a failed write nor be
        trusted with the vault.
        """
        if mode not in MODES:
            raise UserError(f"unknown store mode {mode!r} (expected one of {', '.join(MODES)})")
        paths = paths_for(path)
        if paths.store.name.endswith(".vault" + (paths.store.suffix or ".duckdb")):
            raise UserError("that is an identity vault; give the analysis store beside it", file=str(path))
        check_store_path(paths.store)  # an extract, a folder or a pipe given as --db: refused before any write
        if mode == "identify" and not (user and user.strip() and purpose and purpose.strip()):
            raise UserError("identify mode needs who is looking (user) and why (purpose)")
        if not paths.store.exists() and not (mode == "write" and create):
            raise UserError("store not found (build one with joinedup ingest)", file=str(paths.store))
        if engine not in ENGINES:
            raise UserError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})", field="engine")
        if engine != "duckdb" and mode != "analysis":
            raise UserError(f"the {engine} engine reads stores (analysis mode); {mode} mode runs on duckdb",
                            field="engine")
        backend = backend_for(engine, spark_master=spark_master)
        origin = ""
        if engine == "duckdb":
            # DuckDB's own default is 80% of the machine; a store gets JOINEDUP_MEMORY or 3 GB and
            # spills beyond it to STORE.tmp beside the store
            origin = limit_origin(None, memory_limit)
            memory_limit = engine_memory_limit(None, memory_limit)
        try:
            backend.connect(threads=threads, memory_limit=memory_limit, temp_dir=paths.temp_dir)
        except BackendError as e:
            backend.close()
            raise UserError(str(e), file=str(paths.store)) from None
        except backend.errors:
            backend.close()
            named = f" (from {origin})" if origin == MEMORY_ENV else ""
            raise UserError(f"memory limit {memory_limit!r} not understood{named} (say e.g. 4GB or 512MB)",
                            file=str(paths.store)) from None
        store = cls(paths, mode, backend, version="", user=user, purpose=purpose)
        store._key = key
        store._memory_limit = memory_limit
        try:
            if mode == "write":
                store._open_writer(vault)
            else:
                store._open_reader(vault=mode == "identify")
        except BaseException:
            store._abandon()
            raise
        return store

    @classmethod
    def memory(cls, engine: str = "duckdb", spark_master: str | None = None) -> "Store":
        """A scratch store in memory, writable, published nowhere (spec tests, in-process linkage)."""
        backend = backend_for(engine, spark_master=spark_master)
        if engine == "duckdb":
            # the same limit as a store on disk; spills go to a private folder in the system's temp
            # space (DuckDB makes it on the first spill and removes it on close), never the working directory
            limit = engine_memory_limit()
            try:
                backend.connect(memory_limit=limit,
                                temp_dir=Path(tempfile.gettempdir()) / f"joinedup-{os.getpid()}-{id(backend):x}.tmp")
            except backend.errors:
                backend.close()
                raise UserError(f"memory limit {limit!r} not understood (from {limit_origin()}; say e.g. 4GB or 512MB)",
                                field=MEMORY_ENV) from None
        else:
            backend.connect()
        backend.attach(STORE, None, read_only=False)
        backend.use(STORE)
        store = cls(paths_for(":memory:"), "write", backend, version="memory-0")
        store._in_memory = True
        return store

    def _open_reader(self, *, vault: bool) -> None:
        if self.backend.dialect != "duckdb":
            from joinedup.store.snapshot import parquet_snapshot
            folder, self._version = parquet_snapshot(self.paths, self._memory_limit)
            self._attach(STORE, folder, read_only=True)
            self.backend.use(STORE)
            self._check_schema_version()
            return
        for _ in range(5):  # a publish between stat and attach: attach again
            before = version_of(self.paths.store)
            self._attach(STORE, self.paths.store, read_only=True)
            if version_of(self.paths.store) == before:
                break
            self.backend.detach(STORE)
        self._version = before
        self.backend.use(STORE)
        self._check_schema_version()
        if vault:
            if not self.paths.vault.exists():
                raise UserError(f"no identity vault beside the store (expected {self.paths.vault.name})",
                                file=str(self.paths.store))
            self._attach(VAULT_SEALED, self.paths.vault, read_only=True)
            self._vault_attached = True
            self._open_views(VAULT_SEALED, VAULT)
            if self._unfinished_loads():
                # a writer was killed after publishing the vault and before the store: repair, then read
                self._detach_vault()
                self.backend.detach(STORE)
                Store.open(self.paths.store, "write", vault=True).close()
                self._open_reader(vault=vault)

    def _open_writer(self, vault: bool | None) -> None:
        p = self.paths
        p.store.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(p.lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)  # one writer at a time; readers never take it
        for stale in (p.working_store, p.working_vault):
            for f in (stale, stale.with_name(stale.name + ".wal"), stale.with_name(stale.name + ".fresh")):
                f.unlink(missing_ok=True)
        if p.store.exists():
            shutil.copyfile(p.store, p.working_store)
        if p.vault.exists():
            os.close(os.open(p.working_vault, os.O_WRONLY | os.O_CREAT, 0o600))  # owner only from the start
            shutil.copyfile(p.vault, p.working_vault)
        self._version = version_of(p.store)
        self._attach(STORE, p.working_store, read_only=False)
        self.backend.use(STORE)
        self._check_schema_version()
        self.record_schema_version()
        if vault or (vault is None and p.vault.exists()):
            self._attach(VAULT, p.working_vault, read_only=False)
            self._vault_attached = True
            from joinedup.store.load import reconcile
            reconcile(self)

    def _unfinished_loads(self) -> set[str]:
        """Load ids with rows in the attached vault that the store does not list as committed."""
        from joinedup.store.load import vault_load_ids

        if not self.backend.has_table("load", STORE):
            return set()
        committed = {r[0] for r in self.backend.fetchall(f"SELECT load_id FROM {STORE}.load")}
        return vault_load_ids(self) - committed

    # -- the sealed vault ---------------------------------------------------------------------------
    def _vault_meta(self, catalog: str) -> dict[str, str]:
        if not self.backend.has_table(vaultcrypt.META_TABLE, catalog):
            return {}
        return dict(self.backend.fetchall(f"SELECT key, value FROM {catalog}.{vaultcrypt.META_TABLE}"))

    def _load_cipher(self, catalog: str) -> vaultcrypt.VaultCipher:
        """The vault cipher from the store's key, checked against the fingerprint the vault records."""
        if self._cipher is None:
            if self._key is None:
                from joinedup.ingest.keys import load_key
                try:
                    self._key = load_key(self.paths.store, create=False)
                except UserError as e:
                    reason = str(e)[len(e.file) + 2:] if e.file else str(e)
                    raise UserError(f"the identity vault is sealed and opens only with the store's key; {reason}",
                                    file=e.file) from None
            cipher = vaultcrypt.VaultCipher(self._key)
            found = self._vault_meta(catalog).get("key_fingerprint")
            if found is not None and found != cipher.fingerprint:
                raise UserError(f"the identity vault was sealed under another key than {self._key.origin}: "
                                "use the store's own key", file=str(self.paths.vault))
            self.backend.define_functions(cipher.udfs())
            self._cipher = cipher
        return self._cipher

    def _open_views(self, source: str, target: str) -> None:
        """Catalog `target`: a view per vault table of `source` with its sealed columns opened."""
        if self._vault_meta(source) or self._has_sealed_values(source):
            self._load_cipher(source)
        else:  # nothing sealed (a vault from before encryption): the views open nothing, no key needed
            self.backend.define_functions({n: (lambda v, a: v) for n in ("vault_seal", "vault_open")})
        self.backend.attach(target, None, read_only=False)
        for name in sorted(self.backend.table_names(source)):
            cols = [c for c, _t in self.backend.columns(f"{source}.{name}")]
            self.backend.execute(f"CREATE VIEW {target}.{name} AS "
                                 f"{vaultcrypt.plain_view_sql(name, cols, f'{source}.{name}')}")

    def _has_sealed_values(self, catalog: str) -> bool:
        present = self.backend.table_names(catalog)
        for name in vaultcrypt.vault_tables():
            if name in present:
                col = vaultcrypt.SEALED[name.removesuffix("_undo")][0]
                if self.backend.fetchall(f"SELECT 1 FROM {catalog}.{name} WHERE starts_with(CAST({col} AS VARCHAR), "
                                         f"'{vaultcrypt.PREFIX}') LIMIT 1"):
                    return True
        return False

    def unlock(self, key: "PseudonymKey | None" = None, *, new_key: bool = False) -> str:
        """Writer: load the vault key, seal every value not sealed yet, and return the catalog of opened views.

        `key` is the store's key (checked against the vault's fingerprint); with `new_key` it replaces
        it (rekey, once every sealed value has been read out: from then on the new key seals)."""
        self._writable()
        if not self._vault_attached:
            raise UserError("the identity vault is not attached (open the store with vault=True)",
                            file=str(self.paths.store))
        if key is not None and (self._key is None or key.secret != self._key.secret or new_key):
            self._key, self._cipher = key, None
            if new_key:
                self.backend.execute(f"DROP TABLE IF EXISTS {VAULT}.{vaultcrypt.META_TABLE}")
        cipher = self._load_cipher(VAULT)
        b = self.backend
        b.begin()
        present = b.table_names(VAULT)
        for name in vaultcrypt.vault_tables():
            if name not in present:
                continue
            q = f"{VAULT}.{name}"
            if name.startswith("identity") and not name.startswith("identity_history"):
                types = dict(b.columns(q))
                if types.get("date_of_birth", "VARCHAR").upper() != "VARCHAR":  # a vault from before sealing
                    b.execute(f"ALTER TABLE {q} ALTER COLUMN date_of_birth SET DATA TYPE VARCHAR")
            if b.fetchall(vaultcrypt.unsealed_count_sql(name, q))[0][0]:
                b.execute(vaultcrypt.seal_in_place_sql(name, q))
                self._rewrite_vault = True  # the file's free pages may still hold the old plaintext
        b.execute(f"CREATE TABLE IF NOT EXISTS {VAULT}.{vaultcrypt.META_TABLE} (key VARCHAR, value VARCHAR)")
        b.execute(f"DELETE FROM {VAULT}.{vaultcrypt.META_TABLE}")
        b.execute(f"INSERT INTO {VAULT}.{vaultcrypt.META_TABLE} VALUES ('cipher', 'AES-256-GCM per value, "
                  f"HKDF-SHA256 from the pseudonym key, v1'), ('key_fingerprint', ?)", [cipher.fingerprint])
        b.commit()
        if self._plain is None:
            self.backend.attach(VAULT_PLAIN, None, read_only=False)
            self._plain = VAULT_PLAIN
        for name in sorted(b.table_names(VAULT)):
            cols = [c for c, _t in b.columns(f"{VAULT}.{name}")]
            b.execute(f"CREATE OR REPLACE VIEW {VAULT_PLAIN}.{name} AS "
                      f"{vaultcrypt.plain_view_sql(name, cols, f'{VAULT}.{name}')}")
        return VAULT_PLAIN

    def identities(self) -> str:
        """The catalog whose views read the vault's values opened (identify: `vault`; write: after unlock)."""
        if self.mode == "identify":
            return VAULT
        if self.mode == "write":
            return self._plain or self.unlock()
        raise UserError("reading identifiers needs a store opened in identify mode")

    def _copy_vault_afresh(self) -> None:
        """Detach the working vault and replace it by a fresh copy of its tables: no page of the old file
        (which may hold plaintext a seal in place freed) survives."""
        fresh = self.paths.working_vault.with_name(self.paths.working_vault.name + ".fresh")
        fresh.unlink(missing_ok=True)
        self.backend.attach("vault_fresh", fresh, read_only=False)
        self.backend.execute(f"COPY FROM DATABASE {VAULT} TO vault_fresh")
        self.backend.detach("vault_fresh")
        self._detach_vault()
        os.replace(fresh, self.paths.working_vault)

    def _detach_vault(self) -> None:
        if self.mode == "identify":
            self.backend.detach(VAULT)
            self.backend.detach(VAULT_SEALED)
        else:
            if self._plain is not None:
                self.backend.detach(VAULT_PLAIN)
                self._plain = None
            self.backend.detach(VAULT)
        self._vault_attached = False

    def _attach(self, catalog: str, path: Path, *, read_only: bool) -> None:
        try:
            self.backend.attach(catalog, path, read_only=read_only)
        except self.backend.errors as e:
            raise UserError(f"cannot open {'vault' if catalog == VAULT else 'store'}: {_first_line(e)}",
                            file=str(path)) from None

    # -- schema version ---------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        """The schema version the store records (1 for stores made before versions were recorded)."""
        if not self.backend.has_table(schema.META_TABLE.name):
            return 1
        rows = self.backend.fetchall(f"SELECT value FROM {STORE}.{schema.META_TABLE.name} WHERE key = 'schema_version'")
        return int(rows[0][0]) if rows else 1

    def _check_schema_version(self) -> None:
        found = self.schema_version
        if found > schema.SCHEMA_VERSION:
            raise UserError(f"store has schema version {found}, newer than this joinedup understands "
                            f"({schema.SCHEMA_VERSION}); upgrade joinedup", file=str(self.paths.store))

    def record_schema_version(self, version: int | None = None) -> None:
        """Write the schema version into store_meta (write mode; by default only where none is recorded yet)."""
        self._writable()
        t = schema.META_TABLE
        self.backend.execute(f"CREATE TABLE IF NOT EXISTS {STORE}.{t.name} "
                             f"({', '.join(f'{c.name} {c.type}' for c in t.columns)})")
        if version is None and self.backend.fetchall(f"SELECT 1 FROM {STORE}.{t.name} WHERE key = 'schema_version'"):
            return
        self.backend.execute(f"DELETE FROM {STORE}.{t.name} WHERE key = 'schema_version'")
        self.backend.execute(f"INSERT INTO {STORE}.{t.name} VALUES ('schema_version', ?)",
                             [str(version or schema.SCHEMA_VERSION)])

    # -- reading ----------------------------------------------------------------------------------
    @property
    def dialect(self) -> str:
        """The SQL dialect of the engine (sqlglot's name for it)."""
        return self.backend.dialect

    @property
    def version(self) -> str:
        """The published snapshot this Store reads (a writer: the one it started from)."""
        return self._version

    @property
    def has_vault(self) -> bool:
        """Whether the identity vault is attached (identify and write modes)."""
        return self._vault_attached

    def tables(self) -> list[str]:
        """Tables and views of the analysis store, sorted."""
        return sorted(self.backend.table_names(STORE))

    def has_table(self, name: str) -> bool:
        """Whether the analysis store holds a table of that name."""
        return self.backend.has_table(name, STORE)

    def query(self, sql: str | exp.Expression, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query (SQL text or a sqlglot tree) and return Arrow; in identify mode vault reads are audited."""
        audited = self.mode == "identify" and _reads_vault(sql)
        try:
            result = self.backend.query(sql, params)
        except BackendError as e:
            raise UserError(str(e), file=str(self.paths.store)) from None
        if audited:
            audit.record(self.paths.audit, self.user or "", self.purpose or "", "query",
                         ", ".join(sorted(_vault_tables(sql))), result.num_rows)
        return result

    def fetchall(self, sql: str | exp.Expression, params: Sequence[Any] | None = None) -> list[tuple]:
        """Rows of a query as tuples (the analysis catalog; no vault reads outside identify mode)."""
        if self.mode == "identify" and _reads_vault(sql):
            return [tuple(r.values()) for r in self.query(sql, params).to_pylist()]
        text = self.backend.render(sql)
        try:
            return self.backend.fetchall(text, params)
        except self.backend.errors as e:  # as `query`: the engine's error is a UserError carrying the SQL
            if isinstance(e, self.backend.resource_errors):
                raise  # out of memory, disk full: the caller's own recovery (ingest's) applies
            raise UserError(f"{self.backend.dialect} failed: {' '.join(str(e).split())} (SQL: {text})",
                            file=str(self.paths.store)) from None

    def identify(self, record_ids: Sequence[str]) -> pa.Table:
        """The latest identifiers of the given person records (identify mode; the read is audited first)."""
        if self.mode != "identify":
            raise UserError("re-identification needs a store opened in identify mode")
        ids = sorted(set(record_ids))
        marks = ", ".join("?" for _ in ids) or "NULL"
        rows = self.backend.query(f"SELECT * EXCLUDE (load_id) FROM {VAULT}.identity WHERE record_id IN ({marks}) "
                                  "ORDER BY record_id", ids)
        audit.record(self.paths.audit, self.user or "", self.purpose or "", "identity", ",".join(ids), rows.num_rows)
        return rows

    def audit_log(self) -> list[audit.AuditEntry]:
        """Every re-identification made through this store, oldest first."""
        return audit.entries(self.paths.audit)

    # -- writing ----------------------------------------------------------------------------------
    def _writable(self) -> None:
        if self.mode != "write":
            raise UserError(f"the store is open for {self.mode}; writing needs mode='write'")

    def execute(self, sql: str | exp.Expression, params: Sequence[Any] | None = None) -> None:
        """Run a statement for its effect (write mode for store tables; temp objects in any mode)."""
        text = self.backend.render(sql)
        try:
            self.backend.execute(text, params)
        except self.backend.errors as e:
            raise UserError(f"{self.dialect} failed: {' '.join(str(e).split())} (SQL: {text})",
                            file=str(self.paths.store)) from None

    def write_arrow(self, name: str, table: pa.Table, *, append: bool = False) -> None:
        """Replace (or append to, by column name) a store table with Arrow rows."""
        self._writable()
        self.backend.write_arrow(f"{STORE}.{name}", table, replace=not append)

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Everything inside commits together or not at all."""
        self._writable()
        self.backend.begin()
        try:
            yield self
        except BaseException:
            self.backend.rollback()
            raise
        self.backend.commit()

    # -- closing ----------------------------------------------------------------------------------
    def close(self, publish: bool = True) -> None:
        """Close; a writer publishes its work (vault, then store) unless publish is False."""
        if self.backend is None:
            return
        if self.mode != "write" or self._in_memory or not publish:
            self._abandon()
            return
        p = self.paths
        vault = self._vault_attached
        if vault:
            self._copy_vault_afresh() if self._rewrite_vault else self._detach_vault()
        self.backend.detach(STORE)
        self.backend.close()
        self.backend = None
        for f in (p.working_vault, p.working_store):
            if f.exists():
                _fsync(f)
        if vault:
            os.chmod(p.working_vault, 0o600)  # identifiers: readable by the store's owner only
            os.replace(p.working_vault, p.vault)
            if self.on_publish is not None:
                self.on_publish("vault published")
        os.replace(p.working_store, p.store)
        _fsync(p.store.parent)
        self._version = version_of(p.store)
        self._unlock()

    def _abandon(self) -> None:
        if self.backend is not None:
            self.backend.close()
            self.backend = None
        if self.mode == "write" and not self._in_memory and self._lock_fd is not None:
            for f in (self.paths.working_store, self.paths.working_vault):
                for g in (f, f.with_name(f.name + ".wal")):
                    g.unlink(missing_ok=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, kind: type | None, *_: object) -> None:
        self.close(publish=kind is None)

    def __repr__(self) -> str:
        return f"Store({str(self.paths.store)!r}, mode={self.mode!r})"


def _first_line(e: BaseException) -> str:
    return (str(e).splitlines() or [""])[0]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _vault_tables(sql: str | exp.Expression) -> set[str]:
    try:
        tree = sql if isinstance(sql, exp.Expression) else sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError:
        return {"(unparsed query)"} if VAULT in str(sql).lower() else set()
    return {t.name for t in tree.find_all(exp.Table) if t.catalog == VAULT or t.db == VAULT}


def _reads_vault(sql: str | exp.Expression) -> bool:
    return bool(_vault_tables(sql))
