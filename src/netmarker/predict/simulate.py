"""Simulated cohorts with a planted signal (or none): never real data, always flagged so.

They exercise the machinery end to end where no real patient expression ships (the demo) and
check that a planted effect is found and a null cohort is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from netmarker.errors import DataError
from netmarker.predict.features import score_modules


@dataclass(frozen=True)
class SimulatedCohort:
    """A generated cohort (never real data): expression, response, survival, planted modules.

    ``expression`` is genes x samples; ``response`` an IC50-like value (lower = more
    sensitive); ``time`` (months) / ``event`` survival; ``responder`` observed response
    labels; ``activity`` the latent activity of the signal modules that drives them all;
    :attr:`clinical` the survival as a patient / time_months / event table.
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

    @property
    def clinical(self) -> pd.DataFrame:
        """Survival as the clinical table readers give: patient, time_months, event."""
        return pd.DataFrame(
            {
                "patient": self.time.index.astype(str).tolist(),
                "time_months": self.time.to_numpy(),
                "event": self.event.to_numpy(),
            }
        )


def simulate_cohort(
    n_samples: int = 100,
    *,
    reference: pd.DataFrame | None = None,
    modules: Mapping[str, list[str]] | None = None,
    signal_modules: Sequence[str] | None = None,
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
    """Generate a cohort with a planted signal (``effect != 0``) or none (``effect = 0``).

    Expression comes from one of two sources:

    * synthetic (no ``reference``): every module has a latent per-sample activity that
      shifts its genes' expression; the first ``n_signal_modules`` modules carry the signal.
      ``gene_seed`` fixes genes and modules (use the same value to make a training and a
      test cohort that share modules);
    * a ``reference`` (genes x samples, e.g. the organoids): each sample is a random mixture
      of the reference profiles plus ``noise``; ``modules`` and ``signal_modules`` (names in
      ``modules``) say which genes carry the signal, measured as their mean z-scored
      expression.

    The standardised signal activity lowers the response (IC50), lengthens survival (hazard
    ratio ``exp(-effect)`` per sd; exponential, median 24 months at average activity,
    uniform censoring 12-72 months) and raises the chance of response, all scaled by
    ``effect``. Sample ids are ``{prefix}-0001`` ...; ``seed`` draws the samples; the
    result is flagged ``simulated=True``.
    """
    if reference is not None:
        return _from_reference(
            reference, modules, signal_modules, n_samples, effect, noise, seed, prefix
        )
    if n_modules * module_size > n_genes or n_signal_modules > n_modules or n_samples < 3:
        raise DataError("simulation", "need n_genes >= n_modules * module_size, n_samples >= 3")
    layout = np.random.default_rng(gene_seed)
    genes = np.array([f"SIMGENE{i:04d}" for i in range(n_genes)])
    members = layout.permutation(n_genes)[: n_modules * module_size].reshape(n_modules, module_size)
    made = {f"SIM_MODULE_{k:02d}": genes[members[k]].tolist() for k in range(n_modules)}
    baseline = layout.normal(8.0, 1.5, n_genes)

    rng = np.random.default_rng(seed)
    samples = [f"{prefix}-{j + 1:04d}" for j in range(n_samples)]
    activity = rng.normal(size=(n_modules, n_samples))
    values = baseline[:, None] + noise * rng.normal(size=(n_genes, n_samples))
    for k in range(n_modules):
        values[members[k]] += activity[k]
    signal = activity[:n_signal_modules].mean(axis=0)
    signal = (signal - signal.mean()) / signal.std()
    response = _response(rng, signal, effect)
    time, event = _survival(rng, signal, effect)
    responder = _responder(rng, signal, effect)
    index = pd.Index(samples, name="sample")
    expression = pd.DataFrame(values, index=pd.Index(genes, name="gene"), columns=index)
    return _cohort(
        expression, index, signal, response, time, event, responder, made,
        list(made)[:n_signal_modules], effect, seed,
    )  # fmt: skip


def _from_reference(
    reference: pd.DataFrame,
    modules: Mapping[str, list[str]] | None,
    signal_modules: Sequence[str] | None,
    n: int,
    effect: float,
    noise: float,
    seed: int,
    prefix: str,
) -> SimulatedCohort:
    if not modules or not signal_modules or any(m not in modules for m in signal_modules):
        raise DataError("simulation", "a reference needs modules and signal_modules among them")
    if n < 3:
        raise DataError("simulation", "need n_samples >= 3")
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.full(reference.shape[1], 0.5), size=n).T
    values = reference.to_numpy() @ weights + noise * rng.normal(size=(reference.shape[0], n))
    ids = [f"{prefix}-{i + 1:04d}" for i in range(n)]
    expression = pd.DataFrame(values, index=reference.index, columns=ids)
    measured = {m: [g for g in modules[m] if g in expression.index] for m in signal_modules}
    scores = score_modules(expression, measured, method="mean_z", min_size=1).scores
    activity = scores.to_numpy().mean(axis=1)
    activity = (activity - activity.mean()) / activity.std()
    # survival first: the mixture cohorts keep the draws the demo's patients always had
    time, event = _survival(rng, activity, effect)
    response = _response(rng, activity, effect)
    responder = _responder(rng, activity, effect)
    index = pd.Index(ids, name="sample")
    return _cohort(
        expression, index, activity, response, time, event, responder, dict(modules),
        list(signal_modules), effect, seed,
    )  # fmt: skip


def _response(rng: np.random.Generator, signal: np.ndarray, effect: float) -> np.ndarray:
    """IC50-like response: lower (more sensitive) with more signal."""
    return 1.0 - effect * signal + 0.5 * rng.normal(size=len(signal))


def _survival(
    rng: np.random.Generator, signal: np.ndarray, effect: float
) -> tuple[np.ndarray, np.ndarray]:
    """Exponential survival (median 24 months at average activity), uniform censoring."""
    true_time = rng.exponential(24.0 / np.log(2) * np.exp(effect * signal))
    censor = rng.uniform(12.0, 72.0, len(signal))
    return np.minimum(true_time, censor), (true_time <= censor).astype(int)


def _responder(rng: np.random.Generator, signal: np.ndarray, effect: float) -> np.ndarray:
    """Observed responders: more likely with more signal."""
    return rng.random(len(signal)) < 1.0 / (1.0 + np.exp(-2.0 * effect * signal))


def _cohort(
    expression: pd.DataFrame,
    index: pd.Index,
    signal: np.ndarray,
    response: np.ndarray,
    time: np.ndarray,
    event: np.ndarray,
    responder: np.ndarray,
    modules: dict[str, list[str]],
    signal_modules: list[str],
    effect: float,
    seed: int,
) -> SimulatedCohort:
    return SimulatedCohort(
        expression=expression,
        response=pd.Series(response, index=index, name="response"),
        time=pd.Series(time, index=index, name="time_months"),
        event=pd.Series(event, index=index, name="event"),
        responder=pd.Series(responder, index=index, name="responder"),
        activity=pd.Series(signal, index=index, name="activity"),
        modules=modules,
        signal_modules=signal_modules,
        effect=effect,
        seed=seed,
    )
