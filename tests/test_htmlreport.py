"""The HTML report: self-contained, rendered by Jinja2, checked in a real headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli_helpers import run_cli
from netmarker import plots
from netmarker.errors import InputError
from netmarker.htmlreport import write_report

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium() -> str:
    """The headless browser; a missing one skips the test locally and fails it in CI."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("CI must check the HTML report in Chromium: install the Debian package")
    pytest.skip("Chromium not installed (Debian: apt-get install chromium)")


def make_run(folder: Path) -> Path:
    """A small run folder: run.json, a summary, a long table, a simulated table, a figure."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    (folder / "run.json").write_text(
        json.dumps(
            {
                "netmarker_version": "0.1.0",
                "drug": "FLUOROURACIL",
                "network": "ppi",
                "n_random": 100,
                "input_checksums": {"network": "ab" * 32, "targets": "cd" * 32},
                "simulated_patients": {"planted": {"p_value": 0.001}},
            }
        )
    )
    pd.DataFrame({"result": ["a <b>", "c"], "value": ["1", "2"]}).to_csv(
        folder / "summary.tsv", sep="\t", index=False
    )
    pd.DataFrame({"pathway": [f"P{i}" for i in range(120)], "z": rng.normal(size=120)}).to_csv(
        folder / "proximity_long.tsv", sep="\t", index=False
    )
    pd.DataFrame({"patient": ["SIMULATED-0001"], "simulated": [True]}).to_csv(
        folder / "simulated_x_patients.tsv", sep="\t", index=False
    )
    coef = pd.DataFrame({"feature": ["REACTOME_A", "REACTOME_B"], "coefficient": [0.4, -0.2]})
    coef.to_csv(folder / "biomarkers.tsv", sep="\t", index=False)
    plots.plot_coefficients(coef, folder / "extra.svg")
    return folder


def test_report_is_self_contained(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run")
    out = write_report(run)
    html = out.read_text()
    assert out == run / "report.html"
    # figures embedded, nothing fetched: no src/href leaves the file
    sources = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    assert sources and all(s.startswith("data:image/") for s in sources)
    assert 'data-file="coefficients.png"' in html and 'data-file="extra.svg"' in html
    # escaped cells, truncated long tables with the count, inputs, versions, checksums
    assert "a &lt;b&gt;" in html and "<b>" not in html.split("<body>")[1].split("Figures")[0]
    assert "first 50 of 120 rows" in html
    assert "ab" * 32 in html and "scikit-learn" in html and "jinja2" in html
    assert "SIMULATED data." in html and "simulated_x_patients.tsv" in html
    import hashlib

    digest = hashlib.sha256((run / "biomarkers.tsv").read_bytes()).hexdigest()
    assert digest in html


def test_no_simulated_notice_without_simulation(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    pd.DataFrame({"a": [1]}).to_csv(run / "t.tsv", sep="\t", index=False)
    html = write_report(run).read_text()
    assert "simulated-notice" not in html and "No figures in this run." in html


def test_bad_run_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a run folder"):
        write_report(tmp_path / "missing")
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text("{not json")
    with pytest.raises(InputError, match=r"run\.json: not valid JSON"):
        write_report(run)
    assert not (run / "report.html").exists()


def test_cli_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = make_run(tmp_path / "run")
    r = run_cli(capsys, monkeypatch, "report", "--run", str(run), "-o", str(tmp_path / "r.html"))
    assert r.code == 0, r.err
    assert (tmp_path / "r.html").stat().st_size > 10_000
    bad = run_cli(capsys, monkeypatch, "report", "--run", str(tmp_path / "nope"))
    assert bad.code == 1 and "not a run folder" in bad.err


_PROBE = """<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
                   .map(function (i) { return i.getAttribute("data-file"); });
  document.body.setAttribute("data-images", String(imgs.length));
  document.body.setAttribute("data-broken", JSON.stringify(broken));
});
</script></body>"""


def browser_check(report: Path, work: Path) -> tuple[int, list[str], Path]:
    """Open a copy of ``report`` (plus a probe script) in headless Chromium: the number of
    images, those that did not load, and a screenshot."""
    exe = chromium()
    probe = work / "probe.html"
    probe.write_text(report.read_text().replace("</body>", _PROBE))
    flags = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        f"--user-data-dir={work / 'profile'}",
        "--virtual-time-budget=15000",
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=180
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'data-images="(\d+)" data-broken="([^"]*)"', dom.stdout)
    assert found, "the probe script did not run: " + dom.stdout[:500]
    broken = json.loads(found.group(2).replace("&quot;", '"'))
    shot = work / "screenshot.png"
    subprocess.run(
        [*flags, f"--screenshot={shot}", "--window-size=1280,2400", report.as_uri()],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return int(found.group(1)), broken, shot


def assert_not_blank(png: Path) -> None:
    import matplotlib.image as mpimg

    pixels = mpimg.imread(png)
    assert pixels.shape[0] > 1000 and pixels.shape[1] > 1000
    assert float(pixels[..., :3].std()) > 0.05  # text and figures, not an empty page


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    chromium()
    run = make_run(tmp_path / "run")
    report = write_report(run)
    n, broken, shot = browser_check(report, tmp_path)
    assert n == 2 and broken == []
    assert_not_blank(shot)
    # the check can fail: a corrupt embedded image is reported as broken
    html = report.read_text().replace("base64,iVBOR", "base64,AAAA", 1)
    (tmp_path / "bad.html").write_text(html)
    _, broken, _ = browser_check(tmp_path / "bad.html", tmp_path)
    assert broken == ["coefficients.png"]
