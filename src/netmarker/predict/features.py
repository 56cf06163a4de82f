"""Expression -> module features: ssGSEA, mean z-score, single-gene features, standardisation.

Conventions: expression matrices are **genes x samples** (index = gene symbols, columns =
sample ids, as GSVA reads them) and every scoring function here returns **samples x
features** (as scikit-learn, decoupler and AnnData), the orientation the predictors
(``netmarker.predict.model``) and :func:`standardize` take.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import rankdata

from netmarker.errors import DataError

log = logging.getLogger(__name__)

#: columns of the gene-set coverage report
COVERAGE_COLUMNS = ["set", "n_genes", "n_covered", "n_missing", "kept", "reason"]

_SAMPLE_BLOCK = 256  # samples scored per block: bounds memory at ~6 x n_genes x 256 floats


def preview(items: Collection[object], limit: int = 5) -> str:
    """The first ``limit`` items, comma-separated, with a count of the rest (for messages)."""
    shown = ", ".join(str(x) for x in list(items)[:limit])
    more = len(items) - limit
    return f"{shown}, ... ({more} more)" if more > 0 else shown


def check_matrix(
    frame: pd.DataFrame, what: str, *, rows: str = "rows", columns: str = "columns"
) -> np.ndarray:
    """Validate a numeric matrix (unique labels, no NaN / inf, not empty); return it as float64.

    ``what`` names the data in error messages (e.g. ``"expression"``); ``rows`` and ``columns``
    say what the axes hold (e.g. ``"genes"``, ``"samples"``).
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(what, f"expected a pandas DataFrame, got {type(frame).__name__}")
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise DataError(what, f"is empty ({frame.shape[0]} {rows} x {frame.shape[1]} {columns})")
    for axis, name in ((frame.index, rows), (frame.columns, columns)):
        if axis.has_duplicates:
            dups = axis[axis.duplicated()].unique().tolist()
            raise DataError(what, f"duplicate {name}: {preview(dups)}")
    non_numeric = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if non_numeric:
        raise DataError(what, f"non-numeric values in {columns} {preview(non_numeric)}")
    values = frame.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        bad_rows = frame.index[bad.any(axis=1)].tolist()
        bad_cols = frame.columns[bad.any(axis=0)].tolist()
        raise DataError(
            what,
            f"{int(bad.sum())} missing or infinite values in {rows} {preview(bad_rows)} "
            f"and {columns} {preview(bad_cols)}",
        )
    return values


def match_gene_sets(
    genes: Sequence[str] | pd.Index,
    gene_sets: Mapping[str, Sequence[str]],
    *,
    min_size: int = 5,
    max_size: int | None = None,
) -> tuple[dict[str, list[str]], pd.DataFrame]:
    """Restrict gene sets to the measured ``genes``; drop sets outside ``[min_size, max_size]``.

    Returns the kept sets (members in first-seen order, duplicates removed) and a coverage
    report with columns :data:`COVERAGE_COLUMNS`, one row per input set. Missing genes and
    dropped sets are logged as warnings, never dropped silently. Raises :class:`DataError`
    when no sets are given or none survives.
    """
    if not gene_sets:
        raise DataError("gene sets", "no gene sets given (empty module set)")
    if min_size < 1:
        raise DataError("gene sets", f"min_size must be >= 1, got {min_size}")
    universe = pd.Index(genes)
    measured = set(universe)
    kept: dict[str, list[str]] = {}
    rows = []
    for name, members in gene_sets.items():
        if isinstance(members, str):
            raise DataError("gene sets", f"set {name!r} must be a list of genes, not a string")
        unique = list(dict.fromkeys(members))
        covered = [g for g in unique if g in measured]
        n_cov = len(covered)
        reason = ""
        if n_cov < min_size:
            reason = f"fewer than min_size={min_size} measured genes"
        elif max_size is not None and n_cov > max_size:
            reason = f"more than max_size={max_size} measured genes"
        elif n_cov >= len(universe):
            reason = "covers every measured gene (no genes outside the set)"
        if not reason:
            kept[name] = covered
        rows.append((name, len(unique), n_cov, len(unique) - n_cov, not reason, reason))
    coverage = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    n_missing = int(coverage["n_missing"].sum())
    if n_missing:
        log.warning(
            "%d gene-set members are not in the expression data (%d of %d sets affected)",
            n_missing,
            int((coverage["n_missing"] > 0).sum()),
            len(coverage),
        )
    dropped = coverage.loc[~coverage["kept"]]
    if len(dropped):
        log.warning(
            "dropped %d of %d gene sets: %s",
            len(dropped),
            len(coverage),
            preview([f"{s} ({r})" for s, r in zip(dropped["set"], dropped["reason"], strict=True)]),
        )
    if not kept:
        reasons = [f"{s} ({r})" for s, r in zip(coverage["set"], coverage["reason"], strict=True)]
        raise DataError(
            "gene sets",
            f"none of the {len(coverage)} gene sets is usable: {preview(reasons, 3)} "
            "— check the gene identifiers (HGNC symbols?) and min_size",
        )
    return kept, coverage


