"""netmarker: network-based biomarkers for anti-cancer drugs.

The notebook API: ``import netmarker as nm`` gives the whole flow, each step a plain function
or a scikit-learn estimator over pandas (samples x features)::

    demo = nm.datasets.load_demo()
    store = nm.open_store("my-store")                      # embedded store (no server)
    nm.load_network(store, demo.files["network"], "string_v12_700")
    nm.load_pathways(store, demo.files["pathways"], source="reactome")
    nm.load_targets(store, demo.files["targets"], source="kong2020")
    nm.compute_proximity(store, drugs=["FLUOROURACIL"])    # results -> store.proximity(drug)
    modules = nm.proximal_modules(store, "5-FU")
    scores = nm.module_scores(demo.expression, modules)    # samples x modules (or AnnData)
    X, y, _ = nm.align_samples(scores, demo.response["FLUOROURACIL"])
    model = nm.ModuleRegressor().fit(X, y)
    print(nm.describe(nm.assess(model, X, y)))             # the verdict, from permutations

Names are imported on first use (PEP 562), so ``import netmarker`` and the CLI start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from netmarker._version import __version__

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # data
    "datasets": "netmarker.datasets",
    "load_demo": "netmarker.datasets",
    # stores and loading
    "open_store": "netmarker.graph",
    "load_network": "netmarker.graph.loading",
    "load_pathways": "netmarker.graph.loading",
    "load_targets": "netmarker.graph.loading",
    # modules (the query layer)
    "compute_proximity": "netmarker.modules",
    "compute_propagation": "netmarker.modules",
    "proximal_modules": "netmarker.modules",
    # features
    "module_scores": "netmarker.predict.scoring",
    "ModuleSelection": "netmarker.predict.workflow",
    "drug_module_scores": "netmarker.predict.workflow",
    # estimators and validation
    "ModuleRegressor": "netmarker.predict.estimators",
    "ModuleClassifier": "netmarker.predict.estimators",
    "make_estimator": "netmarker.predict.estimators",
    "align_samples": "netmarker.predict.validation",
    "cross_validate": "netmarker.predict.validation",
    "permutation_test": "netmarker.predict.validation",
    "assess": "netmarker.predict.validation",
    "describe": "netmarker.predict.validation",
    "compare_baselines": "netmarker.predict.validation",
    # models on disk
    "save_model": "netmarker.predict.model",
    "load_model": "netmarker.predict.model",
    "load_estimator": "netmarker.predict.model",
    # patients
    "split_responders": "netmarker.predict.evaluate",
    "survival_test": "netmarker.predict.evaluate",
    "cox_hazard_ratios": "netmarker.predict.evaluate",
}
_ALIASES: dict[str, str] = {
    "load_network": "load_network_file",
    "load_pathways": "load_pathways_file",
    "load_targets": "load_targets_file",
}

__all__ = [
    "ModuleClassifier",
    "ModuleRegressor",
    "ModuleSelection",
    "__version__",
    "align_samples",
    "assess",
    "compare_baselines",
    "compute_propagation",
    "compute_proximity",
    "cox_hazard_ratios",
    "cross_validate",
    "datasets",
    "describe",
    "drug_module_scores",
    "load_demo",
    "load_estimator",
    "load_model",
    "load_network",
    "load_pathways",
    "load_targets",
    "make_estimator",
    "module_scores",
    "open_store",
    "permutation_test",
    "proximal_modules",
    "save_model",
    "split_responders",
    "survival_test",
]

if TYPE_CHECKING:
    from netmarker import datasets
    from netmarker.datasets import load_demo
    from netmarker.graph import open_store
    from netmarker.graph.loading import load_network_file as load_network
    from netmarker.graph.loading import load_pathways_file as load_pathways
    from netmarker.graph.loading import load_targets_file as load_targets
    from netmarker.modules import compute_propagation, compute_proximity, proximal_modules
    from netmarker.predict.estimators import ModuleClassifier, ModuleRegressor, make_estimator
    from netmarker.predict.evaluate import cox_hazard_ratios, split_responders, survival_test
    from netmarker.predict.model import load_estimator, load_model, save_model
    from netmarker.predict.scoring import module_scores
    from netmarker.predict.validation import (
        align_samples,
        assess,
        compare_baselines,
        cross_validate,
        describe,
        permutation_test,
    )
    from netmarker.predict.workflow import ModuleSelection, drug_module_scores


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'netmarker' has no attribute {name!r}")
    loaded = importlib.import_module(module)
    value = loaded if module.endswith("." + name) else getattr(loaded, _ALIASES.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
