"""Degree bins and degree-matched random draws."""

from __future__ import annotations

import numpy as np
import pytest

from netmarker.network import degree_bins, draw_degree_matched


def test_bins_pool_degrees_and_merge_a_short_tail() -> None:
    degree = np.array([1] * 150 + [2] * 60 + [3] * 50 + [10] * 5)
    bins = degree_bins(degree, min_bin_size=100)
    assert bins.low.tolist() == [1, 2]
    assert bins.high.tolist() == [1, 10]
    assert bins.sizes().tolist() == [150, 115]
    assert (bins.bin_of[:150] == 0).all() and (bins.bin_of[150:] == 1).all()


@pytest.mark.parametrize("min_bin_size", [1, 7, 100, 5000])
def test_bins_cover_all_nodes_once_and_are_big_enough(min_bin_size: int) -> None:
    degree = np.random.default_rng(0).zipf(2.1, 3000).clip(1, 800)
    bins = degree_bins(degree, min_bin_size)
    assert sorted(bins.nodes.tolist()) == list(range(degree.size))
    if degree.size >= min_bin_size:
        assert bins.sizes().min() >= min_bin_size
    else:
        assert bins.n_bins == 1
    for b in range(bins.n_bins):
        members = bins.nodes[bins.offsets[b] : bins.offsets[b + 1]]
        assert (bins.bin_of[members] == b).all()
        assert degree[members].min() == bins.low[b] and degree[members].max() == bins.high[b]
    assert (bins.high[:-1] < bins.low[1:]).all()


def test_draws_are_degree_matched_distinct_and_reproducible() -> None:
    degree = np.random.default_rng(1).zipf(2.1, 2000).clip(1, 400)
    bins = degree_bins(degree, 100)
    nodes = np.array([3, 10, 11, 500, 1999])
    draws = draw_degree_matched(bins, nodes, 500, seed=7, side="targets", name="DRUG")
    assert draws.shape == (500, 5)
    expected_bins = np.sort(bins.bin_of[nodes])
    assert (bins.bin_of[draws] == expected_bins[None, :]).all()
    assert all(len(set(row)) == len(row) for row in draws.tolist())
    again = draw_degree_matched(bins, nodes, 500, seed=7, side="targets", name="DRUG")
    assert (draws == again).all()
    other_seed = draw_degree_matched(bins, nodes, 500, seed=8, side="targets", name="DRUG")
    other_name = draw_degree_matched(bins, nodes, 500, seed=7, side="targets", name="DRUG2")
    assert (draws != other_seed).any() and (draws != other_name).any()
    # draw r does not depend on how many draws are asked for
    assert (
        draw_degree_matched(bins, nodes, 10, seed=7, side="targets", name="DRUG") == draws[:10]
    ).all()


def test_draws_spread_over_the_bin() -> None:
    degree = np.ones(300, dtype=np.int64)
    bins = degree_bins(degree, 100)
    draws = draw_degree_matched(bins, np.array([0, 1, 2]), 2000, seed=1, side="genes", name="P")
    counts = np.bincount(draws.ravel(), minlength=300)
    assert counts.min() > 0  # each of 300 nodes expected 20 times
    assert counts.max() < 60


def test_a_set_filling_its_bin_draws_the_whole_bin() -> None:
    degree = np.array([1] * 5)
    bins = degree_bins(degree, 100)  # one bin of 5 nodes
    draws = draw_degree_matched(bins, np.arange(5), 20, seed=1, side="genes", name="P")
    assert all(sorted(row) == [0, 1, 2, 3, 4] for row in draws.tolist())
