"""The version rule (CONTRIBUTING.md, "Versions"): the version changes whenever results can.

Run ids (``prox-...``, ``rwr-...``) and every ``run.json`` carry the version, so a change that
alters results under the same version would give different results the same run id. Three
checks keep the rule honest:

* CHANGELOG.md's newest release is the package version (``netmarker/_version.py``, which
  pyproject.toml reads), and it is the one installed;
* the results of the core methods on small generated data (proximity d_c, z, p and its
  Benjamini-Hochberg q; random walk with restart; ridge with its leave-one-out alpha) hash
  to the fingerprint recorded for this version in ``tests/results_fingerprint.json``: a
  change of results without a version bump fails here;
* a version's fingerprint is recorded once (``python tests/test_version_rule.py --record``
  refuses to overwrite it): new results need a new version.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from importlib import metadata
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FINGERPRINTS = Path(__file__).with_name("results_fingerprint.json")
#: significant digits kept before hashing (BLAS / LAPACK builds differ in the last bits)
DIGITS = 8


def _package_version() -> str:
    """The version in src/netmarker/_version.py, read as text (not the installed copy)."""
    text = (ROOT / "src" / "netmarker" / "_version.py").read_text()
    found = re.search(r'^__version__ = "([^"]+)"$', text, flags=re.M)
    assert found, "src/netmarker/_version.py has no '__version__ = \"X.Y.Z\"' line"
    return found.group(1)


def _changelog_versions() -> list[str]:
    """Release headings (``## [X.Y.Z] - YYYY-MM-DD``) in order, newest first."""
    text = (ROOT / "CHANGELOG.md").read_text()
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", text, flags=re.M)


def _rounded(values: np.ndarray) -> list[str]:
    return [np.format_float_positional(v, precision=DIGITS, fractional=False) for v in values]


def results_fingerprint(seed: int = 3) -> str:
    """SHA-256 of the core methods' results on seeded, generated inputs (a few seconds)."""
    from netmarker.modules import add_q_values
    from netmarker.network.distances import shortest_path_lengths
    from netmarker.network.graph import Network
    from netmarker.network.propagation import random_walk_with_restart
    from netmarker.network.proximity import proximity
    from netmarker.predict.ridge import ridge_loo

    graph = nx.powerlaw_cluster_graph(300, 2, 0.1, seed=7)
    edges = pd.DataFrame(
        [(f"G{a:03d}", f"G{b:03d}", 1.0) for a, b in graph.edges()],
        columns=["gene_a", "gene_b", "score"],
    )
    net = Network.from_edges(edges)
    rng = np.random.default_rng(11)
    genes = sorted(net.index)
    targets = {f"drug{i}": list(rng.choice(genes, size=3 + i, replace=False)) for i in range(3)}
    sets = {f"set{j}": list(rng.choice(genes, size=5 + 2 * j, replace=False)) for j in range(6)}
    result = proximity(
        net, shortest_path_lengths(net), targets, sets, n_random=200, min_bin_size=20, seed=seed
    )
    table = add_q_values(result.table).sort_values(["drug", "pathway"])
    parts: list[object] = [table[["drug", "pathway"]].to_numpy().tolist()]
    parts += [_rounded(table[c].to_numpy(float)) for c in ("distance", "z", "p", "q")]
    walk = random_walk_with_restart(net, targets["drug0"], restart=0.5)
    parts += [walk.index[:20].tolist(), _rounded(walk.to_numpy()[:20])]
    x = rng.normal(size=(20, 8))
    y = x @ rng.normal(size=8) + rng.normal(scale=0.5, size=20)
    coef, intercept, alpha = ridge_loo(x, y, [0.1, 1.0, 10.0, 100.0])
    parts += [_rounded(coef), _rounded(np.array([intercept, alpha]))]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _recorded() -> dict[str, str]:
    return dict(json.loads(FINGERPRINTS.read_text()))


def test_changelog_top_release_is_the_package_version() -> None:
    import netmarker

    version = _package_version()
    releases = _changelog_versions()
    assert releases, "CHANGELOG.md has no '## [X.Y.Z] - YYYY-MM-DD' release heading"
    assert releases[0] == version, (
        f"CHANGELOG.md's newest release is {releases[0]}, src/netmarker/_version.py says "
        f"{version}: add the release to CHANGELOG.md"
    )
    assert netmarker.__version__ == version
    assert metadata.version("netmarker") == version, (
        f"the installed metadata says {metadata.version('netmarker')}, _version.py says "
        f"{version}: reinstall (pip install -e .)"
    )
    assert len(set(releases)) == len(releases), "a release appears twice in CHANGELOG.md"


def test_results_match_the_fingerprint_of_this_version() -> None:
    version = _package_version()
    recorded = _recorded()
    assert version in recorded, (
        f"no results fingerprint for version {version}: run "
        "`python tests/test_version_rule.py --record` and commit tests/results_fingerprint.json"
    )
    assert results_fingerprint() == recorded[version], (
        f"the core results changed under version {version}: bump the version in "
        "src/netmarker/_version.py, add it to CHANGELOG.md (say what changed), then run "
        "`python tests/test_version_rule.py --record` (CONTRIBUTING.md, 'Versions')"
    )


def test_the_fingerprint_sees_a_change_of_results() -> None:
    # another seed of the proximity null changes z, p and q, and so the fingerprint
    assert results_fingerprint(seed=4) != results_fingerprint()


if __name__ == "__main__":  # python tests/test_version_rule.py --record
    if sys.argv[1:] != ["--record"]:
        sys.exit("usage: python tests/test_version_rule.py --record")
    version, known = _package_version(), _recorded() if FINGERPRINTS.exists() else {}
    now = results_fingerprint()
    if version in known and known[version] != now:
        sys.exit(
            f"version {version} already has a different fingerprint: results changed, so bump "
            "the version (src/netmarker/_version.py + CHANGELOG.md) and record again"
        )
    known[version] = now
    FINGERPRINTS.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n")
    print(f"recorded {version}: {now}")
