"""Network algorithms of the query layer: distances, proximity and propagation on a PPI network.

Plain functions over arrays and DataFrames; nothing here touches a graph store.
"""

from netmarker.network.distances import (
    UNREACHABLE,
    cached_shortest_path_lengths,
    shortest_path_lengths,
)
from netmarker.network.graph import Network
from netmarker.network.propagation import random_walk_with_restart, top_module
from netmarker.network.proximity import ProximityResult, closest_distance, proximity
from netmarker.network.sampling import DegreeBins, degree_bins, draw_degree_matched

__all__ = [
    "UNREACHABLE",
    "DegreeBins",
    "Network",
    "ProximityResult",
    "cached_shortest_path_lengths",
    "closest_distance",
    "degree_bins",
    "draw_degree_matched",
    "proximity",
    "random_walk_with_restart",
    "shortest_path_lengths",
    "top_module",
]
