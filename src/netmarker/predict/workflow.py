"""The predictor workflow: store modules + expression + response -> model -> patients -> outcome.

Each step is one function over tables, so the CLI, the demo and notebooks call the same code:

* :func:`load_training_data` reads expression and response files and matches sample ids.
* :func:`train_drug_model` scores the drug's proximal modules, trains a predictor and gives
  it a verdict (:func:`netmarker.predict.validation.assess`); :func:`write_biomarkers`
  writes its coefficients back to the store as the drug's biomarker module when the verdict
  is *signal*.
* :class:`ModuleSelection` says which modules (network, z cutoff) and how they are scored
  (method, normalisation, minimum measured genes): one parameter object for every step.
* :func:`predict_cohort` applies a saved model to a new cohort's expression.
* :func:`evaluate_survival` splits patients into predicted responders / non-responders and
  tests the split against survival (log-rank), optionally clinical response.
* :func:`crossvalidate_with_baselines` is the preclinical LOOCV of the network model next to
  its baselines (drug targets, all pathways, random modules).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from netmarker._version import __version__
from netmarker.defaults import (
    DEFAULT_MIN_COVERAGE,
    DEFAULT_MIN_SIZE,
    DEFAULT_MIN_SPREAD,
    DEFAULT_Z_CUTOFF,
)
from netmarker.errors import DataError, NetmarkerError, NotFoundError
from netmarker.graph.store import GraphStore
from netmarker.ids.drugs import DrugSynonyms
from netmarker.ids.samples import IdMatch, match_ids
from netmarker.io.common import file_checksum
from netmarker.io.expression import read_expression
from netmarker.io.response import ResponseData, read_response
from netmarker.modules import proximal_modules, resolve_drug, resolve_network
from netmarker.predict.estimators import ModuleClassifier, ModuleRegressor, make_estimator
from netmarker.predict.evaluate import (
    cox_hazard_ratios,
    responder_groups,
    response_metrics,
    split_responders,
    survival_test,
)
from netmarker.predict.features import score_modules
from netmarker.predict.model import (
    DEFAULT_STANDARDIZE,
    Standardize,
    TrainedModel,
    biomarker_table,
    predict,
    train,
)
from netmarker.predict.scoring import module_scores
from netmarker.predict.validation import (
    DEFAULT_CV,
    DEFAULT_N_RANDOM,
    BaselineResult,
    assess,
    compare_baselines,
    cv_metrics,
)

log = logging.getLogger(__name__)

ScoreMethod = Literal["ssgsea", "mean_z"]
WritePolicy = Literal["signal", "always", "never"]


@dataclass(frozen=True)
class ModuleSelection:
    """Which of a drug's modules a model is built on, and how they are scored.

    One parameter object for every store-aware step (:func:`candidate_modules`,
    :func:`train_drug_model`, :func:`crossvalidate_with_baselines`,
    :func:`assess_drug_model`) and the CLI's ``--network``, ``--z-cutoff``, ``--score``,
    ``--min-size``. ``network``: the store's network (``None``: the only one);
    ``z_cutoff``: proximal modules have z at or below it; ``score_method``: ssGSEA or mean
    z-scored expression; ``normalize``: ssGSEA's range normalisation over the whole run;
    ``min_size``: fewest measured genes for a module to be scored. The defaults are
    :mod:`netmarker.defaults`'.
    """

    network: str | None = None
    z_cutoff: float = DEFAULT_Z_CUTOFF
    score_method: ScoreMethod = "ssgsea"
    normalize: bool = True
    min_size: int = DEFAULT_MIN_SIZE

    def __post_init__(self) -> None:
        if self.score_method not in ("ssgsea", "mean_z"):
            raise DataError("score_method", f"use 'ssgsea' or 'mean_z', got {self.score_method!r}")
        if isinstance(self.min_size, bool) or not isinstance(self.min_size, int):
            raise DataError("min_size", f"must be an integer, got {self.min_size!r}")
        if self.min_size < 1:
            raise DataError("min_size", f"must be >= 1, got {self.min_size}")


@dataclass
class TrainingData:
    """Expression (genes x samples) and one drug's response (by the same sample ids)."""

    expression: pd.DataFrame
    response: pd.Series
    drug: str
    match: IdMatch
    checksums: dict[str, str] = field(default_factory=dict)


