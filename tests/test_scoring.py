"""Module scores for notebooks: samples x genes DataFrame or AnnData in, samples x modules out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from netmarker.errors import DataError
from netmarker.predict.features import score_modules
from netmarker.predict.scoring import expression_frame, module_scores


def _expression() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    genes = [f"G{i}" for i in range(40)]
    return pd.DataFrame(
        rng.normal(8, 1, size=(12, 40)), index=[f"S{j}" for j in range(12)], columns=genes
    )


MODULES = {"A": [f"G{i}" for i in range(6)], "B": [f"G{i}" for i in range(10, 18)]}


def test_samples_by_genes_in_samples_by_modules_out() -> None:
    expression = _expression()
    scores = module_scores(expression, MODULES)
    assert scores.shape == (12, 2) and scores.index.equals(expression.index)
    reference = score_modules(expression.T, MODULES).scores
    np.testing.assert_array_equal(scores.to_numpy(), reference.to_numpy())
    with pytest.raises(DataError, match="AnnData only"):
        module_scores(expression, MODULES, layer="counts")
    with pytest.raises(DataError, match="samples x genes DataFrame or an AnnData"):
        module_scores(expression.to_numpy(), MODULES)


def test_anndata_x_and_layers_in_scores_to_obsm() -> None:
    import anndata  # the optional extra netmarker[anndata]; the test extras install it

    expression = _expression()
    adata = anndata.AnnData(
        X=sparse.csr_matrix(expression.to_numpy()),
        obs=pd.DataFrame(index=expression.index),
        var=pd.DataFrame(index=expression.columns),
        layers={"centred": (expression - expression.mean()).to_numpy()},
    )
    scores = module_scores(adata, MODULES)
    np.testing.assert_array_equal(scores.to_numpy(), module_scores(expression, MODULES).to_numpy())
    assert adata.obsm["netmarker_ssgsea"].equals(scores)
    centred = module_scores(adata, MODULES, layer="centred", method="mean_z", key_added="z")
    assert adata.obsm["z"].shape == (12, 2) and centred.columns.tolist() == ["A", "B"]
    assert expression_frame(adata, layer="centred").shape == (12, 40)
    with pytest.raises(DataError, match="no layer 'raw'"):
        module_scores(adata, MODULES, layer="raw")
