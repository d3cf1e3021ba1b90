"""The shipped models of the place and the links between them."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from joinedup.errors import UserError
from joinedup.model.flatten import SEP, FlatModel, check_loops, flatten
from joinedup.model.spec import ModelSpec, load_model, read_yaml, validation_error
from joinedup.model.units import parse_units, same_units, show

__all__ = ["MODELS_DIR", "SYSTEM", "ORDER", "model_names", "model_spec", "all_specs", "Link", "links",
           "linked_system", "flat_model"]

MODELS_DIR = Path(str(files("joinedup.model") / "models"))
SYSTEM = "system"
#: the linked models, in the order they are shown
ORDER = ("discharge", "workforce", "children", "travel")


class Link(BaseModel):
    """One model's input provided by another model's variable."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    to: str
    source: str
    why: str = ""


def model_names() -> list[str]:
    """Names of the shipped models."""
    found = sorted(p.stem for p in MODELS_DIR.glob("*.yaml") if p.stem != "links")
    return [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]


@lru_cache(maxsize=None)
def _spec(path: str) -> ModelSpec:
    from joinedup.model.derived import resolve
    return resolve(load_model(Path(path)))


def model_spec(name: str) -> ModelSpec:
    """A shipped model by name (a UserError lists the names when it is unknown)."""
    if name not in model_names():
        raise UserError(f"unknown model {name!r} (models: {', '.join(model_names() + [SYSTEM])})")
    return _spec(str(MODELS_DIR / f"{name}.yaml"))


def all_specs() -> dict[str, ModelSpec]:
    """Every shipped model."""
    return {n: model_spec(n) for n in model_names()}


@lru_cache(maxsize=1)
def links() -> tuple[Link, ...]:
    """The links between the shipped models (models/links.yaml)."""
    path = MODELS_DIR / "links.yaml"
    data = read_yaml(path)
    try:
        return tuple(Link.model_validate({"to": d.get("to"), "source": d.get("from"), "why": d.get("why", "")})
                     for d in data.get("links", []))
    except (ValidationError, AttributeError) as e:
        raise (validation_error(e, str(path)) if isinstance(e, ValidationError)
               else UserError("each link needs to and from", file=str(path), field="links")) from None


def linked_system(specs: dict[str, ModelSpec], link_list: tuple[Link, ...], *, file: str = "links.yaml") -> FlatModel:
    """Flatten several models into one, wiring each linked input to its source variable."""
    inputs_as: dict[str, dict[str, str]] = {n: {} for n in specs}
    for i, ln in enumerate(link_list):
        tm, _, tn = ln.to.partition(".")
        sm, _, sn = ln.source.partition(".")
        if tm not in specs or tn not in specs[tm].inputs:
            raise UserError(f"{ln.to!r} is not an input of a model", file=file, field=f"links[{i}].to")
        s = specs.get(sm)
        kinds = {} if s is None else {**s.stocks, **s.flows, **s.auxiliaries}
        if sn not in kinds:
            raise UserError(f"{ln.source!r} is not a stock, flow or auxiliary of a model", file=file,
                            field=f"links[{i}].from")
        su, tu = parse_units(kinds[sn].units), parse_units(specs[tm].inputs[tn].units)
        if not same_units(su, tu):
            raise UserError(f"unit mismatch: {ln.source} is {show(su)}, {ln.to} needs {show(tu)}",
                            file=file, field=f"links[{i}]")
        inputs_as[tm][tn] = f"{sm}{SEP}{sn}"
    out = FlatModel(SYSTEM, "The linked whole system", "week")
    for n, spec in specs.items():
        part = flatten(spec, inputs_as=inputs_as[n], prefix=f"{n}{SEP}")
        for attr in ("params", "stocks", "flows", "auxes", "lookups", "indicators", "origin"):
            getattr(out, attr).update(getattr(part, attr))
    check_loops(out, file)
    return out


def flat_model(name: str) -> FlatModel:
    """A shipped model flattened on its own, `system` (all of them linked), or a model YAML file."""
    if name == SYSTEM:
        return linked_system(all_specs(), links())
    if name.endswith((".yaml", ".yml")):
        from joinedup.model.derived import resolve
        return flatten(resolve(load_model(Path(name))))
    return flatten(model_spec(name))

