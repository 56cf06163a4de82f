"""Module features: ssGSEA against hand computation and a loop reference, mean z, coverage."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from netmarker.errors import DataError, InputError, NetmarkerError
from netmarker.predict.features import (
    gene_features,
    match_gene_sets,
    mean_zscore,
    score_modules,
    ssgsea,
    standardize,
)


def reference_ssgsea(expression: pd.DataFrame, sets: dict[str, list[str]], alpha: float):
    """The definition, literally: per sample and set, sort, walk, sum (GSVA's .rndWalk).

    Samples x sets, as netmarker's scores."""
    out = pd.DataFrame(index=list(sets), columns=expression.columns, dtype=float)
    genes = list(expression.index)
    for sample in expression.columns:
        ranks = np.floor(rankdata(expression[sample].to_numpy()))  # as.integer(rank(x))
        order = sorted(range(len(genes)), key=lambda i: -ranks[i])  # stable, decreasing
        for name, members in sets.items():
            inside = np.array([genes[i] in members for i in order])
            weights = np.array([ranks[i] for i in order]) ** alpha
            walk_in = np.cumsum(weights * inside) / np.sum(weights * inside)
            walk_out = np.cumsum(~inside) / np.sum(~inside)
            out.loc[name, sample] = float(np.sum(walk_in - walk_out))
    return out.T


def test_ssgsea_hand_checked_tiny_example() -> None:
    # one sample, genes ranked g1 > g2 > g3 > g4, set {g1, g3}
    expr = pd.DataFrame({"s1": [4.0, 3.0, 2.0, 1.0]}, index=["g1", "g2", "g3", "g4"])
    sets = {"S": ["g1", "g3"]}
    # alpha = 0: in-set ECDF .5 .5 1 1, out-set ECDF 0 .5 .5 1 -> differences sum to 1
    assert ssgsea(expr, sets, alpha=0, normalize=False, min_size=1).loc["s1", "S"] == 1.0
    # alpha = 1: weights 4 and 2 -> in-set 4/6 4/6 1 1; sum of differences 4/6+1/6+1/2 = 4/3
    got = ssgsea(expr, sets, alpha=1, normalize=False, min_size=1).loc["s1", "S"]
    assert got == pytest.approx(4 / 3)
    # alpha = 0.25: the sum is 2 * w1 / (w1 + w3) with w = rank ** 0.25
    w1, w3 = 4**0.25, 2**0.25
    got = ssgsea(expr, sets, alpha=0.25, normalize=False, min_size=1).loc["s1", "S"]
    assert got == pytest.approx(2 * w1 / (w1 + w3))


def test_ssgsea_set_at_bottom_is_negative_and_normalisation_divides_by_range() -> None:
    expr = pd.DataFrame(
        {"a": [4.0, 3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0, 4.0]}, index=["g1", "g2", "g3", "g4"]
    )
    raw = ssgsea(expr, {"top": ["g1", "g2"]}, alpha=0, normalize=False, min_size=1)
    # a: in .5 1 1 1, out 0 0 .5 1 -> 2; b: the mirror image -> -2
    assert raw["top"].tolist() == [2.0, -2.0]
    norm = ssgsea(expr, {"top": ["g1", "g2"]}, alpha=0, normalize=True, min_size=1)
    assert norm["top"].tolist() == [0.5, -0.5]


@pytest.mark.parametrize("alpha", [0.25, 1.0])
def test_ssgsea_matches_loop_reference_with_ties(alpha: float) -> None:
    rng = np.random.default_rng(7)
    genes = [f"G{i}" for i in range(60)]
    # integer values create many ties, the hard case for rank handling
    expr = pd.DataFrame(
        rng.integers(0, 8, size=(60, 5)).astype(float), index=genes, columns=list("ABCDE")
    )
    expr["E"] = rng.normal(size=60)
    sets = {
        f"set{k}": list(rng.choice(genes, size=size, replace=False))
        for k, size in enumerate([3, 10, 25, 59])
    }
    got = ssgsea(expr, sets, alpha=alpha, normalize=False, min_size=1)
    want = reference_ssgsea(expr, sets, alpha)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(dtype=float), rtol=1e-10, atol=1e-12)
    normalised = ssgsea(expr, sets, alpha=alpha, normalize=True, min_size=1)
    spread = want.to_numpy(dtype=float).max() - want.to_numpy(dtype=float).min()
    np.testing.assert_allclose(normalised.to_numpy(), want.to_numpy(dtype=float) / spread)


