"""Report outputs: atomic TSV / JSON writers and the Kaplan-Meier figure."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netmarker.errors import DataError
from netmarker.io.output import to_jsonable, write_json, write_table
from netmarker.plots import plot_kaplan_meier
from netmarker.predict.simulate import simulate_cohort


def test_write_table_round_trip_and_replaces_atomically(tmp_path: Path) -> None:
    df = pd.DataFrame({"feature": ["A", "B"], "coefficient": [0.5, -1.25], "rank": [1, 2]})
    path = write_table(df, tmp_path / "sub" / "biomarkers.tsv")
    assert path.read_text().splitlines()[0] == "feature\tcoefficient\trank"
    pd.testing.assert_frame_equal(pd.read_csv(path, sep="\t"), df)
    write_table(df.iloc[:1], path)
    assert len(pd.read_csv(path, sep="\t")) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["biomarkers.tsv"]
    with pytest.raises(DataError, match="expected a DataFrame"):
        write_table([1, 2], tmp_path / "x.tsv")  # type: ignore[arg-type]


def test_write_json_converts_numpy_and_nan(tmp_path: Path) -> None:
    obj = {"r": np.float64(0.5), "n": np.int64(3), "p": float("nan"), "a": np.array([1, 2])}
    path = write_json(obj, tmp_path / "metrics.json")
    assert json.loads(path.read_text()) == {"r": 0.5, "n": 3, "p": None, "a": [1, 2]}
    assert to_jsonable({1: (np.bool_(True), Path("x"))}) == {"1": [True, "x"]}


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = write_json({"ok": 1}, tmp_path / "out.json")
    with pytest.raises(DataError, match="cannot write a value of type object"):
        write_json({"bad": object()}, path)
    assert json.loads(path.read_text()) == {"ok": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_plot_kaplan_meier_writes_png(tmp_path: Path) -> None:
    sim = simulate_cohort(80, effect=1.0, seed=2)
    groups = (sim.activity > sim.activity.median()).map({True: "high", False: "low"})
    path = plot_kaplan_meier(
        sim.time, sim.event, groups, tmp_path / "plots" / "km.png", title="SIMULATED"
    )
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
    svg = plot_kaplan_meier(sim.time, sim.event, groups, tmp_path / "km.svg")
    text = svg.read_text()
    assert "log-rank p" in text and "At risk" in text
    with pytest.raises(DataError, match="need at least 2 groups"):
        plot_kaplan_meier(sim.time, sim.event, groups.map(lambda _: "one"), tmp_path / "bad.png")
    assert not (tmp_path / "bad.png").exists()


def test_kaplan_meier_names_the_endpoint_and_the_hazard_ratio(tmp_path: Path) -> None:
    sim = simulate_cohort(80, effect=1.0, seed=2)
    groups = (sim.activity > sim.activity.median()).map({True: "high", False: "low"})
    hr = {"hr": 0.5, "ci_low": 0.31, "ci_high": 0.82, "label": "high vs low"}
    svg = plot_kaplan_meier(
        sim.time, sim.event, groups, tmp_path / "km.svg", endpoint="PFI", hazard_ratio=hr
    )
    text = svg.read_text()
    assert "progression-free interval (PFI) probability" in text
    assert "high vs low: HR 0.50 (95% CI 0.31-0.82)" in text and "log-rank p" in text
