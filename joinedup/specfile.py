"""Spec files: YAML -> a pydantic model -> or one `error:` line naming the file and the field.

Measures, segments, models, scenarios, peers' specs, source specs and defect rates are files a
council can write; each is read here, so every bad file gets the same kind of message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from joinedup.errors import UserError
from joinedup.inputs import load_yaml

__all__ = ["load_model_file", "read_yaml", "validation_error"]

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path, *, what: str = "file", mapping: bool = True, empty: Any = None) -> Any:
    """The YAML in a file (a mapping unless mapping=False), or a UserError naming the file (and row)."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{what} not found", file=str(path))
    # regular files only, bounded size, aliases and nesting: one error line, never a hang or a traceback
    data = load_yaml(path)
    if data is None and empty is not None:
        return empty
    if mapping and not isinstance(data, dict):
        raise UserError(f"a {what} holds one mapping at the top level", file=str(path))
    return data


def validation_error(e: ValidationError, file: str, prefix: str = "") -> UserError:
    """The first pydantic error as one line naming the file and the field."""
    first = e.errors()[0]
    loc = ".".join(str(p) for p in first["loc"] if p not in ("function-after", "tagged-union"))
    msg = first["msg"].removeprefix("Value error, ")
    return UserError(prefix + msg, file=file, field=loc or None)


def load_model_file(path: Path, model: type[M], *, what: str = "file", extra: dict | None = None,
                    prefix: str = "", empty: Any = None) -> M:
    """Read a YAML file and validate it into `model` (extra keys merged in first)."""
    data = read_yaml(path, what=what, empty=empty)
    try:
        return model.model_validate({**data, **(extra or {})})
    except ValidationError as e:
        raise validation_error(e, str(path), prefix.format(**data) if prefix else "") from None
