"""``fetch gdc`` against a local replica of the documented GDC API (no network in tests)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli_helpers import run_cli
from gdc_cohort import PROJECT, barcode, expression_hits, gdc_replica
from http_replica import Server, serve
from netmarker.fetch.download import DownloadError, HttpOptions
from netmarker.fetch.gdc import fetch_gdc, read_star_counts
from netmarker.io.clinical import read_survival, read_tcga_biotab_drug
from netmarker.io.gdc import read_sample_sheet
from test_cli_predictors import _symbol_to_ensembl

FAST = HttpOptions(retries=2, backoff=0.01, timeout=10, pause=0)
GENES = [f"ENSG{i:011d}" for i in range(1, 31)]


def _cohort(n: int = 7, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    expr = pd.DataFrame(
        rng.gamma(2.0, 10.0, size=(len(GENES), n)),
        index=GENES,
        columns=[f"p{i}" for i in range(n)],
    )
    surv = pd.DataFrame(
        {
            "patient": expr.columns,
            "time_months": rng.uniform(5, 60, n).round(1),
            "event": rng.integers(0, 2, n),
        }
    )
    return expr, surv


@pytest.fixture
def gdc() -> Iterator[Server]:
    expr, surv = _cohort()
    srv = serve(gdc_replica(expr, surv))
    yield srv
    srv.close()


def _fetch(srv: Server, dest: Path, **kw: object) -> object:
    args: dict[str, object] = {
        "base_url": srv.url,
        "options": FAST,
        "batch_size": 3,
        "page_size": 3,
    }
    args.update(kw)
    return fetch_gdc(PROJECT, dest, **args)  # type: ignore[arg-type]


def _data_ids(srv: Server, since: int = 0) -> list[str]:
    """File ids requested from /data (POST bodies and GET paths), in order."""
    ids: list[str] = []
    for r in srv.replica.log[since:]:
        if r["path"] == "/data" and r["method"] == "POST":
            ids += r["json"]["ids"]
        elif r["path"].startswith("/data/"):
            ids.append(r["path"].split("/")[2])
    return ids


def _leftovers(dest: Path) -> list[str]:
    return sorted(
        str(p.relative_to(dest))
        for p in dest.rglob("*")
        if p.name.endswith((".part", ".tmp")) or p.name == ".incoming"
    )


def test_pagination_batching_and_outputs(gdc: Server, tmp_path: Path) -> None:
    dest = tmp_path / "coad"
    result = _fetch(gdc, dest)
    rep = gdc.replica
    # /files searched as documented: POSTed filters / fields / size / from, page by page
    pages = [
        r["json"] for r in rep.requests_to("/files") if "STAR - Counts" in json.dumps(r["json"])
    ]
    assert [p["from"] for p in pages] == [0, 3, 6]  # 8 primary-tumour files, 3 per page
    first = pages[0]
    assert first["filters"]["op"] == "and" and first["size"] == 3
    assert {
        "op": "in",
        "content": {"field": "cases.samples.sample_type", "value": ["Primary Tumor"]},
    } in first["filters"]["content"]
    # 7 cases: the -01B vial of case 1 dropped; batches of 3 -> POST, POST, GET (a single file)
    posts = [r for r in rep.log if r["path"] == "/data" and r["method"] == "POST"]
    assert [len(p["json"]["ids"]) for p in posts] == [3, 3]
    assert len([r for r in rep.log if r["path"].startswith("/data/")]) == 2  # 1 STAR + biotab
    assert result.n_files == 7 and result.n_downloaded == 7 and len(result.duplicates_dropped) == 1

    sheet = pd.read_csv(dest / "sample_sheet.tsv", sep="\t")
    assert list(sheet["Case ID"]) == [barcode(i) for i in range(7)]
    assert list(sheet["Sample ID"]) == [f"{barcode(i)}-01A" for i in range(7)]
    assert set(sheet["Sample Type"]) == {"Primary Tumor"}
    assert (
        read_sample_sheet(dest / "sample_sheet.tsv")[sheet["File Name"][0]] == f"{barcode(0)}-01A"
    )
    # the per-case file holds log2(fpkm_uq + 1) of the delivered STAR file
    hit = next(h for h in expression_hits(rep) if h["file_id"] == sheet["File ID"][0])
    raw = read_star_counts(dest / "raw" / hit["file_id"] / hit["file_name"], "fpkm_uq_unstranded")
    written = pd.read_csv(
        dest / "expression" / sheet["File Name"][0], sep="\t", header=None, index_col=0
    )
    assert len(written) == len(GENES)  # N_* rows left out
    np.testing.assert_allclose(written[1].to_numpy(), np.log2(raw.to_numpy() + 1), atol=1e-6)

    clinical = read_survival(dest / "clinical.tsv")
    assert len(clinical) == 7 and set(clinical["event"]) <= {0, 1}
    table = pd.read_csv(dest / "clinical.tsv", sep="\t")
    assert {"vital_status", "days_to_death", "days_to_last_follow_up", "stage"} <= set(
        table.columns
    )
    treatments = pd.read_csv(dest / "treatments.tsv", sep="\t")
    assert len(treatments) == 7
    drugs = read_tcga_biotab_drug(
        dest / "clinical" / "nationwidechildrens.org_clinical_drug_zz.txt"
    )
    assert set(drugs.loc[drugs["drug"] == "FLUOROURACIL", "patient"]) == {
        barcode(i) for i in (0, 2, 4, 6)
    }

    manifest = {r["file"]: r for r in json.loads((dest / "MANIFEST.json").read_text())}
    raw_records = [r for f, r in manifest.items() if f.startswith("raw/")]
    assert len(raw_records) == 7 and all(r["md5_verified"] for r in raw_records)
    assert {"sample_sheet.tsv", "clinical.tsv", "treatments.tsv"} <= set(manifest)
    assert json.loads((dest / "QUERY.json").read_text())["data_release"] == "Replica 1.0"
    assert _leftovers(dest) == []


def test_value_column_and_no_log(gdc: Server, tmp_path: Path) -> None:
    dest = tmp_path / "tpm"
    _fetch(gdc, dest, value="tpm", log2=False)
    sheet = pd.read_csv(dest / "sample_sheet.tsv", sep="\t")
    name = sheet["File Name"][2]
    assert name.endswith(".tpm_unstranded.tsv.gz")
    raw = read_star_counts(
        dest / "raw" / sheet["File ID"][2] / sheet["Source File"][2], "tpm_unstranded"
    )
    written = pd.read_csv(dest / "expression" / name, sep="\t", header=None, index_col=0)
    np.testing.assert_allclose(written[1].to_numpy(), raw.to_numpy(), atol=1e-6)


def test_rerun_fetches_only_what_is_missing_or_damaged(gdc: Server, tmp_path: Path) -> None:
    dest = tmp_path / "coad"
    _fetch(gdc, dest)
    sheet = pd.read_csv(dest / "sample_sheet.tsv", sep="\t")
    gone, damaged = sheet.iloc[1], sheet.iloc[4]
    (dest / "raw" / gone["File ID"] / gone["Source File"]).unlink()
    with open(dest / "raw" / damaged["File ID"] / damaged["Source File"], "r+b") as fh:
        fh.write(b"X")
    mark = len(gdc.replica.log)
    result = _fetch(gdc, dest)
    assert sorted(_data_ids(gdc, mark)) == sorted([gone["File ID"], damaged["File ID"]])
    assert result.n_downloaded == 2
    mark = len(gdc.replica.log)
    assert _fetch(gdc, dest).n_downloaded == 0
    assert _data_ids(gdc, mark) == []  # biotab table present and verified too


def test_md5_mismatch_rejects_the_file_and_writes_no_sheet(gdc: Server, tmp_path: Path) -> None:
    bad = sorted(expression_hits(gdc.replica), key=lambda h: h["cases"][0]["submitter_id"])[3]
    real = gdc.replica.files[bad["file_id"]].content
    gdc.replica.files[bad["file_id"]].content = real[:-5] + b"9999\n"  # md5 from /files differs
    original_hit = gdc.replica.files[bad["file_id"]].hit

    def stale_md5() -> dict[str, object]:
        h = original_hit()
        import hashlib

        h["md5sum"] = hashlib.md5(real).hexdigest()
        return h

    gdc.replica.files[bad["file_id"]].hit = stale_md5  # type: ignore[method-assign]
    dest = tmp_path / "coad"
    with pytest.raises(
        DownloadError,
        match=rf"1 of 7 GDC files could not be fetched \({bad['file_id']}: md5 .* \(rejected\)\); "
        "the others are kept: run the same command again",
    ):
        _fetch(gdc, dest)
    assert not (dest / "raw" / bad["file_id"]).exists() or not any(
        (dest / "raw" / bad["file_id"]).iterdir()
    )
    assert not (dest / "sample_sheet.tsv").exists() and not (dest / "clinical.tsv").exists()
    assert _leftovers(dest) == []
    assert len(list((dest / "raw").rglob("*.tsv"))) == 6  # the good ones are kept
    # the server is mended: a rerun fetches that one file only
    gdc.replica.files[bad["file_id"]].content = real
    mark = len(gdc.replica.log)
    assert _fetch(gdc, dest).n_downloaded == 1
    assert _data_ids(gdc, mark)[:1] == [bad["file_id"]]


def test_truncated_and_corrupt_bundles_are_fetched_again(gdc: Server, tmp_path: Path) -> None:
    gdc.replica.faults += [
        {"path": "/data", "method": "POST", "truncate": True},
        {"path": "/data", "method": "POST", "corrupt": True},  # not gzip any more
        {"path": "/files", "status": 429, "retry_after": "0"},
        {"path": "/cases", "status": 503},
    ]
    dest = tmp_path / "coad"
    assert _fetch(gdc, dest).n_files == 7
    assert gdc.replica.faults == []  # every fault was met and survived
    assert _leftovers(dest) == []


def test_persistent_truncation_fails_with_nothing_half_written(gdc: Server, tmp_path: Path) -> None:
    gdc.replica.faults += [{"path": "/data", "method": "POST", "truncate": True} for _ in range(20)]
    dest = tmp_path / "coad"
    with pytest.raises(
        DownloadError,
        match=r"6 of 7 GDC files could not be fetched \(batch of 3 files: download of .*/data is "
        r"incomplete: the connection broke after \d+ of \d+ bytes \(tried 3 times\)",
    ):
        _fetch(gdc, dest)
    assert list((dest / "raw").rglob("*.tsv")) == [
        next((dest / "raw").rglob("*.tsv"))
    ]  # the GET one
    assert not (dest / "sample_sheet.tsv").exists() and _leftovers(dest) == []


def test_resume_after_a_killed_fetch(gdc: Server, tmp_path: Path) -> None:
    """SIGKILL while the second batch downloads; the rerun fetches only the rest."""
    dest = tmp_path / "coad"
    posts = 0

    gdc.replica.faults.append({"path": "/data", "method": "POST", "stall": 0.0})  # batch 1
    gdc.replica.faults.append({"path": "/data", "method": "POST", "stall": 60.0})  # batch 2
    cmd = [
        sys.executable,
        "-c",
        "from netmarker.cli import main; main()",
        "fetch",
        "gdc",
        "--project",
        PROJECT,
        "--dest",
        str(dest),
        "--api",
        gdc.url,
        "--batch-size",
        "3",
        "--page-size",
        "3",
        "--pause",
        "0",
        "--backoff",
        "0.01",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            posts = len(
                [r for r in gdc.replica.log if r["path"] == "/data" and r["method"] == "POST"]
            )
            if posts >= 2:
                break
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.05)
        assert posts >= 2
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    first_batch = gdc.replica.log[[r["path"] for r in gdc.replica.log].index("/data")]["json"][
        "ids"
    ]
    assert len(list((dest / "raw").rglob("*.tsv"))) == 3
    assert not (dest / "sample_sheet.tsv").exists()
    gdc.replica.faults.clear()
    mark = len(gdc.replica.log)
    result = _fetch(gdc, dest)
    assert result.n_downloaded == 4
    assert not set(_data_ids(gdc, mark)) & set(first_batch)
    assert len(pd.read_csv(dest / "sample_sheet.tsv", sep="\t")) == 7 and _leftovers(dest) == []


def test_unreachable_api_is_one_line(capsys, monkeypatch, tmp_path: Path) -> None:
    r = run_cli(
        capsys,
        monkeypatch,
        "fetch",
        "gdc",
        "--project",
        PROJECT,
        "--dest",
        str(tmp_path / "x"),
        "--api",
        "http://127.0.0.1:9",
        "--retries",
        "0",
    )
    assert r.code == 1
    assert "the GDC API at http://127.0.0.1:9 is not reachable" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_unknown_project_is_one_line(capsys, monkeypatch, gdc: Server, tmp_path: Path) -> None:
    r = run_cli(
        capsys,
        monkeypatch,
        "fetch",
        "gdc",
        "-p",
        "TCGA-NOPE",
        "-o",
        str(tmp_path / "x"),
        "--api",
        gdc.url,
        "--pause",
        "0",
    )
    assert (
        r.code == 1
        and "no open STAR - Counts primary-tumour expression for project 'TCGA-NOPE'" in r.err
    )


# -- fetched files flow into predict and evaluate unchanged -------------------------------


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 5-FU model trained on the shipped organoids (demo data, 200 proximity draws)."""
    from typer.testing import CliRunner

    from netmarker.cli import app
    from netmarker.demo import default_data_dir

    demo = default_data_dir()
    root = tmp_path_factory.mktemp("gdcflow")
    store = root / "store"
    for args in (
        ["load", "network", str(demo / "string_v12_700_ntm.tsv.gz"), "--name", "string"],
        ["load", "pathways", str(demo / "reactome_msigdb_v6.1.gmt"), "--source", "reactome"],
        ["load", "targets", str(demo / "drug_targets_kong2020.tsv"), "--source", "kong2020"],
        ["modules", "compute", "--drug", "5-FU", "--n-random", "200"],
        [
            "train",
            "--drug",
            "5-FU",
            "-e",
            str(demo / "organoid_expression_GSE64392.tsv.gz"),
            "-r",
            str(demo / "organoid_ic50_vandewetering2015.tsv"),
            "--top-n",
            "5",
            "-o",
            str(root / "model.json"),
        ],
    ):
        result = CliRunner().invoke(app, ["--store", str(store), *args])
        assert result.exit_code == 0, result.output
    return root / "model.json"


