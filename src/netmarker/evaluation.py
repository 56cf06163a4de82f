"""Predicted responders against patient outcomes, written as a run folder.

One step serves ``netmarker evaluate`` and the demo: :func:`write_evaluation` tests the
predicted responders against survival (and clinical response), and writes the matched
patient table, a JSON record and the Kaplan-Meier figure; :func:`evaluate_files` first reads
the predictions and clinical files the CLI is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from netmarker._version import __version__
from netmarker.io.clinical import (
    Endpoint,
    read_ding2016_response,
    read_survival,
    survival_covariates,
)
from netmarker.io.common import file_checksum
from netmarker.io.output import write_json, write_table
from netmarker.io.predictions import read_predictions
from netmarker.plots import plot_kaplan_meier
from netmarker.predict.evaluate import responder_groups
from netmarker.predict.workflow import SurvivalEvaluation, evaluate_survival


@dataclass(frozen=True)
class EvaluationFiles:
    """Names of the files an evaluation writes (``summary=None``: no JSON record)."""

    patients: str = "patients.tsv"
    summary: str | None = "evaluation.json"
    figure: str = "kaplan_meier.png"


@dataclass
class EvaluationRun:
    """What :func:`evaluate_files` did: the evaluation and the covariates' source columns."""

    result: SurvivalEvaluation
    covariate_sources: dict[str, str] = field(default_factory=dict)


def write_evaluation(
    predictions: pd.DataFrame,
    clinical: pd.DataFrame,
    out: str | Path,
    *,
    responders: pd.DataFrame | None = None,
    covariates: pd.DataFrame | None = None,
    covariate_sources: Mapping[str, str] | None = None,
    endpoint: str = "OS",
    simulated: bool = False,
    title: str | None = None,
    record: Mapping[str, Any] | None = None,
    files: EvaluationFiles = EvaluationFiles(),
) -> SurvivalEvaluation:
    """Evaluate ``predictions`` (sample, predicted, predicted_responder) against ``clinical``
    (patient, time_months, event) with :func:`~netmarker.predict.workflow.evaluate_survival`
    and write the patient table, the JSON record (``record``'s fields first) and the
    Kaplan-Meier figure into ``out``. ``simulated`` labels every output as SIMULATED."""
    out = Path(out)
    result = evaluate_survival(predictions, clinical, responders=responders, covariates=covariates)
    cox = result.cox or {}
    write_table(result.table.assign(simulated=simulated), out / files.patients)
    if files.summary is not None:
        write_json(
            {
                "simulated": simulated,
                "endpoint": endpoint,
                **(record or {}),
                "netmarker_version": __version__,
                "survival": result.survival,
                "cox": {**cox, "covariate_columns": dict(covariate_sources or {})},
                "response": result.response,
                "matching": result.match.summary(),
            },
            out / files.summary,
        )
    t = result.table.set_index("patient")
    tag = "SIMULATED " if simulated else ""
    plot_kaplan_meier(
        t["time_months"],
        t["event"],
        responder_groups(t["predicted_responder"]),
        out / files.figure,
        title=title or f"{tag}predicted responders, {endpoint}",
        endpoint=endpoint,
        hazard_ratio={
            **cox.get("groups", {}).get("unadjusted", {}),
            "label": "predicted responders vs non-responders",
        },
    )
    return result


def evaluate_files(
    predictions: str | Path,
    clinical: str | Path,
    out: str | Path,
    *,
    cancer_types: list[str] | None = None,
    endpoint: Endpoint = "OS",
    covariates: list[str] | None = None,
    responses: str | Path | None = None,
    drug: str | None = None,
    simulated: bool = False,
) -> EvaluationRun:
    """``netmarker evaluate``: read a predictions TSV and a clinical table (patient /
    time_months / event, TCGA-CDR or TCGA biotab; ``cancer_types`` and ``endpoint`` select
    from TCGA-CDR), optionally Ding et al. 2016 clinical responses and covariates to adjust
    the Cox models for, then :func:`write_evaluation` into ``out``."""
    pred = read_predictions(predictions)
    surv = read_survival(clinical, cancer_types=cancer_types or None, endpoint=endpoint)
    adjust: pd.DataFrame | None = None
    sources: dict[str, str] = {}
    if covariates:
        adjust, sources = survival_covariates(clinical, surv["patient"], covariates)
    observed = None if responses is None else read_ding2016_response(responses, drug=drug)
    record = {
        "models": sorted(set(pred["model_id"].astype(str))) if "model_id" in pred else [],
        "inputs": {
            "predictions": {"file": str(predictions), "sha256": file_checksum(predictions)},
            "clinical": {"file": str(clinical), "sha256": file_checksum(clinical)},
        },
    }
    result = write_evaluation(
        pred,
        surv,
        out,
        responders=observed,
        covariates=adjust,
        covariate_sources=sources,
        endpoint=endpoint,
        simulated=simulated,
        record=record,
    )
    return EvaluationRun(result, dict(sources))
