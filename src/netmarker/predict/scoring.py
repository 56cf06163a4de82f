"""Module scores for notebooks: samples x genes in (DataFrame or AnnData), samples x modules out.

:func:`module_scores` is the notebook face of :func:`netmarker.predict.features.score_modules`: it
takes expression the way scanpy, decoupler and scikit-learn hold it (samples as rows) and
returns a samples x modules DataFrame. An ``AnnData`` (the optional extra
``netmarker[anndata]``) is read from ``.X`` or one of its ``.layers``, and the scores are
also written to ``.obsm[key_added]``, as decoupler does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from netmarker.errors import DataError


def is_anndata(data: object) -> bool:
    """Whether ``data`` is an AnnData object (checked without importing anndata)."""
    return all(hasattr(data, name) for name in ("obs_names", "var_names", "X", "obsm", "layers"))


def expression_frame(data: Any, *, layer: str | None = None) -> pd.DataFrame:
    """Samples x genes DataFrame of a DataFrame (as it is) or an AnnData (``.X`` or a layer)."""
    if isinstance(data, pd.DataFrame):
        if layer is not None:
            raise DataError("expression", "layer= applies to AnnData only")
        return data
    if not is_anndata(data):
        raise DataError(
            "expression",
            f"expected a samples x genes DataFrame or an AnnData, got {type(data).__name__}",
        )
    if layer is None:
        values = data.X
    elif layer in data.layers:
        values = data.layers[layer]
    else:
        raise DataError(
            "expression",
            f"no layer {layer!r} in the AnnData (layers: {', '.join(data.layers) or 'none'})",
        )
    if values is None:
        raise DataError("expression", "the AnnData has no .X (pass layer=)")
    if hasattr(values, "toarray"):  # scipy.sparse
        values = values.toarray()
    return pd.DataFrame(
        np.asarray(values, dtype=np.float64),
        index=pd.Index(data.obs_names.astype(str), name="sample"),
        columns=pd.Index(data.var_names.astype(str), name="gene"),
    )


def module_scores(
    expression: Any,
    modules: Mapping[str, Sequence[str]],
    *,
    method: Literal["ssgsea", "mean_z"] = "ssgsea",
    normalize: bool = True,
    min_size: int = 5,
    layer: str | None = None,
    key_added: str | None = None,
) -> pd.DataFrame:
    """Score gene ``modules`` in every sample of ``expression`` (samples x genes).

    ``method``: ssGSEA (range-normalised over the whole run unless ``normalize=False``) or
    the mean z-scored expression; a module needs ``min_size`` measured genes (the others
    are logged and left out). Returns samples x modules. For an AnnData the scores are also
    stored in ``.obsm[key_added]`` (default ``"netmarker_<method>"``).
    """
    from netmarker.predict.features import score_modules

    frame = expression_frame(expression, layer=layer)
    scores = score_modules(
        frame.T, modules, method=method, normalize=normalize, min_size=min_size
    ).scores.copy()
    scores.index.name = "sample"
    scores.columns.name = "module"
    if is_anndata(expression):
        expression.obsm[key_added or f"netmarker_{method}"] = scores
    return scores