def test_ssgsea_score_depends_on_other_samples_only_when_normalised() -> None:
    rng = np.random.default_rng(1)
    genes = [f"G{i}" for i in range(100)]
    expr = pd.DataFrame(rng.normal(size=(100, 6)), index=genes, columns=[f"s{i}" for i in range(6)])
    extreme = expr.iloc[:, :1].copy()
    extreme.columns = ["outlier"]
    extreme.iloc[:20, 0] = 50.0 + np.arange(20)  # the set's genes at the very top
    sets = {"S": genes[:20], "T": genes[50:70]}
    alone = expr.iloc[:, :3]
    together = pd.concat([alone, extreme], axis=1)
    for normalize, same in ((False, True), (True, False)):
        a = ssgsea(alone, sets, normalize=normalize)
        b = ssgsea(together, sets, normalize=normalize)
        equal = np.allclose(a.to_numpy(), b.loc[alone.columns].to_numpy())
        assert equal is same


def test_score_modules_per_cohort_equals_scoring_each_cohort_alone() -> None:
    rng = np.random.default_rng(2)
    genes = [f"G{i}" for i in range(80)]
    expr = pd.DataFrame(rng.normal(size=(80, 8)), index=genes, columns=[f"s{i}" for i in range(8)])
    expr.iloc[:, 4:] *= 3.0  # the second cohort is on another scale
    cohorts = pd.Series(["x"] * 4 + ["y"] * 4, index=expr.columns)
    sets = {"S": genes[:10], "T": genes[10:30]}
    for method in ("ssgsea", "mean_z"):
        result = score_modules(expr, sets, method=method, cohorts=cohorts)
        assert result.per_cohort
        for label in ("x", "y"):
            part = expr.loc[:, cohorts == label]
            alone = score_modules(part, sets, method=method).scores
            pd.testing.assert_frame_equal(result.scores.loc[part.columns], alone)
    joint = score_modules(expr, sets, method="ssgsea").scores
    assert not np.allclose(joint.to_numpy(), result.scores.to_numpy())


def test_mean_zscore_hand_example() -> None:
    expr = pd.DataFrame(
        [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [5.0, 5.0, 8.0]],
        index=["a", "b", "c"],
        columns=["s1", "s2", "s3"],
    )
    # z (ddof=1) of a and b are both (-1, 0, 1): the mean is too
    got = mean_zscore(expr, {"AB": ["a", "b"]}, min_size=2)
    assert got["AB"].tolist() == pytest.approx([-1.0, 0.0, 1.0])
    # c: mean 6, sd sqrt(3) -> z (-1/sqrt3, -1/sqrt3, 2/sqrt3); mean with a
    got = mean_zscore(expr, {"AC": ["a", "c", "missing"]}, min_size=2)
    s3 = np.sqrt(3)
    assert got["AC"].tolist() == pytest.approx(
        [(-1 - 1 / s3) / 2, (0 - 1 / s3) / 2, (1 + 2 / s3) / 2]
    )


def test_mean_zscore_constant_gene_is_zero_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    expr = pd.DataFrame(
        [[1.0, 2.0, 3.0], [4.0, 4.0, 4.0], [0.0, 1.0, 0.0]],
        index=["a", "k", "o"],
        columns=list("xyz"),
    )
    with caplog.at_level(logging.WARNING, logger="netmarker.predict.features"):
        got = mean_zscore(expr, {"S": ["a", "k"]}, min_size=1)
    assert got["S"].tolist() == pytest.approx([-0.5, 0.0, 0.5])
    assert "constant" in caplog.text and "k" in caplog.text


def test_coverage_report_counts_missing_and_drops_small_sets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    genes = [f"G{i}" for i in range(20)]
    sets = {"big": [*genes[:8], "X1", "X2"], "small": ["G1", "G2", "X3"], "dup": ["G1"] * 3}
    with caplog.at_level(logging.WARNING, logger="netmarker.predict.features"):
        kept, coverage = match_gene_sets(genes, sets, min_size=3)
    assert list(kept) == ["big"]
    assert kept["big"] == genes[:8]
    row = coverage.set_index("set")
    assert row.loc["big", "n_missing"] == 2 and row.loc["big", "n_covered"] == 8
    assert row.loc["small", "n_missing"] == 1 and not row.loc["small", "kept"]
    assert row.loc["dup", "n_genes"] == 1  # duplicates counted once
    assert "3 gene-set members are not in the expression data" in caplog.text
    assert "dropped 2 of 3 gene sets" in caplog.text
    _, coverage = match_gene_sets(genes, {"S": genes[:10], "T": genes[:4]}, max_size=5, min_size=1)
    assert "max_size" in coverage.loc[0, "reason"] and coverage["kept"].tolist() == [False, True]


def test_score_modules_returns_coverage_and_rejects_unknown_method() -> None:
    expr = pd.DataFrame(np.arange(30.0).reshape(10, 3), index=[f"G{i}" for i in range(10)])
    expr.iloc[:, 1] = expr.iloc[::-1, 1].to_numpy()
    result = score_modules(expr, {"S": ["G1", "G2", "Z"]}, min_size=2)
    assert result.coverage.loc[0, "n_missing"] == 1
    assert result.scores.shape == (3, 1)  # samples x sets
    with pytest.raises(DataError, match="unknown method"):
        score_modules(expr, {"S": ["G1"]}, method="gsva")  # type: ignore[arg-type]


