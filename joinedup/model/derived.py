"""Parameters computed from shipped reference data: distances from real 2021 LSOA centroids."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pydantic import ValidationError

from joinedup.errors import UserError
from joinedup.model.spec import ModelSpec, Parameter, validation_error
from joinedup.reference import DEFAULT_AREA, lsoas

__all__ = ["nearest_site_km", "centre_km", "resolve", "DERIVATIONS"]

EARTH_RADIUS_KM = 6371.0088


def _centroids(area: str) -> np.ndarray:
    rows = lsoas(area)
    return np.array([[r["latitude"], r["longitude"]] for r in rows], dtype=float)


def _km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle distance (haversine) between every row of a and every row of b."""
    la1, lo1 = np.radians(a[:, None, 0]), np.radians(a[:, None, 1])
    la2, lo2 = np.radians(b[None, :, 0]), np.radians(b[None, :, 1])
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


@lru_cache(maxsize=64)
def nearest_site_km(sites: int, area: str = DEFAULT_AREA) -> float:
    """Mean straight-line km from each LSOA centroid to the nearest of `sites` service sites.

    Sites are placed where people live: k-means on the LSOA centroids (each 2021 LSOA holds
    roughly 1,000-3,000 residents, so each counts once), seeded so the answer is fixed.
    """
    from scipy.cluster.vq import kmeans2
    pts = _centroids(area)
    k = max(1, min(int(sites), len(pts)))
    centres, _ = kmeans2(pts, k, seed=np.random.default_rng(20211), minit="++", iter=50)
    return float(_km(pts, centres).min(axis=1).mean())


@lru_cache(maxsize=16)
def centre_km(area: str = DEFAULT_AREA) -> float:
    """Mean straight-line km from each LSOA centroid to the borough's centre (mean of centroids)."""
    pts = _centroids(area)
    return float(_km(pts, pts.mean(axis=0, keepdims=True))[:, 0].mean())


DERIVATIONS = {"nearest_site_km": nearest_site_km, "centre_km": centre_km}


def resolve(spec: ModelSpec, area: str = DEFAULT_AREA) -> ModelSpec:
    """The model with every derived parameter's value computed (and range-checked)."""
    if not any(p.derived for p in spec.parameters.values()):
        return spec
    params = dict(spec.parameters)
    for name, p in spec.parameters.items():
        if not p.derived:
            continue
        args = dict(p.derived)
        fn = DERIVATIONS.get(str(args.pop("fn", "")))
        fld = f"parameters.{name}.derived"
        if fn is None:
            raise UserError(f"unknown derivation (known: {', '.join(DERIVATIONS)})", file=spec.source_file, field=fld)
        try:
            value = round(fn(**{k: int(v) if k == "sites" else v for k, v in args.items()}, area=area), 4)
            params[name] = Parameter.model_validate({**p.model_dump(), "value": value})
        except TypeError as e:
            raise UserError(f"bad derivation arguments ({e})", file=spec.source_file, field=fld) from None
        except ValidationError as e:
            raise validation_error(e, spec.source_file) from None
    return spec.model_copy(update={"parameters": params})
