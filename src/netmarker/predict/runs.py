"""File-to-file steps: what ``netmarker features|train|cv|predict`` each do, as one call.

Each function reads the command's input files, runs the store-aware steps of
:mod:`netmarker.predict.workflow` and writes the command's outputs (atomically, after
everything is computed), then returns what it did, so that the CLI only parses, calls one
function and prints, and the demo and the reproduction call the same code:

* :func:`score_files`: a drug's proximal modules (or every pathway of a source) scored in
  every sample of an expression file; the scores and the sets scored together.
* :func:`train_files`: a model of one drug's response, saved as JSON; its biomarkers
  written to the store only after the save, and only as the policy allows.
* :func:`crossvalidate_files`: the network model's LOOCV next to its baselines, and its
  verdict.
* :func:`predict_files`: a saved model applied to a new cohort, with its gene coverage.

``progress(stage, done, total)`` is called as long steps advance (``total`` None: not known
yet); ``stage`` names the step, so a caller can show one progress bar per stage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from netmarker.defaults import DEFAULT_MIN_COVERAGE, DEFAULT_MIN_SPREAD
from netmarker.errors import DataError
from netmarker.graph.store import GraphStore
from netmarker.ids.drugs import DrugSynonyms
from netmarker.ids.samples import IdMatch
from netmarker.io.drugbank import read_drugbank_synonyms
from netmarker.io.expression import read_expression
from netmarker.io.gdc import read_gdc_files
from netmarker.io.output import write_table
from netmarker.predict.estimators import ModuleClassifier, ModuleRegressor, make_estimator
from netmarker.predict.features import ModuleScores, score_modules
from netmarker.predict.model import (
    DEFAULT_STANDARDIZE,
    Standardize,
    TrainedModel,
    load_model,
    save_model,
)
from netmarker.predict.validation import DEFAULT_N_RANDOM, BaselineResult, is_nominal_p
from netmarker.predict.workflow import (
    ModuleSelection,
    TrainingData,
    WritePolicy,
    assess_drug_model,
    candidate_modules,
    crossvalidate_with_baselines,
    load_training_data,
    module_coverage,
    predict_cohort,
    source_pathways,
    train_drug_model,
    verdict_of,
    write_biomarkers,
)

log = logging.getLogger(__name__)

#: ``progress(stage, done, total)``: the step's name, how far it is, its size (None: unknown)
StageProgress = Callable[[str, int, int | None], None]
Estimator = ModuleRegressor | ModuleClassifier


def _stage(
    progress: StageProgress | None, stage: str, total: int | None = None
) -> Callable[[int, int], None] | None:
    """A ``progress(done, total)`` callback of the workflow, reporting as ``stage``."""
    if progress is None:
        return None
    progress(stage, 0, total)  # the stage has started (``total`` None: size not known yet)
    return lambda done, total: progress(stage, done, total)


def read_cohort_expression(
    path: str | Path, sample_sheet: str | Path | None = None
) -> pd.DataFrame:
    """Genes x samples from a matrix file, or from GDC per-case files plus their sample sheet."""
    if sample_sheet is not None:
        return read_gdc_files(Path(path), sample_sheet).matrix
    return read_expression(path).matrix


def sets_path(out: str | Path) -> Path:
    """Where :func:`score_files` lists the sets scored together: ``OUT.sets.tsv`` beside ``out``."""
    out = Path(out)
    return out.with_name(out.name.removesuffix(".tsv") + ".sets.tsv")


@dataclass
class FeaturesRun:
    """What :func:`score_files` scored and wrote."""

    scores: ModuleScores
    scored_together: str
    coverage: pd.DataFrame
    out: Path
    sets: Path
    min_size: int

    def summary(self) -> dict[str, Any]:
        """The run in numbers (what ``netmarker features --json`` prints)."""
        return {
            "scored_together": self.scored_together,
            "modules_scored": int(self.scores.scores.shape[1]),
            "modules_dropped": int((~self.coverage["kept"]).sum()),
            "samples": int(self.scores.scores.shape[0]),
            "min_size": self.min_size,
            "score": self.scores.method,
            "normalize": self.scores.normalize,
            "out": str(self.out),
            "sets": str(self.sets),
        }


def score_files(
    store: GraphStore,
    expression: str | Path,
    out: str | Path,
    *,
    drug: str | None = None,
    source: str | None = None,
    selection: ModuleSelection = ModuleSelection(),
    sample_sheet: str | Path | None = None,
) -> FeaturesRun:
    """Score ``drug``'s proximal modules (or every pathway of gene-set ``source``) in every
    sample of ``expression`` (a file, or a GDC folder with ``sample_sheet``).

    Writes the scores to ``out`` (samples x modules, first column ``sample``) and, beside it
    (:func:`sets_path`), every set scored together with its coverage and why any was dropped:
    ssGSEA's range normalisation makes every score depend on the sets scored together.
    Give exactly one of ``drug`` and ``source``.
    """
    if (drug is None) == (source is None):
        raise DataError("modules", "give a drug or a gene-set source to score (one of them)")
    if drug is not None:
        name, net, _, modules = candidate_modules(store, drug, selection)
        scored_together = f"{name}'s proximal modules on {net} (z <= {selection.z_cutoff:g})"
    else:
        assert source is not None  # exactly one of drug and source, checked above
        modules = source_pathways(store, source)
        scored_together = f"all pathways of {source}"
    matrix = read_cohort_expression(expression, sample_sheet)
    scores = score_modules(
        matrix,
        modules,
        method=selection.score_method,
        normalize=selection.normalize,
        min_size=selection.min_size,
    )
    out, sets = Path(out), sets_path(out)
    coverage = scores.coverage.assign(scored_together=scored_together, min_size=selection.min_size)
    write_table(coverage, sets)
    # samples x modules, as every table of module scores or model inputs
    write_table(scores.scores.rename_axis("sample").reset_index(), out)
    return FeaturesRun(scores, scored_together, coverage, out, sets, selection.min_size)


@dataclass
class TrainRun:
    """What :func:`train_files` trained, saved and wrote to the store."""

    model: TrainedModel
    data: TrainingData
    out: Path
    biomarkers_written: int
    policy: WritePolicy

    @property
    def match(self) -> IdMatch:
        """How the response's samples were paired with the expression's."""
        return self.data.match


def train_files(
    store: GraphStore,
    expression: str | Path,
    response: str | Path,
    drug: str,
    out: str | Path,
    *,
    measure: str | None = None,
    vocabulary: str | Path | None = None,
    estimator: Estimator | None = None,
    selection: ModuleSelection = ModuleSelection(),
    permutations: int | None = None,
    write_policy: WritePolicy = "signal",
    progress: StageProgress | None = None,
) -> TrainRun:
    """Train a model of ``drug``'s response in ``response`` from ``expression``; save it.

    Reads both files (``vocabulary``: a DrugBank vocabulary CSV matching the response's drug
    names by their synonyms) and pairs their samples
    (:func:`~netmarker.predict.workflow.load_training_data`), trains ``estimator`` (default
    ``ModuleRegressor()``) on ``selection``'s modules with its LOOCV and verdict
    (:func:`~netmarker.predict.workflow.train_drug_model`), saves the model to ``out``
    (JSON), and only then writes its biomarkers to the store under ``write_policy``
    (:func:`~netmarker.predict.workflow.write_biomarkers`): a failed save leaves the store
    untouched.
    """
    data = load_training_data(
        expression, response, drug, measure=measure, synonyms=_synonyms(vocabulary)
    )
    model = train_drug_model(
        store,
        data,
        estimator=estimator,
        selection=selection,
        permutations=permutations,
        progress=_stage(progress, f"verdict for {data.drug}: label permutations"),
    )
    out = save_model(model, out)
    written = write_biomarkers(store, model, write_policy)
    return TrainRun(model, data, out, written, write_policy)


def _synonyms(vocabulary: str | Path | None) -> DrugSynonyms | None:
    return None if vocabulary is None else read_drugbank_synonyms(vocabulary)


@dataclass
class CrossValidationRun:
    """What :func:`crossvalidate_files` found: the baselines table and the verdict."""

    drug: str
    table: pd.DataFrame
    baselines: BaselineResult
    verdict: dict[str, Any]
    n_samples: int
    n_random: int
    out: Path | None = None
    match: IdMatch | None = field(default=None, repr=False)


def crossvalidate_files(
    store: GraphStore,
    expression: str | Path,
    response: str | Path,
    drug: str,
    *,
    measure: str | None = None,
    vocabulary: str | Path | None = None,
    estimator: Estimator | None = None,
    selection: ModuleSelection = ModuleSelection(),
    n_random: int = DEFAULT_N_RANDOM,
    permutations: int | None = None,
    out: str | Path | None = None,
    progress: StageProgress | None = None,
) -> CrossValidationRun:
    """Leave-one-out CV of the network model next to its baselines, and its verdict.

    One ``estimator`` (default ``ModuleRegressor()``) serves the LOOCV of the network
    modules and of every baseline, on the same folds
    (:func:`~netmarker.predict.workflow.crossvalidate_with_baselines`, ``n_random`` random
    module sets), and the verdict (:func:`~netmarker.predict.workflow.assess_drug_model`,
    ``permutations`` label permutations). The nominal p-values of out-of-fold predictions
    are not valid, so the table leaves them out (the verdict's p replaces them); it is
    written to ``out`` (TSV) when given.
    """
    data = load_training_data(
        expression, response, drug, measure=measure, synonyms=_synonyms(vocabulary)
    )
    estimator = estimator if estimator is not None else make_estimator()
    result = crossvalidate_with_baselines(
        store,
        data,
        estimator=estimator,
        selection=selection,
        n_random=n_random,
        progress=_stage(
            progress, f"LOOCV of {data.drug}: network model, baselines, random modules", n_random
        ),
    )
    verdict = assess_drug_model(
        store,
        data,
        estimator=estimator,
        selection=selection,
        permutations=permutations,
        progress=_stage(progress, f"verdict for {data.drug}: label permutations"),
    )
    nominal = [c for c in result.table.columns if is_nominal_p(c)]
    table = result.table.drop(columns=nominal).assign(drug=data.drug, n_samples=len(data.response))
    if out is not None:
        out = write_table(table, out)
    return CrossValidationRun(
        drug=data.drug,
        table=table,
        baselines=result,
        verdict=verdict,
        n_samples=len(data.response),
        n_random=n_random,
        out=None if out is None else Path(out),
        match=data.match,
    )


@dataclass
class PredictionRun:
    """What :func:`predict_files` predicted and wrote."""

    model: TrainedModel
    verdict: str
    coverage: pd.DataFrame
    predictions: pd.DataFrame
    out: Path
    coverage_out: Path | None = None

    @property
    def features(self) -> pd.DataFrame:
        """The coverage rows of the model's own features."""
        return self.coverage[self.coverage["feature"]]

    @property
    def responders(self) -> int:
        """Number of predicted responders."""
        return int(self.predictions["predicted_responder"].sum())


def predict_files(
    model_path: str | Path,
    expression: str | Path,
    out: str | Path,
    *,
    sample_sheet: str | Path | None = None,
    standardize: Standardize = DEFAULT_STANDARDIZE,
    rule: Literal["median"] | float = "median",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    min_spread: float = DEFAULT_MIN_SPREAD,
    min_size: int | None = None,
    coverage_out: str | Path | None = None,
) -> PredictionRun:
    """Apply the saved model ``model_path`` to ``expression`` (a file, or a GDC folder with
    ``sample_sheet``); write the predictions to ``out`` and, when asked, every candidate
    module's gene coverage to ``coverage_out``.

    ``min_size`` overrides the model's training minimum of measured genes per module (with
    a warning). A model whose verdict is not *signal* is applied, with a warning: its
    predictions are not evidence of response (every row carries the verdict). The coverage
    check and the spread check of :func:`~netmarker.predict.workflow.predict_cohort` stop
    before anything is written.
    """
    model = load_model(model_path)
    trained_min = model.metadata.get("min_size", 5)
    if min_size is not None and min_size != trained_min:
        log.warning(
            "--min-size %s differs from the model's training value %s", min_size, trained_min
        )
        model.metadata["min_size"] = min_size
    verdict = verdict_of(model)
    if verdict != "signal":
        log.warning(
            "model %s has verdict %s: its predictions are not evidence of response",
            model.metadata.get("model_id", model_path),
            verdict.upper(),
        )
    matrix = read_cohort_expression(expression, sample_sheet)
    coverage = module_coverage(model, matrix, min_coverage=min_coverage)
    predictions = predict_cohort(
        model,
        matrix,
        standardize=standardize,
        rule=rule,
        min_coverage=min_coverage,
        min_spread=min_spread,
    )
    written_coverage = None if coverage_out is None else write_table(coverage, coverage_out)
    return PredictionRun(
        model=model,
        verdict=verdict,
        coverage=coverage,
        predictions=predictions,
        out=write_table(predictions, out),
        coverage_out=written_coverage,
    )
