"""``netmarker features|train|cv|predict|evaluate``: predictors over drug-proximal modules."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import typer

from netmarker.cli.context import (
    console,
    print_frame,
    print_json,
    print_mapping,
    progress_bar,
    store_from,
)
from netmarker.defaults import (
    DEFAULT_MIN_COVERAGE,
    DEFAULT_MIN_SIZE,
    DEFAULT_MIN_SPREAD,
    DEFAULT_Z_CUTOFF,
)

if TYPE_CHECKING:
    import pandas as pd

    from netmarker.predict.estimators import TopN
    from netmarker.predict.runs import StageProgress
    from netmarker.predict.workflow import ModuleSelection


class ScoreMethod(StrEnum):
    ssgsea = "ssgsea"
    mean_z = "mean_z"


class ModelMethod(StrEnum):
    ridge = "ridge"
    svr = "svr"
    linear = "linear"
    logistic = "logistic"


class Standardize(StrEnum):
    cohort = "cohort"
    training = "training"


DrugOpt = typer.Option(..., "--drug", "-d", help="Drug name (synonyms work, e.g. 5-FU).")
NetworkOpt = typer.Option(None, "--network", "-n", help="Network (default: the only one).")
ZOpt = typer.Option(DEFAULT_Z_CUTOFF, "--z-cutoff", help="Proximal modules: z <= this.")
ExpressionOpt = typer.Option(
    ..., "--expression", "-e", help="Expression matrix, genes x samples (TSV/CSV/Parquet/GEO)."
)
ResponseOpt = typer.Option(
    ..., "--response", "-r", help="Drug response: long (sample, drug, value) or wide table."
)
MeasureOpt = typer.Option(None, "--measure", help="Response measure when several (IC50, AUC).")
VocabularyOpt = typer.Option(
    None,
    "--drug-vocabulary",
    help="DrugBank vocabulary CSV: match the response table's drug names by their synonyms.",
)


SampleSheetOpt = typer.Option(
    None,
    "--sample-sheet",
    help="GDC download: the expression argument is a folder of per-case files (HTSeq "
    "FPKM-UQ, ...) and this sheet (GDC sample sheet or file -> barcode table) names their cases.",
)
ScoreOpt = typer.Option(ScoreMethod.ssgsea, "--score", help="Module scores: ssgsea or mean_z.")
ModelMethodOpt = typer.Option(
    ModelMethod.ridge, "--method", "-m", help="Model (logistic: True/False responder labels)."
)
MinSizeOpt = typer.Option(
    DEFAULT_MIN_SIZE,
    "--min-size",
    min=1,
    help="Fewest measured genes for a module to be scored (Kong et al. 2020 used 2).",
)
PermutationsOpt = typer.Option(
    None,
    "--permutations",
    min=19,
    help="Label permutations for the verdict, each redoing the whole LOOCV (default: 1,000 "
    "for ridge, fewer for slower methods; p resolution 1/(N+1)).",
)
JsonOpt = typer.Option(False, "--json", help="Print the result as JSON.")


class WritePolicy(StrEnum):
    signal = "signal"
    always = "always"
    never = "never"


def _print_verdict(verdict: dict[str, Any]) -> None:
    """The verdict line, its checks and its baselines."""
    from netmarker.predict.validation import describe

    console.print(describe(verdict), highlight=False)
    evidence = {
        f"LOOCV {verdict['metric']}": verdict["observed"],
        "permutation p": verdict["p_value"],
        "null mean / 95th percentile": f"{verdict['null']['mean']:.3g} / "
        f"{verdict['null']['q95']:.3g}"
        if verdict["null"]["mean"] is not None
        else "n/a",
        **verdict["checks"],
        **verdict["baselines"],
    }
    print_mapping("verdict evidence and baselines", evidence)


def _top_n(value: str) -> TopN:
    if value == "cv":
        return "cv"
    if value == "all":
        return None
    try:
        n = int(value)
    except ValueError as exc:
        raise typer.BadParameter("use 'cv', 'all' or a number") from exc
    if n < 1:
        raise typer.BadParameter("must be >= 1")
    return n


def _check_top_n(value: str) -> str:
    """Validate --top-n when the command line is parsed, before any data is read."""
    _top_n(value)
    return value


def _estimator(method: ModelMethod, top_n: str, seed: int) -> Any:
    """The estimator of ``--method``, ``--top-n`` and ``--seed`` (grids: the defaults)."""
    from netmarker.predict.estimators import make_estimator

    return make_estimator(method.value, top_n=_top_n(top_n), random_state=seed)


TopNOpt = typer.Option(
    "cv",
    "--top-n",
    callback=_check_top_n,
    help="Features kept: 'cv' (inner CV), 'all' or a number.",
)
#: scikit-learn and numpy legacy seeds are 32-bit
MAX_SEED = 2**32 - 1


def _selection(
    network: str | None,
    z_cutoff: float,
    score: ScoreMethod,
    min_size: int,
    normalize: bool = True,
) -> ModuleSelection:
    """The modules and scoring of ``--network``, ``--z-cutoff``, ``--score``, ``--min-size``."""
    from netmarker.predict.workflow import ModuleSelection

    return ModuleSelection(
        network=network,
        z_cutoff=z_cutoff,
        score_method=score.value,
        normalize=normalize,
        min_size=min_size,
    )


@contextmanager
def _stage_bars() -> Iterator[StageProgress]:
    """``progress(stage, done, total)`` for the library: one progress bar per stage."""
    current: dict[str, Any] = {}

    def close() -> None:
        if "bars" in current:
            current.pop("bars").__exit__(None, None, None)

    def update(stage: str, done: int, total: int | None) -> None:
        if current.get("stage") != stage:
            close()
            current["stage"], current["bars"] = stage, progress_bar(stage, total=total)
            current["bar"] = current["bars"].__enter__()
        bar = current["bar"]
        bar.update(bar.task_ids[0], completed=done, total=total)

    try:
        yield update
    finally:
        close()


def features_command(
    ctx: typer.Context,
    expression: Path = typer.Argument(..., help="Expression matrix, genes x samples."),
    sample_sheet: Path | None = SampleSheetOpt,
    drug: str | None = typer.Option(
        None, "--drug", "-d", help="Score this drug's proximal modules (synonyms work)."
    ),
    all_pathways: str | None = typer.Option(
        None,
        "--all-pathways",
        help="Score every pathway of this gene-set source (e.g. reactome) instead of a drug's "
        "proximal modules.",
    ),
    network: str | None = NetworkOpt,
    z_cutoff: float = ZOpt,
    score: ScoreMethod = ScoreOpt,
    normalize: bool = typer.Option(
        True, "--normalize/--no-normalize", help="ssGSEA range normalisation over the whole run."
    ),
    min_size: int = MinSizeOpt,
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Output TSV (samples x modules); OUT.sets.tsv lists every set scored together.",
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Score a drug's proximal modules (or all pathways of a source) in every sample.

    ssGSEA's range normalisation makes every score depend on the sets scored together: the
    sets file beside the output names them all (with their coverage and why any was dropped).
    """
    from netmarker.predict.runs import score_files

    if (drug is None) == (all_pathways is None):
        raise typer.BadParameter("give --drug or --all-pathways SOURCE (one of them)")
    run = score_files(
        store_from(ctx, existing=True),
        expression,
        out,
        drug=drug,
        source=all_pathways,
        selection=_selection(network, z_cutoff, score, min_size, normalize),
        sample_sheet=sample_sheet,
    )
    summary = run.summary()
    if as_json:
        print_json(summary)
        return
    console.print(
        f"{run.scored_together}: {summary['modules_scored']} modules scored together "
        f"({summary['modules_dropped']} dropped, fewer than {min_size} measured genes or "
        f"covering every gene) x {summary['samples']} samples -> {out}; sets -> {run.sets}",
        highlight=False,
    )