def simulated_gdc_project(model_path: Path, n: int = 16) -> Server:
    """A replica project whose expression is a SIMULATED cohort built from the organoids
    (values made positive, as FPKM-UQ), with survival from the simulation."""
    from netmarker.demo import default_data_dir, simulate_patients
    from netmarker.io.expression import read_expression
    from netmarker.predict.model import load_model

    model = load_model(model_path)
    organoids = read_expression(default_data_dir() / "organoid_expression_GSE64392.tsv.gz").matrix
    cohort = simulate_patients(
        organoids, model.metadata["modules"], model.feature_names[0], n=n, seed=5
    )
    linear = 2.0 ** cohort.expression.clip(lower=0) - 1.0  # log2(x + 1) undone by hand
    return serve(gdc_replica(linear, cohort.clinical, _symbol_to_ensembl()))


@pytest.mark.slow
def test_fetched_files_flow_into_predict_and_evaluate(
    capsys, monkeypatch, tmp_path: Path, model_path: Path
) -> None:
    srv = simulated_gdc_project(model_path)
    try:
        dest = tmp_path / "coad"
        r = run_cli(
            capsys,
            monkeypatch,
            "fetch",
            "gdc",
            "-p",
            PROJECT,
            "-o",
            str(dest),
            "--api",
            srv.url,
            "--pause",
            "0",
            "--batch-size",
            "5",
        )
        assert r.code == 0, r.err
        assert "expression files (one per case)" in r.out
    finally:
        srv.close()
    preds = tmp_path / "pred.tsv"
    r = run_cli(
        capsys,
        monkeypatch,
        "predict",
        "--model",
        str(model_path),
        "-e",
        str(dest / "expression"),
        "--sample-sheet",
        str(dest / "sample_sheet.tsv"),
        "-o",
        str(preds),
    )
    assert r.code == 0, r.err
    table = pd.read_csv(preds, sep="\t")
    assert sorted(table["sample"]) == [f"{barcode(i)}-01A" for i in range(16)]
    assert table["predicted_responder"].sum() == 8
    r = run_cli(
        capsys,
        monkeypatch,
        "evaluate",
        "-p",
        str(preds),
        "-c",
        str(dest / "clinical.tsv"),
        "-o",
        str(tmp_path / "report"),
    )
    assert r.code == 0, r.err
    evaluation = json.loads((tmp_path / "report" / "evaluation.json").read_text())
    assert evaluation["survival"]["n"] == 16
    assert "16 patient ids matched" in evaluation["matching"]
