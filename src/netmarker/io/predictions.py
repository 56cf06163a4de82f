"""Prediction tables written by ``netmarker predict`` (and the demo), read back for ``evaluate``.

One column convention everywhere: ``sample``, ``predicted`` (the model's output: predicted
response, or probability of response for logistic models) and ``predicted_responder``
(True/False); optional ``method``, ``model_id`` and anything else are kept. Files written by
netmarker before this convention name the call ``responder``; it is read as
``predicted_responder``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from netmarker.errors import InputError
from netmarker.io.tables import is_missing, read_text_table

#: columns every prediction table has
PREDICTION_COLUMNS = ("sample", "predicted", "predicted_responder")
#: older name of ``predicted_responder``
LEGACY_RESPONDER = "responder"
_BOOLEAN = {"TRUE": True, "FALSE": False, "1": True, "0": False}


def read_predictions(path: str | Path) -> pd.DataFrame:
    """Read and validate a prediction table; one :class:`InputError` line per problem.

    ``predicted`` must be a finite number and ``predicted_responder`` True/False (or 1/0) on
    every row; sample ids must be present and unique.
    """
    df, _ = read_text_table(path)
    first = int(df.attrs["first_line"])
    if "predicted_responder" not in df.columns and LEGACY_RESPONDER in df.columns:
        df = df.rename(columns={LEGACY_RESPONDER: "predicted_responder"})
    missing = [c for c in PREDICTION_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            path,
            f"missing column(s) {', '.join(missing)} (a predictions table from `netmarker "
            f"predict` has {', '.join(PREDICTION_COLUMNS)}); columns are {list(df.columns)[:8]}",
            first - 1,
        )
    blank = (df == "").all(axis=1).to_numpy()
    lines = np.arange(first, first + len(df))[~blank]
    df = df[~blank].reset_index(drop=True)
    if df.empty:
        raise InputError(path, "no prediction rows under the header", first)
    for column in PREDICTION_COLUMNS:
        cell = df[column].str.strip()
        if '"' in "".join(cell):
            row = int(np.flatnonzero(cell.str.contains('"', regex=False).to_numpy())[0])
            raise InputError(path, f"stray quote in column {column!r}", int(lines[row]))
        empty = is_missing(cell) | (cell == "")
        if empty.any():
            row = int(np.flatnonzero(empty.to_numpy())[0])
            raise InputError(path, f"missing value in column {column!r}", int(lines[row]))
    samples = df["sample"].str.strip()
    dup = samples.duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(path, f"duplicate sample {samples.iloc[row]!r}", int(lines[row]))
    predicted = pd.to_numeric(df["predicted"].str.strip(), errors="coerce")
    bad = ~np.isfinite(predicted.to_numpy(dtype=float))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            path,
            f"predicted value {df['predicted'].iloc[row]!r} is not a finite number",
            int(lines[row]),
        )
    calls = df["predicted_responder"].str.strip().str.upper().map(_BOOLEAN)
    if calls.isna().any():
        row = int(np.flatnonzero(calls.isna().to_numpy())[0])
        raise InputError(
            path,
            f"predicted_responder {df['predicted_responder'].iloc[row]!r} is not True/False",
            int(lines[row]),
        )
    out = df.assign(sample=samples, predicted=predicted.astype(float), predicted_responder=calls)
    return out.astype({"predicted_responder": bool})
