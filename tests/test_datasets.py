"""nm.datasets.load_demo(): the shipped demo data as samples x features DataFrames."""

from __future__ import annotations

from netmarker.datasets import load_demo
from netmarker.predict.validation import align_samples


def test_load_demo_reads_every_input_as_dataframes() -> None:
    demo = load_demo()
    assert demo.expression.shape == (22, 12_022)  # organoids x genes
    assert demo.expression.index.name == "sample" and "TYMS" in demo.expression.columns
    assert demo.response.shape == (19, 2)
    assert demo.response.columns.tolist() == ["CISPLATIN", "FLUOROURACIL"]
    assert len(demo.pathways) == 674 and demo.network.shape == (131_455, 3)
    assert set(demo.targets.columns) >= {"drug", "gene"}
    assert set(demo.targets.loc[demo.targets["drug"] == "FLUOROURACIL", "gene"]) == {"TYMS"}
    assert all(path.is_file() for path in demo.files.values())


def test_demo_ids_differ_in_case_and_all_19_organoids_pair_up() -> None:
    demo = load_demo()
    assert "P19a" in demo.response.index and "P19A" in demo.expression.index
    x, y, match = align_samples(demo.expression, demo.response["FLUOROURACIL"])
    assert len(x) == len(y) == 19
    assert match.counts()["case"] == 3 and match.unmatched_wanted == []
    # the three organoids without IC50 are reported, not silently dropped
    assert len(match.unmatched_available) == 3


def test_align_samples_gives_the_cli_samples_in_the_cli_order() -> None:
    # the notebook path (nm.align_samples on module scores of demo.expression) and the CLI
    # path (`netmarker train -e ... -r ...`: load_training_data) pair the same organoids, in
    # the same order (the response file's), with the same response values
    import netmarker as nm
    from netmarker.predict.workflow import load_training_data

    demo = nm.datasets.load_demo()
    cli = load_training_data(demo.files["expression"], demo.files["response"], "5-FU")
    modules = {name: demo.pathways[name] for name in sorted(demo.pathways)[:20]}
    scores = nm.module_scores(demo.expression, modules)
    x, y, match = nm.align_samples(scores, demo.response["FLUOROURACIL"])
    assert x.index.tolist() == cli.response.index.tolist() == cli.expression.columns.tolist()
    assert y.index.equals(x.index) and y.tolist() == cli.response.tolist()
    assert match.pairs == cli.match.pairs
    # the order is the file's, not sorted and not the expression's
    assert x.index.tolist()[:3] == ["P10", "P19A", "P6"]
    assert demo.response.index.tolist()[:3] == ["P10", "P19a", "P6"]
