"""Defaults shared by the library and the command line, each defined once.

A light module (no third-party imports), so that the CLI can show them in ``--help``
without loading the libraries that use them.
"""

from __future__ import annotations

#: Kong et al. 2020: z < -1.2816 (one-sided p < 0.1) marks a drug-proximal pathway
DEFAULT_Z_CUTOFF = -1.2816
#: the published toolbox's seed (Guney et al. 2016)
DEFAULT_SEED = 452456
#: fewest measured genes for a module to be scored (the paper, Kong et al. 2020, used 2)
DEFAULT_MIN_SIZE = 5
#: default --min-coverage: share of a feature's training genes that must be measured now
DEFAULT_MIN_COVERAGE = 0.8
#: default --min-spread: prediction SD, as a share of the training response's SD, below which
#: a median split separates noise
DEFAULT_MIN_SPREAD = 0.1
