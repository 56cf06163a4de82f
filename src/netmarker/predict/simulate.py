"""Simulated cohorts with a planted signal (or none): never real data, always flagged so.

They exercise the machinery end to end where no real patient expression ships (the demo) and
check that a planted effect is found and a null cohort is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netmarker.errors import DataError


@dataclass(frozen=True)
class SimulatedCohort:
    """A generated cohort (never real data): expression, response, survival, planted modules.

    ``expression`` is genes x samples; ``response`` an IC50-like value (lower = more
    sensitive); ``time`` (months) / ``event`` survival; ``responder`` observed response
    labels; ``activity`` the latent activity of the signal modules that drives them all.
    """

    expression: pd.DataFrame
    response: pd.Series
    time: pd.Series
    event: pd.Series
    responder: pd.Series
    activity: pd.Series
    modules: dict[str, list[str]]
    signal_modules: list[str]
    effect: float
    seed: int
    simulated: bool = True
    label: str = "SIMULATED DATA - not from any real cohort"


def simulate_cohort(
    n_samples: int = 100,
    *,
    n_genes: int = 400,
    n_modules: int = 12,
    module_size: int = 15,
    n_signal_modules: int = 2,
    effect: float = 1.0,
    noise: float = 1.0,
    gene_seed: int = 0,
    seed: int = 0,
    prefix: str = "SIM",
) -> SimulatedCohort:
    """Generate a cohort with a planted signal (``effect > 0``) or none (``effect = 0``).

    Every module has a latent per-sample activity that shifts its genes' expression. The
    mean activity of the first ``n_signal_modules`` modules lowers the response (IC50),
    lengthens survival (hazard ratio ``exp(-effect)`` per sd) and raises the chance of
    response, all scaled by ``effect``. ``gene_seed`` fixes genes and modules (use the same
    value to make a training and a test cohort that share modules); ``seed`` the samples.
    Sample ids are ``{prefix}-0001`` ...; the result is flagged ``simulated=True``.
    """
    if n_modules * module_size > n_genes or n_signal_modules > n_modules or n_samples < 3:
        raise DataError("simulation", "need n_genes >= n_modules * module_size, n_samples >= 3")
    layout = np.random.default_rng(gene_seed)
    genes = np.array([f"SIMGENE{i:04d}" for i in range(n_genes)])
    members = layout.permutation(n_genes)[: n_modules * module_size].reshape(n_modules, module_size)
    modules = {f"SIM_MODULE_{k:02d}": genes[members[k]].tolist() for k in range(n_modules)}
    baseline = layout.normal(8.0, 1.5, n_genes)

    rng = np.random.default_rng(seed)
    samples = [f"{prefix}-{j + 1:04d}" for j in range(n_samples)]
    activity = rng.normal(size=(n_modules, n_samples))
    values = baseline[:, None] + noise * rng.normal(size=(n_genes, n_samples))
    for k in range(n_modules):
        values[members[k]] += activity[k]
    signal = activity[:n_signal_modules].mean(axis=0)
    signal = (signal - signal.mean()) / signal.std()
    response = 1.0 - effect * signal + 0.5 * rng.normal(size=n_samples)
    # exponential survival, median 24 months at average activity; uniform censoring
    true_time = rng.exponential(24.0 / np.log(2) * np.exp(effect * signal))
    censor = rng.uniform(12.0, 72.0, n_samples)
    responder = rng.random(n_samples) < 1.0 / (1.0 + np.exp(-2.0 * effect * signal))
    index = pd.Index(samples, name="sample")
    return SimulatedCohort(
        expression=pd.DataFrame(values, index=pd.Index(genes, name="gene"), columns=index),
        response=pd.Series(response, index=index, name="response"),
        time=pd.Series(np.minimum(true_time, censor), index=index, name="time_months"),
        event=pd.Series((true_time <= censor).astype(int), index=index, name="event"),
        responder=pd.Series(responder, index=index, name="responder"),
        activity=pd.Series(signal, index=index, name="activity"),
        modules=modules,
        signal_modules=list(modules)[:n_signal_modules],
        effect=effect,
        seed=seed,
    )
