"""``netmarker features|train|cv|predict|evaluate``: predictors over drug-proximal modules."""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from netmarker.cli.context import (
    console,
    print_frame,
    print_json,
    print_mapping,
    progress_bar,
    store_from,
)
from netmarker.modules import DEFAULT_Z_CUTOFF

if TYPE_CHECKING:
    import pandas as pd

    from netmarker.io.drugnames import DrugSynonyms


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


def _synonyms(vocabulary: Path | None) -> DrugSynonyms | None:
    if vocabulary is None:
        return None
    from netmarker.io.drugnames import DrugSynonyms

    return DrugSynonyms.from_drugbank_vocabulary(vocabulary)


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


def _top_n(value: str) -> int | str | None:
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


TopNOpt = typer.Option(
    "cv",
    "--top-n",
    callback=_check_top_n,
    help="Features kept: 'cv' (inner CV), 'all' or a number.",
)
#: scikit-learn and numpy legacy seeds are 32-bit
MAX_SEED = 2**32 - 1


def _expression_matrix(path: Path, sample_sheet: Path | None) -> pd.DataFrame:
    """Genes x samples from a matrix file, or from GDC per-case files plus their sample sheet."""
    if sample_sheet is not None:
        from netmarker.io.gdc import read_gdc_files

        return read_gdc_files(path, sample_sheet).matrix
    from netmarker.io.expression import read_expression

    return read_expression(path).matrix


def features_command(
    ctx: typer.Context,
    expression: Path = typer.Argument(..., help="Expression matrix, genes x samples."),
    sample_sheet: Path | None = SampleSheetOpt,
    drug: str = DrugOpt,
    network: str | None = NetworkOpt,
    z_cutoff: float = ZOpt,
    score: ScoreMethod = ScoreOpt,
    normalize: bool = typer.Option(
        True, "--normalize/--no-normalize", help="ssGSEA range normalisation over the whole run."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output TSV (modules x samples)."),
) -> None:
    """Score a drug's proximal modules in every sample of an expression matrix."""
    from netmarker.features import score_modules
    from netmarker.report import write_table
    from netmarker.workflow import candidate_modules

    name, net, _, modules = candidate_modules(
        store_from(ctx), drug, network=network, z_cutoff=z_cutoff
    )
    matrix = _expression_matrix(expression, sample_sheet)
    scores = score_modules(matrix, modules, method=score.value, normalize=normalize)
    write_table(scores.scores.rename_axis("module").reset_index(), out)
    console.print(
        f"{name} on {net}: {scores.scores.shape[0]} modules x "
        f"{scores.scores.shape[1]} samples -> {out}"
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
    seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED),
    out: Path = typer.Option(..., "--out", "-o", help="Model file (JSON, no pickle)."),
    write_back: bool = typer.Option(
        True,
        "--write-back/--no-write-back",
        help="Store the coefficients as the drug's biomarkers.",
    ),
) -> None:
    """Train a response predictor on the drug's proximal-module scores (LOOCV metrics)."""
    from netmarker.model import biomarker_table, save_model
    from netmarker.workflow import load_training_data, train_drug_model

    store = store_from(ctx)
    data = load_training_data(
        expression, response, drug, measure=measure, synonyms=_synonyms(vocabulary)
    )
    console.print(f"samples: {data.match.summary()}")
    model = train_drug_model(
        store,
        data,
        network=network,
        z_cutoff=z_cutoff,
        method=method.value,
        top_n=_top_n(top_n),
        score_method=score.value,
        seed=seed,
        write_back=write_back,
    )
    save_model(model, out)
    metrics = {k: v for k, v in model.cv_metrics.items() if not isinstance(v, list | dict)}
    print_mapping(f"{model.metadata['drug']}: {method.value}, LOOCV", metrics)
    print_frame(biomarker_table(model).head(20), title="biomarker modules (top 20)")
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
    n_random: int = typer.Option(
        100, "--n-random", min=0, help="Random module sets for the empirical p."
    ),
    permutations: int = typer.Option(
        0,
        "--permutations",
        min=0,
        help="Also permute the response N times: a valid p for the network model's LOOCV r.",
    ),
    seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the table as TSV."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Leave-one-out CV of the network model next to its baselines, on the same folds."""
    from netmarker.report import write_table
    from netmarker.workflow import crossvalidate_with_baselines, load_training_data

    store = store_from(ctx)
    data = load_training_data(
        expression, response, drug, measure=measure, synonyms=_synonyms(vocabulary)
    )
    with progress_bar(
        f"LOOCV of {data.drug}: network model, baselines, random modules", total=n_random
    ) as bar:
        result = crossvalidate_with_baselines(
            store,
            data,
            network=network,
            z_cutoff=z_cutoff,
            method=method.value,
            top_n=_top_n(top_n),
            score_method=score.value,
            n_random=n_random,
            seed=seed,
            progress=lambda done, total: bar.update(0, completed=done, total=total),
        )
    table = result.table.assign(drug=data.drug, n_samples=len(data.response))
    permutation = None
    if permutations:
        from netmarker.evaluate import permutation_test
        from netmarker.workflow import module_features

        features = module_features(
            store, data, network=network, z_cutoff=z_cutoff, score_method=score.value
        )[-1]
        with progress_bar("permutations", total=permutations) as bar:
            permutation = permutation_test(
                features,
                data.response,
                method=method.value,
                cv="loo",
                top_n=_top_n(top_n),
                n_permutations=permutations,
                seed=seed,
                progress=lambda done, total: bar.update(0, completed=done, total=total),
            )
        permutation.pop("null", None)
    if out is not None:
        write_table(table, out)
    if as_json:
        print_json(
            {
                "table": table,
                "metric": result.metric,
                "empirical_p": result.empirical_p,
                "permutation": permutation,
            }
        )
        return
    shown = [
        c
        for c in (
            "features",
            "n_features",
            "spearman_r",
            "spearman_p_greater",
            "pearson_r",
            "rmse",
            "auc",
            "accuracy",
        )
        if c in table.columns
    ]
    print_frame(table[shown], title=f"{data.drug}: LOOCV, {len(data.response)} samples")
    console.print(
        f"network modules vs {n_random} random module sets: empirical p = "
        f"{result.empirical_p:.3g} ({result.metric}). spearman_p_greater is the nominal "
        "one-sided p of out-of-fold predictions; it is optimistic (folds share samples)."
    )
    if permutation is not None:
        console.print(
            f"permutation test ({permutations} permutations of the response): "
            f"p = {permutation['p_value']:.3g}"
        )


