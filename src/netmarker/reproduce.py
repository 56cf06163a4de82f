"""``netmarker reproduce kong2020``: the 5-FU analysis of Kong et al. 2020 on TCGA COAD.

1. the shipped demo inputs (STRING v12 >= 700, MSigDB v6.1 Reactome, Kong et al. drug
   targets, 22 organoids with 5-FU IC50) go into a fresh embedded store in the report folder;
   5-FU's network proximity to every pathway is computed (1,000 draws);
2. a ridge model of organoid 5-FU ln(IC50) is trained on the proximal modules' ssGSEA scores;
3. TCGA-COAD primary tumours fetched from the GDC (``netmarker fetch gdc``; fetched here
   when missing, which needs internet) are restricted to the patients whose BCR Biotab drug
   table lists fluorouracil (alone or in a regimen: FOLFOX, FOLFIRI, ...); the model predicts
   their response, a median split names predicted responders, and overall survival is
   compared: Kaplan-Meier, log-rank, Cox hazard ratio with its 95% CI;
4. the same for two baselines: a model over all pathways, and models over random modules of
   the same sizes (empirical p of the network model's log-rank p among them);
5. a report (``README.md``, ``kong2020.json``, tables, plot) with the checksums of every
   input file and every number, and a verdict that never calls noise a finding.
"""

from __future__ import annotations

import json
import logging
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netmarker._version import __version__
from netmarker.defaults import DEFAULT_SEED
from netmarker.demo import DRUG, FILES, NETWORK, default_data_dir
from netmarker.errors import NetmarkerError
from netmarker.fetch.gdc import GDC_API, GdcClient, fetch_gdc
from netmarker.fetch.sources import HttpOptions
from netmarker.graph.embedded import EmbeddedStore
from netmarker.graph.loading import load_network_file, load_pathways_file, load_targets_file
from netmarker.ids.drugs import DrugSynonyms
from netmarker.ids.samples import tcga_patient
from netmarker.io.clinical import read_survival, read_tcga_biotab_drug, split_drug_names
from netmarker.io.common import file_checksum
from netmarker.io.output import write_json, write_table, write_text
from netmarker.modules import compute_proximity
from netmarker.plots import plot_kaplan_meier
from netmarker.predict.estimators import make_estimator
from netmarker.predict.evaluate import RESPONDER_LABELS, responder_groups
from netmarker.predict.features import score_modules
from netmarker.predict.model import TrainedModel, train
from netmarker.predict.runs import read_cohort_expression, train_files
from netmarker.predict.validation import random_modules
from netmarker.predict.workflow import (
    ModuleSelection,
    evaluate_survival,
    predict_cohort,
    spread_problem,
)

PROJECT = "TCGA-COAD"
#: what ``fetch gdc`` writes that this analysis reads
NEEDED = ("sample_sheet.tsv", "expression", "clinical.tsv", "treatments.tsv")

Step = Callable[[str], None]


@dataclass
class Kong2020Result:
    """The headline table (network model and baselines), the verdict and the report folder."""

    table: pd.DataFrame
    verdict: str
    report_dir: Path


def missing_inputs(data: Path) -> list[str]:
    """What ``fetch gdc --project TCGA-COAD`` output ``data`` lacks (empty: complete)."""
    return [n for n in NEEDED if not (data / n).exists()]


def ensure_tcga_coad(
    data: Path, *, base_url: str = GDC_API, options: HttpOptions | None = None
) -> None:
    """Fetch TCGA-COAD into ``data`` unless it is there; without internet, one line saying
    what is needed, at once."""
    missing = missing_inputs(data)
    if not missing:
        return
    probe = GdcClient(base_url, HttpOptions(retries=0, timeout=10.0, pause=0.0))
    try:
        probe.status()
    except NetmarkerError as exc:
        raise NetmarkerError(
            f"reproduce kong2020 needs TCGA-COAD from the GDC in {data} (missing: "
            f"{', '.join(missing)}) and cannot reach {base_url} ({exc}); where there is "
            f"internet run `netmarker fetch gdc --project {PROJECT} --dest {data}` "
            "(~2 GB), then run this again"
        ) from exc
    fetch_gdc(PROJECT, data, base_url=base_url, options=options)


