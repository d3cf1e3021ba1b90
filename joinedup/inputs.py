"""Opening files a user hands us, defensively: regular files only, size limits, bounded YAML and JSON.

Every reader of user input (extracts, papers, files to match, scenarios, measure specs) goes
through these so that a FIFO, a device, an endless stream, an alias bomb or a document nested a
hundred thousand levels deep is one `error:` line, never a hang, a MemoryError or a traceback.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import yaml

from joinedup.errors import UserError

__all__ = ["MAX_MATCH_BYTES", "MAX_PAPER_BYTES", "regular_file", "read_limited", "load_yaml", "parse_json", "utf16_bom", "MAX_YAML_ALIASES",
           "MAX_YAML_BYTES"]

#: The largest file `joinedup match` reads (it holds both files in memory, several times over).
MAX_MATCH_BYTES = 1024 * 2**20
#: The largest paper `joinedup explain` reads (a board paper is a few MB; beyond this it is not one).
MAX_PAPER_BYTES = 50 * 2**20
#: A scenario or measure spec is a page of text; beyond this it is not one.
MAX_YAML_BYTES = 5 * 2**20
#: Aliases a spec may use; an "alias bomb" (billion laughs) uses thousands to multiply itself.
MAX_YAML_ALIASES = 100


def regular_file(path: Path, *, limit: int | None = None, what: str = "file") -> Path:
    """The path if it is a regular file (not a FIFO, device or socket) within the size limit."""
    try:
        st = Path(path).stat()
    except FileNotFoundError:
        raise UserError("file not found", file=str(path)) from None
    except OSError as e:
        raise UserError(f"cannot open: {e.strerror}", file=str(path)) from None
    if stat.S_ISDIR(st.st_mode):
        raise UserError(f"is a folder; give a {what}", file=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise UserError("not a regular file (a pipe, device or socket); copy it to a file first", file=str(path))
    if limit is not None and st.st_size > limit:
        raise UserError(f"larger than the {limit // 2**20:,} MB limit for a {what} ({st.st_size // 2**20:,} MB)",
                        file=str(path))
    return Path(path)


def read_limited(stream, limit: int, name: str) -> bytes | str:
    """At most `limit` bytes (or characters) from a stream such as stdin; more is an error, not a MemoryError."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UserError(f"more than the {limit // 2**20:,} MB limit", file=name)
    return data


def utf16_bom(head: bytes) -> bool:
    """True when bytes start like UTF-16 text (a byte-order mark, or ASCII with every other byte zero)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = head[:200]
    if len(sample) >= 8 and len(sample) % 2 == 0:
        odd, even = sample[1::2], sample[0::2]
        return odd.count(0) == len(odd) and even.count(0) == 0 or even.count(0) == len(even) and odd.count(0) == 0
    return False


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents using more than MAX_YAML_ALIASES aliases."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases = getattr(self, "_aliases", 0) + 1
            if self._aliases > MAX_YAML_ALIASES:
                raise _TooManyAliases()
        return super().compose_node(parent, index)


class _TooManyAliases(Exception):
    pass


def load_yaml(path: Path) -> Any:
    """The YAML document in a file (safe types only), or a UserError naming the file and line."""
    regular_file(path, limit=MAX_YAML_BYTES, what="YAML file")
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError(f"not UTF-8 text (byte {e.start + 1}); save it as UTF-8", file=str(path)) from None
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # a SafeLoader subclass: safe types only
    except _TooManyAliases:
        raise UserError(f"more than {MAX_YAML_ALIASES} YAML aliases (an alias bomb?)", file=str(path)) from None
    except RecursionError:
        raise UserError("YAML nested too deeply", file=str(path)) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise UserError(f"not valid YAML: {e.problem or e.context}{where}", file=str(path),
                        row=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as e:
        raise UserError(f"not valid YAML ({str(e).splitlines()[0]})", file=str(path)) from None


def parse_json(text: str, file: str, row: int | None = None) -> Any:
    """A JSON value, or a UserError for bad syntax, absurd nesting or a number too long to convert."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        at = row if row is not None else e.lineno
        raise UserError(f"not JSON ({e.msg})", file=file, row=at) from None
    except RecursionError:
        raise UserError("JSON nested too deeply", file=file, row=row) from None
    except ValueError as e:  # an integer of more than 4,300 digits (Python's conversion limit)
        raise UserError(f"a number too long to read ({str(e).split(':')[0]})", file=file, row=row) from None