def train_command(
    ctx: typer.Context,
    drug: str = DrugOpt,
    expression: Path = ExpressionOpt,
    response: Path = ResponseOpt,
    measure: str | None = MeasureOpt,
    vocabulary: Path | None = VocabularyOpt,
    network: str | None = NetworkOpt,
    z_cutoff: float = ZOpt,
    method: ModelMethod = ModelMethodOpt,
    top_n: str = TopNOpt,
    score: ScoreMethod = ScoreOpt,
    min_size: int = MinSizeOpt,
    permutations: int | None = PermutationsOpt,
    seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED),
    out: Path = typer.Option(..., "--out", "-o", help="Model file (JSON, no pickle)."),
    write_biomarkers: WritePolicy = typer.Option(
        WritePolicy.signal,
        "--write-biomarkers",
        help="Store the coefficients as the drug's BIOMARKER module: only when the verdict is "
        "signal (default), always, or never.",
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Train a response predictor on the drug's proximal-module scores; LOOCV and a verdict.

    The verdict: signal (the LOOCV r beats label permutations, each redoing the whole LOOCV,
    at p <= 0.05), no signal, or degenerate (regularisation at the edge of its grid,
    near-constant predictions, intercept-only fit). The model is saved first; biomarkers are
    written to the store only after the save succeeded.
    """
    from netmarker.predict.model import biomarker_table
    from netmarker.predict.runs import train_files

    store = store_from(ctx)
    with _stage_bars() as progress:
        run = train_files(
            store,
            expression,
            response,
            drug,
            out,
            measure=measure,
            vocabulary=vocabulary,
            estimator=_estimator(method, top_n, seed),
            selection=_selection(network, z_cutoff, score, min_size),
            permutations=permutations,
            write_policy=write_biomarkers.value,
            progress=progress,
        )
    model, written = run.model, run.biomarkers_written
    verdict = model.metadata["verdict"]
    metrics = {k: v for k, v in model.cv_metrics.items() if not isinstance(v, list | dict)}
    if as_json:
        print_json(
            {
                "drug": model.metadata["drug"],
                "model_id": model.metadata["model_id"],
                "model": str(out),
                "method": model.method,
                "cv_metrics": metrics,
                "verdict": verdict,
                "biomarkers_written": written,
                "biomarkers": biomarker_table(model),
            }
        )
        return
    console.print(f"samples: {run.match.summary()}")
    print_mapping(f"{model.metadata['drug']}: {method.value}, LOOCV", metrics)
    print_frame(biomarker_table(model).head(20), title="model coefficients (top 20)")
    _print_verdict(verdict)
    if written:
        console.print(f"{written} BIOMARKER relationships written to the store")
    else:
        why = "not asked" if write_biomarkers == WritePolicy.never else verdict["verdict"]
        console.print(
            f"no BIOMARKER relationships written ({why}; --write-biomarkers always overrides)"
        )
    console.print(f"model {model.metadata['model_id']} -> {out}")


def cv_command(
    ctx: typer.Context,
    drug: str = DrugOpt,
    expression: Path = ExpressionOpt,
    response: Path = ResponseOpt,
    measure: str | None = MeasureOpt,
    vocabulary: Path | None = VocabularyOpt,
    network: str | None = NetworkOpt,
    z_cutoff: float = ZOpt,
    method: ModelMethod = ModelMethodOpt,
    top_n: str = TopNOpt,
    score: ScoreMethod = ScoreOpt,
    min_size: int = MinSizeOpt,
    n_random: int = typer.Option(
        100, "--n-random", min=0, help="Random module sets for the empirical p."
    ),
    permutations: int | None = PermutationsOpt,
    seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the table as TSV."),
    as_json: bool = JsonOpt,
) -> None:
    """Leave-one-out CV of the network model next to its baselines, on the same folds; verdict."""
    from netmarker.predict.runs import crossvalidate_files

    store = store_from(ctx)
    with _stage_bars() as progress:
        run = crossvalidate_files(
            store,
            expression,
            response,
            drug,
            measure=measure,
            vocabulary=vocabulary,
            estimator=_estimator(method, top_n, seed),  # the one model: LOOCV, baselines, verdict
            selection=_selection(network, z_cutoff, score, min_size),
            n_random=n_random,
            permutations=permutations,
            out=out,
            progress=progress,
        )
    table, result = run.table, run.baselines
    if as_json:
        print_json(
            {
                "table": table,
                "metric": result.metric,
                "empirical_p": result.empirical_p,
                "verdict": run.verdict,
            }
        )
        return
    shown = [
        c
        for c in ("features", "n_features", "spearman_r", "pearson_r", "rmse", "auc", "accuracy")
        if c in table.columns
    ]
    print_frame(table[shown], title=f"{run.drug}: LOOCV, {run.n_samples} samples")
    console.print(
        f"network modules vs {n_random} random module sets: empirical p = "
        f"{result.empirical_p:.3g} ({result.metric})."
    )
    _print_verdict(run.verdict)


def _threshold(value: str) -> Literal["median"] | float:
    """'median' or a finite number, checked before any file is read."""
    if value == "median":
        return "median"
    try:
        number = float(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is neither 'median' nor a number") from exc
    if not math.isfinite(number):
        raise typer.BadParameter(f"{value!r} is not a finite number")
    return number


def predict_command(
    model_path: Path = typer.Option(..., "--model", help="Model file from `netmarker train`."),
    expression: Path = ExpressionOpt,
    sample_sheet: Path | None = SampleSheetOpt,
    standardize: Standardize = typer.Option(
        Standardize.cohort,
        "--standardize",
        help="cohort: z-score this cohort on its own (patients); training: use the training "
        "cohort's scaling (same platform).",
    ),
    threshold: str = typer.Option(
        "median",
        "--threshold",
        callback=_threshold,
        help="Responders: predicted at or below the median, or a value.",
    ),
    min_coverage: float = typer.Option(
        DEFAULT_MIN_COVERAGE,
        "--min-coverage",
        min=0.0,
        max=1.0,
        help="Stop unless every model feature keeps this share of the genes it had measured "
        "in training (modules also need the training minimum of measured genes).",
    ),
    min_spread: float = typer.Option(
        DEFAULT_MIN_SPREAD,
        "--min-spread",
        min=0.0,
        help="Refuse a median split when the predictions' SD is below this share of the "
        "training response's SD.",
    ),
    coverage_out: Path | None = typer.Option(
        None, "--coverage-out", help="Write every module's gene coverage (TSV)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Predictions TSV."),
    min_size: int | None = typer.Option(
        None,
        "--min-size",
        min=1,
        help="Fewest measured genes for a module to be scored (default: the model's, as in "
        "training).",
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Apply a saved model to new expression data; call predicted responders.

    The model's verdict is shown and carried in every row of the output (model_verdict); a
    model without signal gets a one-line warning.
    """
    from netmarker.predict.runs import predict_files

    run = predict_files(
        model_path,
        expression,
        out,
        sample_sheet=sample_sheet,
        standardize=standardize.value,
        # _threshold (the option's callback) has checked it: 'median' or a finite number
        rule="median" if threshold == "median" else float(threshold),
        min_coverage=min_coverage,
        min_spread=min_spread,
        min_size=min_size,
        coverage_out=coverage_out,
    )
    model, coverage, features = run.model, run.coverage, run.features
    if as_json:
        print_json(
            {
                "drug": model.metadata.get("drug"),
                "model_id": model.metadata.get("model_id"),
                "verdict": model.metadata.get("verdict", {"verdict": run.verdict}),
                "samples": len(run.predictions),
                "predicted_responders": run.responders,
                "coverage": features,
                "out": str(out),
            }
        )
        return
    print_frame(
        features[["module", "n_genes", "measured_training", "measured_now", "coverage"]],
        title=f"model features: genes measured in training vs now (min {min_coverage:.0%})",
    )
    others = coverage[~coverage["feature"]]
    console.print(
        f"other candidate modules (scored for ssGSEA's normalisation): "
        f"{int(others['scored'].sum())} of {len(others)} scored"
    )
    console.print(
        f"{len(run.predictions)} samples, {run.responders} predicted responders "
        f"({model.metadata.get('drug')}; model verdict: {run.verdict}) -> {out}",
        highlight=False,
    )


class Endpoint(StrEnum):
    OS = "OS"
    DSS = "DSS"
    DFI = "DFI"
    PFI = "PFI"


def evaluate_command(
    predictions: Path = typer.Option(
        ..., "--predictions", "-p", help="Predictions TSV from `netmarker predict`."
    ),
    clinical: Path = typer.Option(
        ...,
        "--clinical",
        "-c",
        help="Survival: patient/time_months/event TSV, TCGA-CDR or TCGA biotab patient table.",
    ),
    cancer_type: list[str] | None = typer.Option(
        None, "--cancer-type", help="TCGA-CDR: cancer type(s) to keep."
    ),
    endpoint: Endpoint = typer.Option(
        Endpoint.OS,
        "--endpoint",
        help="Survival endpoint (TCGA-CDR columns; a patient/time_months/event table is "
        "labelled with it).",
    ),
    covariate: list[str] | None = typer.Option(
        None,
        "--covariate",
        help="Adjust the Cox models for a clinical column (repeatable; aliases age, stage, sex).",
    ),
    responses: Path | None = typer.Option(
        None, "--responses", help="Clinical response table (Ding et al. 2016)."
    ),
    drug: str | None = typer.Option(None, "--drug", help="Drug of the clinical responses."),
    simulated: bool = typer.Option(
        False, "--simulated", help="Label every output as SIMULATED data."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (TSV, JSON, KM plot)."),
) -> None:
    """Predicted responders vs survival (Kaplan-Meier, log-rank, Cox HR) and clinical response."""
    from netmarker.evaluation import evaluate_files
    from netmarker.plots import hazard_ratio_text

    run = evaluate_files(
        predictions,
        clinical,
        out,
        cancer_types=cancer_type,
        endpoint=endpoint.value,
        covariates=covariate,
        responses=responses,
        drug=drug,
        simulated=simulated,
    )
    result, sources = run.result, run.covariate_sources
    tag = "SIMULATED " if simulated else ""
    cox = result.cox or {}
    groups_hr = cox.get("groups", {}).get("unadjusted", {})
    s = result.survival
    console.print(
        f"{tag}{endpoint.value}: log-rank p = {s['p_value']:.3g} (n = {s['n']}); "
        f"matching: {result.match.summary()}"
    )
    print_frame(_cox_rows(cox), title=f"{tag}Cox proportional hazards, {endpoint.value}")
    for name, gone in cox.get("missing_covariates", {}).items():
        console.print(
            f"covariate {name} ({sources.get(name)}): missing for {gone['n']} patients "
            f"(e.g. {', '.join(gone['examples'])}); they are left out of the adjusted models"
        )
    if groups_hr.get("ph_violated") or cox.get("continuous", {}).get("unadjusted", {}).get(
        "ph_violated"
    ):
        console.print(
            "proportional-hazards assumption violated (Schoenfeld test p < 0.05): read the "
            "hazard ratio as an average over follow-up"
        )
    if result.response:
        shown = {k: v for k, v in result.response.items() if not isinstance(v, dict | list)}
        if "auc_ci" in result.response:
            low, high = result.response["auc_ci"]
            shown["auc_95ci"] = f"{low:.3f}-{high:.3f}"
        print_mapping(f"{tag}clinical response", shown)
    if groups_hr.get("hr") is not None:
        console.print(f"predicted responders vs non-responders: {hazard_ratio_text(groups_hr)}")
    console.print(f"report -> {out}")


def _cox_rows(cox: dict[str, Any]) -> pd.DataFrame:
    """One row per Cox model: HR (95% CI), p, n, events and the PH check (or the error)."""
    import pandas as pd

    rows = []
    for key in ("groups", "continuous"):
        for fit in ("unadjusted", "adjusted"):
            r = cox.get(key, {}).get(fit)
            if r is None:
                continue
            rows.append(
                {
                    "model": f"{key} ({cox[key]['term']})",
                    "fit": fit,
                    "hr": r.get("hr"),
                    "ci_low": r.get("ci_low"),
                    "ci_high": r.get("ci_high"),
                    "p": r.get("p_value"),
                    "n": r["n"],
                    "events": r["events"],
                    "ph_min_p": min(r["ph_p_values"].values()) if "ph_p_values" in r else None,
                    "note": r.get("error", ""),
                }
            )
    return pd.DataFrame(rows)
