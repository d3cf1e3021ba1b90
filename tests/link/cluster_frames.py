"""Small record and edge frames for the clustering tests."""

import polars as pl


def records(nhs):
    return pl.DataFrame({"unique_id": [str(i) for i in range(len(nhs))], "nhs_key": nhs,
                         "system": ["s"] * len(nhs), "local_id_pseudo": [None] * len(nhs)},
                        schema={"unique_id": pl.Utf8, "nhs_key": pl.Utf8, "system": pl.Utf8, "local_id_pseudo": pl.Utf8})


def edges(rows):
    return pl.DataFrame(rows, schema={"uid_l": pl.Utf8, "uid_r": pl.Utf8, "probability": pl.Float64,
                                      "method": pl.Utf8}, orient="row")
