"""`netmarker demo` end to end on the shipped data (about half a minute)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from netmarker.cli import app


@pytest.mark.slow
def test_demo_runs_and_writes_a_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--n-random", "200"])
    assert result.exit_code == 0, result.output
    assert "SIMULATED patients (planted effect)" in result.output
    for name in [
        "proximity.tsv",
        "biomarkers.tsv",
        "baselines_loocv.tsv",
        "model.json",
        "km_simulated_planted.png",
        "km_simulated_null.png",
        "run.json",
    ]:
        assert (out / name).stat().st_size > 0, name
    report = (out / "report.html").read_text()  # self-contained: checked in Chromium elsewhere
    assert "SIMULATED data." in report and report.count('src="data:image/png;base64,') >= 5
    run = json.loads((out / "run.json").read_text())
    assert run["drug"] == "FLUOROURACIL" and run["n_random"] == 200
    assert set(run["input_checksums"]) == {
        "network",
        "pathways",
        "targets",
        "expression",
        "response",
    }
    # the planted effect is found, the null cohort is not called significant
    assert run["simulated_patients"]["planted"]["p_value"] < 0.01
    assert run["simulated_patients"]["null"]["p_value"] > 0.05
    patients = pd.read_csv(out / "simulated_planted_patients.tsv", sep="\t")
    assert patients["simulated"].all() and patients["patient"].str.startswith("SIMULATED").all()
    # the median split `netmarker predict` would refuse is recorded, and said in the summary
    predictions = pd.read_csv(out / "simulated_planted_predictions.tsv", sep="\t")
    model = json.loads((out / "model.json").read_text())
    spread = predictions["predicted"].std(ddof=0) / model["metadata"]["response_sd"]
    refused = run["simulated_patients"]["planted"]["median_split_refused_by_predict"]
    assert (refused is not None) == (spread < 0.1)
    summary = (out / "summary.tsv").read_text()
    assert ("REFUSED by `netmarker predict`" in summary) == (spread < 0.1)
    # the model's verdict and the chance count of proximal pathways are in the summary too
    verdict = model["metadata"]["verdict"]["verdict"]
    assert f"model verdict (label permutations)\t{verdict.upper()} (p = " in summary
    assert "by chance: 67.4; at q <= 0.05: " in summary
    # the demo's prediction files feed `netmarker evaluate` unchanged
    report = tmp_path / "eval"
    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            "-p",
            str(out / "simulated_planted_predictions.tsv"),
            "-c",
            str(out / "simulated_planted_clinical.tsv"),
            "--simulated",
            "-o",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    evaluation = json.loads((report / "evaluation.json").read_text())
    assert evaluation["survival"]["p_value"] == pytest.approx(
        run["simulated_patients"]["planted"]["p_value"]
    )
    hr = evaluation["cox"]["groups"]["unadjusted"]
    assert hr["ci_high"] < 1  # predicted responders live longer in the planted cohort
    assert run["simulated_patients"]["planted"]["cox"]["groups"]["unadjusted"]["hr"] == hr["hr"]
    # the baselines as `netmarker cv` writes them: no (invalid) nominal p-values
    baselines = pd.read_csv(out / "baselines_loocv.tsv", sep="\t")
    assert {"features", "spearman_r", "drug", "n_samples"} <= set(baselines)
    assert not {"spearman_p", "spearman_p_greater", "pearson_p"} & set(baselines.columns)
    assert run["baselines_random_module_p"] is not None  # the valid p, in run.json
    prox = pd.read_csv(out / "proximity.tsv", sep="\t")
    assert len(prox) == 674 and prox.iloc[0]["pathway"] == "REACTOME_PYRIMIDINE_METABOLISM"