def fluorouracil_patients(data: Path) -> tuple[set[str], str]:
    """TCGA patients with a fluorouracil record (alone or in a regimen) in the BCR Biotab
    drug table(s) of ``data``, else in the GDC treatment records (``treatments.tsv``)."""
    tables = sorted((data / "clinical").glob("*clinical_drug*"))
    patients: set[str] = set()
    for path in tables:
        drugs = read_tcga_biotab_drug(path)
        patients |= set(drugs.loc[drugs["drug"] == DRUG, "patient"])
    if tables:
        return patients, ", ".join(p.name for p in tables)
    synonyms = DrugSynonyms()
    records = pd.read_csv(data / "treatments.tsv", sep="\t", dtype=str).fillna("")
    for patient, agents in zip(records["patient"], records["therapeutic_agents"], strict=True):
        if any(DRUG in split_drug_names(a, synonyms) for a in agents.split(";") if a.strip()):
            patients.add(patient)
    return patients, "treatments.tsv (GDC therapeutic_agents)"


def _apply(
    model: TrainedModel, expression: pd.DataFrame, survival: pd.DataFrame
) -> tuple[dict[str, Any], pd.DataFrame]:
    # `netmarker predict` refuses a median split of near-constant predictions: the reason is
    # recorded (and decides the verdict); the split is still made so the table is complete
    predictions = predict_cohort(model, expression, standardize="cohort", min_spread=0.0)
    refused = spread_problem(
        predictions.set_index("sample")["predicted"], model.metadata.get("response_sd")
    )
    evaluation = evaluate_survival(predictions, survival)
    s = evaluation.survival
    cox = (evaluation.cox or {}).get("groups", {}).get("unadjusted", {})
    row = {
        "n": s["n"],
        "events": sum(g["events"] for g in s["groups"].values()),
        "logrank_p": s["p_value"],
        # evaluate_survival's Cox model of predicted responders vs non-responders (unadjusted)
        **{f"cox_{k}": cox.get(k) for k in ("hr", "ci_low", "ci_high", "p_value")},
        "median_os_responders": s["groups"].get(RESPONDER_LABELS[True], {}).get("median_time"),
        "median_os_non_responders": s["groups"].get(RESPONDER_LABELS[False], {}).get("median_time"),
        "median_split_refused": refused,
    }
    return row, evaluation.table


def _fit_on(modules: dict[str, list[str]], training: Any, seed: int, label: str) -> TrainedModel:
    scores = score_modules(training.expression, modules, method="ssgsea", min_size=5)
    scored = {m: modules[m] for m in scores.scores.columns}
    return train(
        scores.scores,
        training.response,
        method="ridge",
        top_n="cv",
        seed=seed,
        metadata={
            "drug": DRUG,
            "modules": scored,
            "score_method": "ssgsea",
            "normalize": True,
            "baseline": label,
        },
    )


def verdict(network: dict[str, Any], empirical_p: float | None) -> str:
    """One sentence; a finding only when the split, its direction and the null all agree."""
    p, hr, hi = network["logrank_p"], network["cox_hr"], network["cox_ci_high"]
    if network.get("median_split_refused"):
        return f"no verdict: {network['median_split_refused']}"
    if p is None or hr is None:
        return "no verdict: the split left a group without patients or events"
    beats_null = empirical_p is not None and empirical_p <= 0.05
    if p < 0.05 and hi is not None and hi < 1 and beats_null:
        return (
            f"signal: predicted responders live longer (HR {hr:.2f}, 95% CI upper {hi:.2f}, "
            f"log-rank p = {p:.3g}), better than random modules (empirical p = {empirical_p:.3g})"
        )
    return (
        f"no evidence beyond chance: log-rank p = {p:.3g}, HR {hr:.2f}"
        + (
            f", empirical p vs random modules = {empirical_p:.3g}"
            if empirical_p is not None
            else ""
        )
        + "; this split of 5-FU-treated TCGA-COAD patients is not a validated biomarker"
    )