def load_training_data(
    expression_path: str | Path,
    response_path: str | Path,
    drug: str,
    *,
    measure: str | None = None,
    synonyms: DrugSynonyms | None = None,
) -> TrainingData:
    """Read both files and pair ``drug``'s response samples with expression columns."""
    return training_data(
        read_expression(expression_path).matrix,
        read_response(response_path, synonyms=synonyms),
        drug,
        measure=measure,
        checksums={
            "expression": file_checksum(expression_path),
            "response": file_checksum(response_path),
        },
    )


def training_data(
    expression: pd.DataFrame,
    response: ResponseData,
    drug: str,
    *,
    measure: str | None = None,
    checksums: dict[str, str] | None = None,
) -> TrainingData:
    """Pick ``drug``'s values from ``response`` and match their samples to expression columns.

    Sample ids are matched exactly, then ignoring case and punctuation (organoid ``P19a`` vs
    ``P19A``); every unmatched id is logged. No matched sample is an error.
    """
    measure = response.resolve_measure(measure)  # lists the file's measures when wrong
    try:
        values = response.for_drug(drug, measure)
    except KeyError as exc:
        drugs = sorted(response.table["drug"].unique())
        raise NotFoundError(
            f"{response.report.path}: no response values for {drug!r} "
            f"({len(drugs)} drugs in the file)"
        ) from exc
    match = match_ids(values.index.astype(str), expression.columns.astype(str), kind="sample")
    log.info("samples: %s", match.summary())
    if match.n_matched == 0:
        raise NetmarkerError(
            f"no response sample of {drug} matches an expression column ({match.summary()})"
        )
    paired = match.to_available(values)
    return TrainingData(
        expression=expression.loc[:, list(paired.index)],
        response=paired.astype(float),
        drug=str(values.name),
        match=match,
        checksums=dict(checksums or {}),
    )


def candidate_modules(
    store: GraphStore, drug: str, selection: ModuleSelection = ModuleSelection()
) -> tuple[str, str, str, dict[str, list[str]]]:
    """(drug, network, module run id, modules) of the drug's proximal pathways in the store
    (``selection``'s network and z cutoff)."""
    name = resolve_drug(store, drug)
    net = resolve_network(store, selection.network)
    modules = proximal_modules(store, name, net, selection.z_cutoff)
    runs = sorted(set(store.proximity(name, net)["run"]))
    return name, net, ",".join(runs), modules


def drug_module_scores(
    store: GraphStore,
    drug: str,
    expression: Any,
    selection: ModuleSelection = ModuleSelection(),
    *,
    layer: str | None = None,
    key_added: str | None = None,
) -> pd.DataFrame:
    """Scores of ``drug``'s proximal modules in ``expression``: samples x modules.

    The notebook face of what ``netmarker features --drug`` scores: ``selection`` names the
    network and z cutoff of the modules and how they are scored;
    ``expression`` is **samples x genes** (a DataFrame, or an AnnData read from ``.X`` or
    ``layer``, whose ``.obsm[key_added]`` receives the scores), as
    :func:`netmarker.predict.scoring.module_scores` takes it.
    """
    _, _, _, modules = candidate_modules(store, drug, selection)
    return module_scores(
        expression,
        modules,
        method=selection.score_method,
        normalize=selection.normalize,
        min_size=selection.min_size,
        layer=layer,
        key_added=key_added,
    )


def source_pathways(store: GraphStore, source: str) -> dict[str, list[str]]:
    """Every pathway of gene-set ``source`` in the store, with its member genes."""
    members = store.members(source)
    if members.empty:
        sources = sorted(set(store.pathways()["source"]))
        raise NotFoundError(
            f"no pathways from source {source!r} in the store (sources: {', '.join(sources)})"
        )
    return {str(k): sorted(g["gene"]) for k, g in members.groupby("pathway")}