def membership_matrix(genes: pd.Index, sets: Mapping[str, list[str]]) -> sparse.csr_matrix:
    """Sparse 0/1 matrix sets x genes."""
    position = pd.Series(np.arange(len(genes)), index=genes)
    rows = np.concatenate([np.full(len(m), i) for i, m in enumerate(sets.values())])
    cols = np.concatenate([position.loc[m].to_numpy() for m in sets.values()])
    data = np.ones(len(rows))
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(sets), len(genes)))


def ssgsea_raw(values: np.ndarray, membership: sparse.csr_matrix, alpha: float) -> np.ndarray:
    """Unnormalised ssGSEA scores (sets x samples) for a genes x samples array.

    Uses the closed form of the running sum: for a walk whose increments are ``x_i`` at
    positions ``i = 1..n``, ``sum_i cumsum(x)_i = sum_i x_i (n - i + 1)``. So each score is
    ``sum_S w c / sum_S w - (n(n+1)/2 - sum_S c) / (n - k)`` with ``c`` the gene's position
    counted from the bottom of the ranking — three sparse matrix products, no per-set loop.
    """
    n, m = values.shape
    sizes = np.asarray(membership.sum(axis=1)).ravel()[:, None]
    total = n * (n + 1) / 2.0
    out = np.empty((membership.shape[0], m))
    for start in range(0, m, _SAMPLE_BLOCK):
        block = values[:, start : start + _SAMPLE_BLOCK]
        # GSVA ranks with as.integer(rank(x)): average ranks of ties, truncated
        ranks = np.floor(rankdata(block, axis=0, method="average"))
        # R's order(decreasing=TRUE) is stable: tied genes keep their input order
        order = np.argsort(-ranks, axis=0, kind="stable")
        from_bottom = np.empty_like(order)
        np.put_along_axis(from_bottom, order, np.arange(n, 0, -1)[:, None], axis=0)
        weights = ranks**alpha
        in_weighted = membership @ (weights * from_bottom)
        in_weight = membership @ weights
        in_position = membership @ from_bottom
        out[:, start : start + block.shape[1]] = in_weighted / in_weight - (total - in_position) / (
            n - sizes
        )
    return out


def normalize_range(scores: np.ndarray) -> np.ndarray:
    """Divide all scores by their range (max - min over the whole run), as GSVA does."""
    spread = float(scores.max() - scores.min())
    if spread <= 0:
        raise DataError(
            "ssGSEA scores",
            "cannot normalise: all scores are equal (score more samples or sets together, "
            "or use normalize=False)",
        )
    return scores / spread