def run_kong2020(
    data: Path,
    out: Path,
    *,
    organoids: Path | None = None,
    base_url: str = GDC_API,
    options: HttpOptions | None = None,
    n_random: int = 1000,
    n_random_modules: int = 100,
    seed: int = 0,
    step: Step | None = None,
) -> Kong2020Result:
    """Run the analysis on fetched TCGA-COAD data in ``data``; write the report to ``out``."""
    started = time.perf_counter()
    say = step or (lambda _: None)
    ensure_tcga_coad(data, base_url=base_url, options=options)
    demo = default_data_dir()
    paths = {k: demo / f for k, f in FILES.items()}
    if organoids is not None:
        paths["expression"] = organoids
    out.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("netmarker")
    handler = logging.FileHandler(out / "log.txt", mode="w")
    logger.addHandler(handler)
    try:
        return _run(data, out, paths, n_random, n_random_modules, seed, say, started)
    finally:
        logger.removeHandler(handler)
        handler.close()


def _run(
    data: Path,
    out: Path,
    paths: dict[str, Path],
    n_random: int,
    n_random_modules: int,
    seed: int,
    say: Step,
    started: float,
) -> Kong2020Result:
    treated, drug_tables = fluorouracil_patients(data)
    say(f"{len(treated)} patients with fluorouracil in {drug_tables}")
    # what `netmarker predict -e DIR --sample-sheet SHEET` reads
    cohort = read_cohort_expression(data / "expression", data / "sample_sheet.tsv")
    columns = [c for c in cohort.columns if tcga_patient(str(c)) in treated]
    if len(columns) < 10:
        raise NetmarkerError(
            f"only {len(columns)} fluorouracil-treated patients have expression in {data}; "
            "too few for a median split"
        )
    patients = cohort[columns]
    survival = read_survival(data / "clinical.tsv")

    say("loading network, pathways and drug targets into a fresh embedded store")
    store = EmbeddedStore(out / "store")
    load_network_file(store, paths["network"], NETWORK)
    load_pathways_file(store, paths["pathways"], source="reactome")
    load_targets_file(store, paths["targets"], source="kong2020")
    say(f"network proximity of {DRUG} to every pathway ({n_random} draws)")
    compute_proximity(
        store,
        drugs=[DRUG],
        network=NETWORK,
        n_random=n_random,
        seed=DEFAULT_SEED,
        cache_dir=out / "cache",
    )
    say("training the organoid model (ridge on proximal-module ssGSEA scores)")
    # what `netmarker train --write-biomarkers never` does
    trained = train_files(
        store,
        paths["expression"],
        paths["response"],
        DRUG,
        out / "model.json",
        estimator=make_estimator("ridge", random_state=seed),
        selection=ModuleSelection(network=NETWORK),
        write_policy="never",
    )
    model, training = trained.model, trained.data

    say(f"predicting {len(columns)} 5-FU-treated patients; survival of the median split")
    rows: dict[str, dict[str, Any]] = {}
    rows["network modules"], table = _apply(model, patients, survival)
    write_table(table, out / "patients.tsv")
    t = table.set_index("patient")
    plot_kaplan_meier(
        t["time_months"],
        t["event"],
        responder_groups(t["predicted_responder"]),
        out / "kaplan_meier.png",
        title=f"TCGA-COAD, 5-FU-treated: {DRUG} organoid model",
    )

    say("baseline: all pathways")
    members = store.members()
    all_modules = {str(p): g["gene"].tolist() for p, g in members.groupby("pathway")}
    rows["all pathways"], _ = _apply(
        _fit_on(all_modules, training, seed, "all"), patients, survival
    )

    say(f"baseline: {n_random_modules} random module sets of the same sizes")
    sizes = [len(g) for g in model.metadata["modules"].values()]
    universe = sorted(set(training.expression.index) & set(patients.index))
    random_p = []
    for i, draw in enumerate(random_modules(sizes, universe, n_random_modules, seed)):
        row, _ = _apply(_fit_on(draw, training, seed, f"random {i}"), patients, survival)
        random_p.append(row["logrank_p"])
    net_p = rows["network modules"]["logrank_p"]
    empirical = (1 + sum(p <= net_p for p in random_p)) / (1 + len(random_p)) if random_p else None
    rows["random modules (median)"] = {
        "n": rows["network modules"]["n"],
        "logrank_p": float(np.median(random_p)) if random_p else None,
    }
    summary = pd.DataFrame.from_dict(rows, orient="index").rename_axis("features").reset_index()
    write_table(summary, out / "summary.tsv")
    write_table(pd.DataFrame({"logrank_p": random_p}), out / "random_modules.tsv")
    text = verdict(rows["network modules"], empirical)
    seconds = time.perf_counter() - started
    write_json(
        {
            "analysis": "Kong et al. 2020, 5-FU, TCGA-COAD",
            "netmarker_version": __version__,
            "python": platform.python_version(),
            "drug": DRUG,
            "network": NETWORK,
            "n_random": n_random,
            "n_random_modules": n_random_modules,
            "seed": seed,
            "treated_patients": len(treated),
            "treated_with_expression": len(columns),
            "model": {
                "id": model.metadata["model_id"],
                "features": model.feature_names,
                "organoid_loocv": model.cv_metrics,
            },
            "results": rows,
            "empirical_p_vs_random_modules": empirical,
            "verdict": text,
            "inputs": {k: {"file": str(p), "sha256": file_checksum(p)} for k, p in paths.items()},
            "fetched": _fetched_checksums(data),
            "seconds": round(seconds, 1),
        },
        out / "kong2020.json",
    )
    loocv = model.cv_metrics.get("spearman_r")
    write_text(_readme(summary, text, len(columns), empirical, seconds, loocv), out / "README.md")
    return Kong2020Result(table=summary, verdict=text, report_dir=out)