#: netmarker.workflow's DEFAULT_MIN_COVERAGE and DEFAULT_MIN_SPREAD (literals here: importing the
#: workflow would load scikit-learn for every command; tests check they agree)
DEFAULT_MIN_COVERAGE = 0.8
DEFAULT_MIN_SPREAD = 0.1


def _threshold(value: str) -> str | float:
    """'median' or a finite number, checked before any file is read."""
    if value == "median":
        return value
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
) -> None:
    """Apply a saved model to new expression data; call predicted responders."""
    from netmarker.model import load_model
    from netmarker.report import write_table
    from netmarker.workflow import module_coverage, predict_cohort

    model = load_model(model_path)
    rule: str | float = threshold  # parsed by _threshold
    matrix = _expression_matrix(expression, sample_sheet)
    coverage = module_coverage(model, matrix, min_coverage=min_coverage)
    predictions = predict_cohort(
        model,
        matrix,
        standardize=standardize.value,
        rule=rule,
        min_coverage=min_coverage,
        min_spread=min_spread,
    )
    features = coverage[coverage["feature"]]
    print_frame(
        features[["module", "n_genes", "measured_training", "measured_now", "coverage"]],
        title=f"model features: genes measured in training vs now (min {min_coverage:.0%})",
    )
    others = coverage[~coverage["feature"]]
    console.print(
        f"other candidate modules (scored for ssGSEA's normalisation): "
        f"{int(others['scored'].sum())} of {len(others)} scored"
    )
    if coverage_out is not None:
        write_table(coverage, coverage_out)
    write_table(predictions, out)
    console.print(
        f"{len(predictions)} samples, {int(predictions['predicted_responder'].sum())} predicted "
        f"responders ({model.metadata.get('drug')}) -> {out}"
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
    from netmarker import __version__
    from netmarker.io.clinical import (
        read_ding2016_response,
        read_survival,
        survival_covariates,
    )
    from netmarker.io.common import file_checksum
    from netmarker.io.predictions import read_predictions
    from netmarker.report import (
        hazard_ratio_text,
        plot_kaplan_meier,
        write_json,
        write_table,
    )
    from netmarker.workflow import evaluate_survival

    pred = read_predictions(predictions)
    surv = read_survival(clinical, cancer_types=cancer_type or None, endpoint=endpoint.value)
    covariates, sources = None, {}
    if covariate:
        covariates, sources = survival_covariates(clinical, surv["patient"], covariate)
    observed = None
    if responses is not None:
        observed = read_ding2016_response(responses, drug=drug)
    result = evaluate_survival(pred, surv, responders=observed, covariates=covariates)
    tag = "SIMULATED " if simulated else ""
    cox = result.cox or {}
    write_table(result.table.assign(simulated=simulated), out / "patients.tsv")
    write_json(
        {
            "simulated": simulated,
            "endpoint": endpoint.value,
            "models": sorted(set(pred["model_id"].astype(str))) if "model_id" in pred else [],
            "inputs": {
                "predictions": {"file": str(predictions), "sha256": file_checksum(predictions)},
                "clinical": {"file": str(clinical), "sha256": file_checksum(clinical)},
            },
            "netmarker_version": __version__,
            "survival": result.survival,
            "cox": {**cox, "covariate_columns": sources},
            "response": result.response,
            "matching": result.match.summary(),
        },
        out / "evaluation.json",
    )
    t = result.table.set_index("patient")
    groups_hr = cox.get("groups", {}).get("unadjusted", {})
    plot_kaplan_meier(
        t["time_months"],
        t["event"],
        t["predicted_responder"].map(
            {True: "predicted responder", False: "predicted non-responder"}
        ),
        out / "kaplan_meier.png",
        title=f"{tag}predicted responders, {endpoint.value}",
        endpoint=endpoint.value,
        hazard_ratio={**groups_hr, "label": "predicted responders vs non-responders"},
    )
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