def ssgsea(
    expression: pd.DataFrame,
    gene_sets: Mapping[str, Sequence[str]],
    *,
    alpha: float = 0.25,
    normalize: bool = True,
    min_size: int = 5,
    max_size: int | None = None,
) -> pd.DataFrame:
    """Single-sample GSEA (Barbie et al. 2009) as in GSVA's ``method="ssgsea"``.

    Genes are ranked within each sample; the score of a set is the sum over the ranking of
    the difference between the weighted ECDF of the set's genes (weight ``rank**alpha``) and
    the ECDF of the other genes. With ``normalize=True`` all scores are divided by their
    range over the whole run (GSVA's default), so a sample's score depends on which other
    samples and sets are scored with it; ``normalize=False`` gives per-sample scores.

    ``expression`` is genes x samples; returns samples x sets. Missing genes and dropped
    sets are logged (see :func:`match_gene_sets`; :func:`score_modules` returns the report).
    """
    return _ssgsea(expression, gene_sets, alpha, normalize, min_size, max_size)[0]


def _ssgsea(
    expression: pd.DataFrame,
    gene_sets: Mapping[str, Sequence[str]],
    alpha: float,
    normalize: bool,
    min_size: int,
    max_size: int | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    if alpha < 0:
        raise DataError("ssGSEA", f"alpha must be >= 0, got {alpha}")
    values = check_matrix(expression, "expression", rows="genes", columns="samples")
    sets, coverage = match_gene_sets(
        expression.index, gene_sets, min_size=min_size, max_size=max_size
    )
    scores = ssgsea_raw(values, membership_matrix(expression.index, sets), alpha)
    if normalize:
        scores = normalize_range(scores)
    result = pd.DataFrame(
        scores.T, index=expression.columns, columns=pd.Index(list(sets), name="set")
    )
    return result, coverage


def zscore_genes(expression: pd.DataFrame) -> pd.DataFrame:
    """Z-score each gene across samples (ddof=1); constant genes get 0 and a logged warning."""
    values = check_matrix(expression, "expression", rows="genes", columns="samples")
    if values.shape[1] < 2:
        raise DataError("expression", "z-scores need at least 2 samples")
    sd = values.std(axis=1, ddof=1, keepdims=True)
    constant = sd.ravel() == 0
    if constant.any():
        log.warning(
            "%d genes are constant across samples; their z-score is set to 0: %s",
            int(constant.sum()),
            preview(expression.index[constant].tolist()),
        )
    sd[constant] = 1.0
    z = (values - values.mean(axis=1, keepdims=True)) / sd
    return pd.DataFrame(z, index=expression.index, columns=expression.columns)


def mean_zscore(
    expression: pd.DataFrame,
    gene_sets: Mapping[str, Sequence[str]],
    *,
    min_size: int = 5,
    max_size: int | None = None,
) -> pd.DataFrame:
    """Mean z-scored expression of each set's members (genes z-scored across samples).

    ``expression`` is genes x samples; returns samples x sets. Scores depend on the samples
    scored together (z-scores). Missing genes and dropped sets are logged.
    """
    return _mean_zscore(expression, gene_sets, min_size, max_size)[0]


def _mean_zscore(
    expression: pd.DataFrame,
    gene_sets: Mapping[str, Sequence[str]],
    min_size: int,
    max_size: int | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    z = zscore_genes(expression)
    sets, coverage = match_gene_sets(z.index, gene_sets, min_size=min_size, max_size=max_size)
    membership = membership_matrix(z.index, sets)
    sizes = np.asarray(membership.sum(axis=1))
    scores = (membership @ z.to_numpy()) / sizes
    result = pd.DataFrame(scores.T, index=z.columns, columns=pd.Index(list(sets), name="set"))
    return result, coverage


def gene_features(expression: pd.DataFrame, genes: Sequence[str]) -> pd.DataFrame:
    """Expression of single genes as features (samples x genes), e.g. a drug-targets baseline.

    Genes absent from the expression are logged with their count; raises
    :class:`DataError` when none is measured.
    """
    check_matrix(expression, "expression", rows="genes", columns="samples")
    if isinstance(genes, str):
        raise DataError("genes", "expected a list of gene symbols, not a single string")
    wanted = list(dict.fromkeys(genes))
    if not wanted:
        raise DataError("genes", "no genes given")
    present = [g for g in wanted if g in expression.index]
    missing = [g for g in wanted if g not in expression.index]
    if not present:
        raise DataError("genes", f"none of the {len(wanted)} genes is measured: {preview(missing)}")
    if missing:
        log.warning(
            "%d of %d genes are not measured: %s", len(missing), len(wanted), preview(missing)
        )
    result = expression.loc[present].astype(np.float64)
    result.index.name = "gene"
    return result.T


@dataclass(frozen=True)
class ModuleScores:
    """Module features (samples x sets) with how they were made and the gene coverage."""

    scores: pd.DataFrame
    coverage: pd.DataFrame
    method: str
    normalize: bool
    per_cohort: bool


def score_modules(
    expression: pd.DataFrame,
    modules: Mapping[str, Sequence[str]],
    *,
    method: Literal["ssgsea", "mean_z"] = "ssgsea",
    normalize: bool = True,
    cohorts: pd.Series | None = None,
    alpha: float = 0.25,
    min_size: int = 5,
    max_size: int | None = None,
) -> ModuleScores:
    """Score gene modules in every sample, optionally each cohort on its own.

    ``method="ssgsea"`` (with ``normalize`` and ``alpha`` as in :func:`ssgsea`) or
    ``"mean_z"`` (:func:`mean_zscore`; ``normalize`` is ignored). With ``cohorts`` (a
    Series sample -> cohort label covering every sample) each cohort is scored separately,
    so the run-wide parts (ssGSEA range normalisation, z-scores) are computed per cohort and
    a cohort's scores never depend on another cohort's samples.
    """
    if method not in ("ssgsea", "mean_z"):
        raise DataError("score_modules", f"unknown method {method!r}; use 'ssgsea' or 'mean_z'")

    def run(expr: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        if method == "ssgsea":
            return _ssgsea(expr, modules, alpha, normalize, min_size, max_size)
        return _mean_zscore(expr, modules, min_size, max_size)

    if cohorts is None:
        scores, coverage = run(expression)
    else:
        labels = _cohort_labels(cohorts, expression.columns)
        parts = [run(expression.loc[:, labels == c]) for c in pd.unique(labels)]
        # coverage depends only on which genes are measured, the same in every cohort
        coverage = parts[0][1]
        scores = pd.concat([p[0] for p in parts], axis=0).loc[expression.columns]
    return ModuleScores(
        scores=scores,
        coverage=coverage,
        method=method,
        normalize=normalize and method == "ssgsea",
        per_cohort=cohorts is not None,
    )


def _cohort_labels(cohorts: pd.Series, samples: pd.Index) -> np.ndarray:
    missing = samples.difference(cohorts.index)
    if len(missing):
        raise DataError("cohorts", f"no cohort label for samples {preview(missing.tolist())}")
    labels = cohorts.reindex(samples)
    if labels.isna().any():
        raise DataError(
            "cohorts",
            f"missing cohort label for samples {preview(samples[labels.isna()].tolist())}",
        )
    return labels.to_numpy()


def standardize(
    features: pd.DataFrame, by: pd.Series | None = None, *, ddof: int = 0
) -> pd.DataFrame:
    """Z-score each feature (column) of a samples x features table, per cohort if ``by`` given.

    ``by`` maps sample -> cohort label; each cohort is centred and scaled on its own (as when
    a predictor is applied to a new patient cohort). Raises :class:`DataError` naming
    features that are constant within a cohort.
    """
    values = check_matrix(features, "features", rows="samples", columns="features")
    groups = np.zeros(len(features)) if by is None else _cohort_labels(by, features.index)
    out = np.empty_like(values)
    for label in pd.unique(groups):
        rows = groups == label
        block = values[rows]
        if block.shape[0] < 2:
            raise DataError("features", f"cohort {label!r} has fewer than 2 samples to standardise")
        sd = block.std(axis=0, ddof=ddof)
        if (sd == 0).any():
            constant = features.columns[sd == 0].tolist()
            where = "" if by is None else f" in cohort {label!r}"
            raise DataError("features", f"constant features{where}: {preview(constant)}")
        out[rows] = (block - block.mean(axis=0)) / sd
    return pd.DataFrame(out, index=features.index, columns=features.columns)