def module_features(
    store: GraphStore, data: TrainingData, selection: ModuleSelection = ModuleSelection()
) -> tuple[str, str, str, dict[str, list[str]], pd.DataFrame]:
    """(drug, network, module run, scored modules, samples x module scores) for ``data``."""
    drug, net, run, modules = candidate_modules(store, data.drug, selection)
    scores = score_modules(
        data.expression,
        modules,
        method=selection.score_method,
        normalize=selection.normalize,
        min_size=selection.min_size,
    )
    if scores.scores.empty:
        raise NetmarkerError(
            f"none of {drug}'s {len(modules)} proximal modules has >= {selection.min_size} "
            "measured genes"
        )
    scored = {m: modules[m] for m in scores.scores.columns}
    return drug, net, run, scored, scores.scores


def train_drug_model(
    store: GraphStore,
    data: TrainingData,
    *,
    estimator: ModuleRegressor | ModuleClassifier | None = None,
    selection: ModuleSelection = ModuleSelection(),
    cv: int | Literal["loo"] | None = DEFAULT_CV,
    permutations: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TrainedModel:
    """Train a predictor of ``data.response`` on the drug's proximal-module scores.

    The modules and their scoring are ``selection``'s. The predictor is ``estimator``
    (default: ``ModuleRegressor()``, ridge with top N by inner CV, seed 0): it is fitted
    (:func:`netmarker.predict.model.train`), cross-validated
    (``cv``; ``None`` skips it) and given a verdict
    (:func:`netmarker.predict.validation.assess`, ``permutations`` label permutations,
    default by method, ``progress(done, total)`` called as they complete), three separate
    steps over the same estimator. The model's metadata records everything needed to
    reproduce and apply it: drug, network, module run, all candidate modules with their genes
    (patients are scored on the same modules), scoring options, training samples, input
    checksums, version, seed and the verdict. Nothing is written to the store: save the
    model, then call :func:`write_biomarkers`.
    """
    if estimator is None:
        estimator = make_estimator()
    seed = int(estimator.random_state or 0)
    drug, net, run, scored, features = module_features(store, data, selection)
    metadata = {
        "drug": drug,
        "network": net,
        "module_run": run,
        "z_cutoff": selection.z_cutoff,
        "modules": scored,
        "score_method": selection.score_method,
        "normalize": selection.normalize,
        "min_size": selection.min_size,
        # genes of each module measured in training: predict_cohort checks new cohorts against it
        "module_coverage": {m: len(genes) for m, genes in measured_genes(data, scored).items()},
        "response_sd": float(data.response.std(ddof=0)),
        "input_checksums": data.checksums,
        "netmarker_version": __version__,
        "seed": seed,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "unmatched_samples": {
            "response": data.match.unmatched_wanted,
            "expression": data.match.unmatched_available,
        },
    }
    model = train(features, data.response, estimator=estimator, metadata=metadata)
    if cv is not None:
        model.cv_metrics = cv_metrics(estimator, features, data.response, cv=cv)
    model.metadata["model_id"] = model_id(model)
    model.metadata["verdict"] = assess(
        estimator, features, data.response, n_permutations=permutations, progress=progress
    )
    return model


def verdict_of(model: TrainedModel) -> str:
    """The model's verdict (``"signal"``, ``"no signal"``, ``"degenerate"``), or
    ``"not assessed"`` for models saved before netmarker gave verdicts."""
    verdict = model.metadata.get("verdict")
    return str(verdict.get("verdict")) if isinstance(verdict, dict) else "not assessed"


def write_biomarkers(store: GraphStore, model: TrainedModel, policy: WritePolicy = "signal") -> int:
    """Write the model's coefficients as the drug's BIOMARKER module; the number written.

    ``policy="signal"`` writes only for a model whose verdict is *signal* (noise is never
    stored as a finding); ``"always"`` writes whatever the verdict; ``"never"`` writes nothing.
    Call it after the model is saved, so a failed save leaves the store untouched.
    """
    if policy not in ("signal", "always", "never"):
        raise NetmarkerError(f"unknown biomarker write policy {policy!r}: signal, always, never")
    if policy == "never" or (policy == "signal" and verdict_of(model) != "signal"):
        return 0
    drug = model.metadata["drug"]
    table = biomarker_table(model).assign(drug=drug, model_id=model.metadata["model_id"])
    store.write_biomarkers(table)
    return len(table)


def model_id(model: TrainedModel) -> str:
    """A short id from the model's content (drug, features, coefficients)."""
    key = json.dumps(
        [model.metadata.get("drug"), model.feature_names, np.round(model.coefficients, 12).tolist()]
    )
    return "model-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def measured_genes(data: TrainingData, modules: dict[str, list[str]]) -> dict[str, list[str]]:
    """Genes of each module measured in ``data``'s expression matrix."""
    measured = set(data.expression.index)
    return {m: [g for g in dict.fromkeys(genes) if g in measured] for m, genes in modules.items()}


def module_coverage(
    model: TrainedModel,
    expression: pd.DataFrame,
    *,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
) -> pd.DataFrame:
    """Per candidate module: genes measured in training vs in ``expression`` (genes x samples).

    A module is scored only under the training rule (at least the model's ``min_size``
    measured genes); a model feature is *covered* when it is scored and keeps at least
    ``min_coverage`` of the genes it had measured in training. Columns: ``module``,
    ``feature`` (used by the model), ``n_genes``, ``measured_training`` (NaN for models
    saved before netmarker recorded it), ``measured_now``, ``coverage`` (now / training),
    ``scored``, ``covered``, ``problem``.
    """
    meta = model.metadata
    if "modules" not in meta:
        raise NetmarkerError("the model has no module definitions (train it with netmarker)")
    if not 0 <= min_coverage <= 1:
        raise DataError("min_coverage", f"must be between 0 and 1, got {min_coverage}")
    _check_genes_by_samples(model, expression)
    min_size = int(meta.get("min_size", 5))
    training = meta.get("module_coverage") or {}
    measured = set(expression.index.astype(str))
    features = set(model.feature_names)
    rows = []
    for name, genes in meta["modules"].items():
        unique = list(dict.fromkeys(genes))
        now = sum(g in measured for g in unique)
        before = training.get(name)
        share = now / before if before else float("nan")
        scored = now >= min_size
        problem = ""
        if not scored:
            problem = f"{now} measured genes, fewer than the {min_size} required in training"
        elif before and share < min_coverage:
            problem = f"{now} of {before} training genes measured ({share:.0%})"
        rows.append(
            {
                "module": name,
                "feature": name in features,
                "n_genes": len(unique),
                "measured_training": float(before) if before is not None else float("nan"),
                "measured_now": now,
                "coverage": share,
                "scored": scored,
                "covered": scored and not problem,
                "problem": problem,
            }
        )
    table = pd.DataFrame(rows)
    lost = table[table["feature"] & ~table["covered"]]
    if not lost.empty:
        listed = "; ".join(f"{r.module} ({r.problem})" for r in lost.head(5).itertuples())
        more = f"; and {len(lost) - 5} more" if len(lost) > 5 else ""
        raise NetmarkerError(
            f"{len(lost)} of the model's {len(features)} features are not covered by this "
            f"expression data: {listed}{more}. Modules are scored only with >= {min_size} "
            f"measured genes, as in training, and each feature needs >= {min_coverage:.0%} of "
            "its training genes (--min-coverage)"
        )
    return table


def _check_genes_by_samples(model: TrainedModel, expression: pd.DataFrame) -> None:
    """Stop on a samples x genes matrix: module genes in the columns, not in the index."""
    genes = {g for members in model.metadata["modules"].values() for g in members}
    in_rows = int(expression.index.astype(str).isin(genes).sum())
    in_columns = int(expression.columns.astype(str).isin(genes).sum())
    if in_columns > in_rows:
        raise DataError(
            "expression",
            f"looks transposed: {in_columns} column names are genes of the model's modules "
            f"and {in_rows} row ids are; pass genes x samples",
        )
    as_rows = int(expression.index.astype(str).isin(set(model.training_samples)).sum())
    if as_rows > in_rows:
        raise DataError(
            "expression",
            f"looks transposed: {as_rows} row ids are the model's training samples; "
            "pass genes x samples",
        )


def predict_cohort(
    model: TrainedModel,
    expression: pd.DataFrame,
    *,
    standardize: Standardize = DEFAULT_STANDARDIZE,
    rule: Literal["median"] | float = "median",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    min_spread: float = DEFAULT_MIN_SPREAD,
) -> pd.DataFrame:
    """Score the model's modules in ``expression`` (genes x samples) and predict response.

    Candidate modules are scored under the training rule (the model's ``min_size``), so
    ssGSEA's run-wide normalisation sees the same modules; a model feature that is not
    covered (:func:`module_coverage`) stops with an error naming it. ``standardize="cohort"``
    z-scores this cohort on its own (the default for patients: another platform, another
    cohort). Responders are the samples predicted at or below the median (lower predicted
    IC50 = more sensitive), or the threshold ``rule``; for logistic models, probability at or
    above it. A median split is refused when the predictions' SD is below ``min_spread`` x
    the training response's SD: the split would separate noise.
    Columns: ``sample``, ``predicted``, ``predicted_responder``, ``method``, ``model_id``.
    """
    meta = model.metadata
    coverage = module_coverage(model, expression, min_coverage=min_coverage)
    scored = coverage.loc[coverage["scored"], "module"].tolist()
    scores = score_modules(
        expression,
        {m: meta["modules"][m] for m in scored},
        method=meta["score_method"],
        normalize=meta["normalize"],
        min_size=int(meta.get("min_size", 5)),
    )
    predicted = predict(model, scores.scores, standardize=standardize)
    logistic = model.method == "logistic"
    if rule == "median" and not logistic:
        check_spread(predicted, meta.get("response_sd"), min_spread)
    responder = split_responders(
        predicted, 0.5 if logistic and rule == "median" else rule, lower_is_responder=not logistic
    )
    return pd.DataFrame(
        {
            "sample": predicted.index,
            "predicted": predicted.to_numpy(),
            "predicted_responder": responder.to_numpy(),
            "method": model.method,
            "model_id": model.metadata.get("model_id", ""),
            # every prediction carries the model's verdict: "no signal" must travel with it
            "model_verdict": verdict_of(model),
        }
    )


def spread_problem(
    predicted: pd.Series, response_sd: float | None, min_spread: float = DEFAULT_MIN_SPREAD
) -> str | None:
    """Why a median split of ``predicted`` would separate noise, or None when it would not.

    The spread is judged against the training response's SD (``response_sd``, in the model's
    metadata); without it only constant predictions are a problem.
    """
    sd = float(predicted.std(ddof=0))
    if not np.isfinite(sd) or sd == 0:
        return "the predictions are the same for every sample: a median split would be arbitrary"
    if response_sd is not None and sd < min_spread * response_sd:
        return (
            f"the predictions barely vary (SD {sd:.3g}, {sd / response_sd:.1%} of the training "
            f"response's SD {response_sd:.3g}; --min-spread {min_spread:g}): a median split "
            "would separate noise, not predicted responders. The model has no usable signal "
            "for this cohort"
        )
    return None


def check_spread(predicted: pd.Series, response_sd: float | None, min_spread: float) -> None:
    """Refuse a median split of predictions whose spread is negligible (noise, not groups)."""
    problem = spread_problem(predicted, response_sd, min_spread)
    if problem:
        raise NetmarkerError(problem)
    if response_sd is None:
        log.warning(
            "the model does not record its training response's spread (saved by an older "
            "netmarker); the median split cannot be checked for negligible spread"
        )


@dataclass
class SurvivalEvaluation:
    """Predicted responders vs outcome: the log-rank test, response metrics, matched table."""

    survival: dict[str, Any]
    table: pd.DataFrame
    match: IdMatch
    response: dict[str, Any] | None = None
    cox: dict[str, Any] | None = None


def evaluate_survival(
    predictions: pd.DataFrame,
    clinical: pd.DataFrame,
    *,
    responders: pd.DataFrame | None = None,
    covariates: pd.DataFrame | None = None,
) -> SurvivalEvaluation:
    """Test predicted responders against survival (and clinical response when given).

    ``predictions``: sample, predicted, predicted_responder. ``clinical``: patient,
    time_months, event. ``responders``: patient, responder (observed). ``covariates``:
    columns by patient (index) that adjust the Cox models (:func:`cox_hazard_ratios`).
    Samples are matched to patients on TCGA patient barcodes (first 12 characters) or
    exact ids. The survival result is the log-rank test; ``cox`` holds the hazard ratios.
    """
    match = match_ids(
        clinical["patient"].astype(str), predictions["sample"].astype(str), kind="patient"
    )
    if match.n_matched < 4:
        raise NetmarkerError(
            f"too few predicted samples match clinical patients: {match.summary()}"
        )
    by_sample = predictions.set_index("sample")
    rows = [(patient, sample) for patient, sample in match.pairs]
    clin = clinical.drop_duplicates("patient").set_index("patient")
    table = pd.DataFrame(
        {
            "patient": [p for p, _ in rows],
            "sample": [s for _, s in rows],
            "predicted": [by_sample.loc[s, "predicted"] for _, s in rows],
            "predicted_responder": [bool(by_sample.loc[s, "predicted_responder"]) for _, s in rows],
            "time_months": [clin.loc[p, "time_months"] for p, _ in rows],
            "event": [clin.loc[p, "event"] for p, _ in rows],
        }
    ).dropna(subset=["time_months", "event"])
    groups = responder_groups(table.set_index("patient")["predicted_responder"])
    survival = survival_test(
        groups,
        table.set_index("patient")["time_months"],
        table.set_index("patient")["event"].astype(int),
    )
    names: list[str] = []
    if covariates is not None:
        names = [str(c) for c in covariates.columns]
        table = table.join(covariates, on="patient")
    cox = cox_hazard_ratios(table.set_index("patient"), covariates=names)
    response = None
    if responders is not None:
        observed = responders.drop_duplicates("patient").set_index("patient")["responder"]
        both = table[table["patient"].isin(observed.index)]
        if len(both) >= 4:
            response = response_metrics(
                both.set_index("patient")["predicted_responder"],
                observed.loc[both["patient"]].astype(bool).set_axis(both["patient"]),
                scores=both.set_index("patient")["predicted"],
                higher_score_responds=model_is_logistic(predictions),
            )
    return SurvivalEvaluation(
        survival=survival, table=table, match=match, response=response, cox=cox
    )


def crossvalidate_with_baselines(
    store: GraphStore,
    data: TrainingData,
    *,
    estimator: ModuleRegressor | ModuleClassifier | None = None,
    selection: ModuleSelection = ModuleSelection(),
    n_random: int = DEFAULT_N_RANDOM,
    progress: Callable[[int, int], None] | None = None,
) -> BaselineResult:
    """LOOCV of the network model and of its baselines on the same samples and folds.

    :func:`netmarker.predict.validation.compare_baselines` of ``estimator`` (default:
    ``ModuleRegressor()``) on ``selection``'s modules. ``progress(done, n_random)`` is
    called after each random-module draw. Modules (and pathways, and random modules) need
    ``selection.min_size`` measured genes and are scored the same way.
    """
    if estimator is None:
        estimator = make_estimator()
    drug, _, _, modules = candidate_modules(store, data.drug, selection)
    # the targets baseline needs a measured target; without one it is left out (and logged)
    targets = [g for g in sorted(set(store.targets(drug)["gene"])) if g in data.expression.index]
    if not targets:
        log.warning("%s: no drug target is measured; the drug-targets baseline is left out", drug)
    members = store.members()
    all_pathways = {str(k): sorted(g["gene"]) for k, g in members.groupby("pathway")}
    return compare_baselines(
        estimator,
        data.expression.T,
        data.response,
        modules,
        targets=targets or None,
        all_pathways=all_pathways,
        n_random=n_random,
        cv=DEFAULT_CV,
        score_method=selection.score_method,
        normalize=selection.normalize,
        min_size=selection.min_size,
        progress=progress,
    )


def assess_drug_model(
    store: GraphStore,
    data: TrainingData,
    *,
    estimator: ModuleRegressor | ModuleClassifier | None = None,
    selection: ModuleSelection = ModuleSelection(),
    permutations: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The verdict (:func:`netmarker.predict.validation.assess`) on the drug's network model
    (``estimator``, default ``ModuleRegressor()``) over ``selection``'s modules."""
    if estimator is None:
        estimator = make_estimator()
    features = module_features(store, data, selection)[-1]
    return assess(
        estimator, features, data.response, n_permutations=permutations, progress=progress
    )


def model_is_logistic(predictions: pd.DataFrame) -> bool:
    """Logistic models predict probabilities (higher = responds); the others IC50-like values."""
    return "method" in predictions and bool((predictions["method"] == "logistic").all())