def _fetched_checksums(data: Path) -> list[dict[str, Any]]:
    manifest = data / "MANIFEST.json"
    if not manifest.is_file():
        return []
    keep = ("file", "file_id", "md5", "sha256", "bytes", "url")
    return [{k: r.get(k) for k in keep} for r in json.loads(manifest.read_text())]


def _num(value: float | None) -> str:
    return f"{value:.3g}" if isinstance(value, float) and np.isfinite(value) else "not available"


def _readme(
    summary: pd.DataFrame,
    text: str,
    n: int,
    empirical: float | None,
    seconds: float,
    loocv: float | None,
) -> str:
    lines = [
        "# Kong et al. 2020, 5-FU on TCGA-COAD (netmarker reproduce kong2020)",
        "",
        f"{n} primary tumours of fluorouracil-treated patients; overall survival of the",
        "median split of predicted organoid ln(IC50) (lower = predicted responder).",
        f"The organoid model's own leave-one-out Spearman r is {_num(loocv)}: a model that",
        "does not predict organoids is not expected to predict patients.",
        "",
        "| features | n | log-rank p | Cox HR (responders) | 95% CI |",
        "|---|---|---|---|---|",
    ]
    for r in summary.to_dict("records"):
        hr = r.get("cox_hr")
        ci = (
            f"{r['cox_ci_low']:.2f}-{r['cox_ci_high']:.2f}"
            if isinstance(hr, float) and not np.isnan(hr)
            else "-"
        )
        hr_text = f"{hr:.2f}" if isinstance(hr, float) and not np.isnan(hr) else "-"
        p = r.get("logrank_p")
        p_text = f"{p:.3g}" if isinstance(p, float) else "-"
        lines.append(f"| {r['features']} | {r['n']} | {p_text} | {hr_text} | {ci} |")
    lines += [
        "",
        f"Empirical p of the network model among random modules: {_num(empirical)}",
        "",
        f"**Verdict:** {text}",
        "",
        "Inputs and the checksums of every fetched file: `kong2020.json`. "
        f"Run time {seconds:.0f} s.",
        "",
    ]
    return "\n".join(lines)