def test_gene_features_reports_missing(caplog: pytest.LogCaptureFixture) -> None:
    expr = pd.DataFrame([[1, 2], [3, 4], [5, 6]], index=["A", "B", "C"], columns=["s1", "s2"])
    with caplog.at_level(logging.WARNING, logger="netmarker.predict.features"):
        got = gene_features(expr, ["C", "NOPE", "A"])
    assert got.columns.tolist() == ["C", "A"] and got.dtypes.iloc[0] == np.float64
    assert "1 of 3 genes are not measured: NOPE" in caplog.text
    with pytest.raises(DataError, match="none of the 1 genes is measured: NOPE"):
        gene_features(expr, ["NOPE"])


def test_standardize_overall_and_per_cohort() -> None:
    feats = pd.DataFrame({"f": [1.0, 2.0, 3.0, 10.0, 20.0, 30.0]}, index=list("abcdef"))
    overall = standardize(feats)
    assert overall["f"].mean() == pytest.approx(0) and overall["f"].std(ddof=0) == pytest.approx(1)
    by = pd.Series(["x", "x", "x", "y", "y", "y"], index=list("abcdef"))
    per = standardize(feats, by)
    assert per["f"].tolist()[:3] == pytest.approx(per["f"].tolist()[3:])
    feats["flat"] = [1.0, 1.0, 1.0, 2.0, 3.0, 4.0]
    with pytest.raises(DataError, match="constant features in cohort 'x': flat"):
        standardize(feats, by)
    with pytest.raises(DataError, match="no cohort label for samples f"):
        standardize(feats, by.iloc[:5])


def test_bad_inputs_give_clear_errors() -> None:
    expr = pd.DataFrame(np.ones((4, 3)), index=["A", "B", "C", "D"], columns=["s1", "s2", "s3"])
    bad = expr.copy()
    bad.loc["B", "s2"] = np.nan
    with pytest.raises(DataError, match=r"missing or infinite values in genes B and samples s2"):
        ssgsea(bad, {"S": ["A"]}, min_size=1)
    with pytest.raises(DataError, match="no gene sets given"):
        ssgsea(expr, {})
    with pytest.raises(
        DataError, match=r"none of the 1 gene sets is usable: S \(fewer than min_size=1"
    ):
        ssgsea(expr, {"S": ["X", "Y"]}, min_size=1)
    with pytest.raises(DataError, match="duplicate genes: A"):
        ssgsea(expr.rename(index={"B": "A"}), {"S": ["A"]}, min_size=1)
    with pytest.raises(DataError, match="non-numeric"):
        ssgsea(expr.astype({"s1": str}), {"S": ["A"]}, min_size=1)
    with pytest.raises(DataError, match="all scores are equal"):
        ssgsea(expr.iloc[:, :1], {"S": ["A", "B"]}, min_size=1)
    with pytest.raises(DataError, match="must be a list of genes"):
        ssgsea(expr, {"S": "ABC"})  # type: ignore[dict-item]
    err = DataError("expression", "problem")
    assert isinstance(err, ValueError | InputError) and isinstance(err, NetmarkerError)
    assert str(err) == "expression: problem"


def organoid_expression(shared_data) -> pd.DataFrame:
    """Kong et al.'s CRC organoid expression (GSE64392, genes x organoids), read with pandas."""
    path = shared_data / "kong2020/organoid_COAD/expression/GSE64392_geneID_expression_median.txt"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    frame = pd.read_csv(path, sep="\t").drop(columns="uniprotID").set_index("geneID")
    frame.columns = [c.upper() for c in frame.columns]  # response tables spell P19a, P24a
    return frame


def reactome_sets(shared_data) -> dict[str, list[str]]:
    path = shared_data / "msigdb_reactome/msigdb_v6.1_c2.cp.reactome.symbols.gmt"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    fields = (line.rstrip("\n").split("\t") for line in path.read_text().splitlines())
    return {f[0]: f[2:] for f in fields}


@pytest.mark.realdata
def test_ssgsea_on_real_organoids_matches_reference(shared_data) -> None:
    expr = organoid_expression(shared_data)
    sets = reactome_sets(shared_data)
    scores = score_modules(expr, sets)
    assert scores.scores.shape == (22, int(scores.coverage["kept"].sum()))
    assert np.isfinite(scores.scores.to_numpy()).all()
    assert scores.coverage["n_missing"].sum() > 0  # a 12k-gene array misses some members
    some = {
        k: sets[k] for k in ["REACTOME_APOPTOSIS", "REACTOME_CELL_CYCLE", "REACTOME_DNA_REPAIR"]
    }
    small = expr.iloc[:, :3]
    got = ssgsea(small, some, normalize=False)
    covered = {k: [g for g in v if g in expr.index] for k, v in some.items()}
    np.testing.assert_allclose(
        got.to_numpy(), reference_ssgsea(small, covered, 0.25).to_numpy(float)
    )
