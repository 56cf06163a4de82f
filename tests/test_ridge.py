"""ridge_loo: hand-checked fits and agreement with scikit-learn's RidgeCV."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import RidgeCV

from netmarker.predict.fit import RIDGE_ALPHAS
from netmarker.predict.ridge import ridge_loo


def test_single_alpha_matches_the_closed_form() -> None:
    # centred x = (-1.5, -0.5, 0.5, 1.5): Sxx = 5, Sxy = 10 -> slope 10 / (5 + 1), y-mean 3
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 2.0, 4.0, 6.0])
    coef, intercept, alpha = ridge_loo(x, y, [1.0])
    assert alpha == 1.0
    assert coef == pytest.approx([10 / 6])
    assert intercept == pytest.approx(3 - 1.5 * 10 / 6)


def test_loo_error_picks_the_hand_computed_alpha() -> None:
    # y = x exactly: the leave-one-out error only grows with the penalty
    x = np.arange(6, dtype=float)[:, None]
    coef, _, alpha = ridge_loo(x, x[:, 0], [100.0, 0.01, 1.0])
    assert alpha == 0.01
    assert coef == pytest.approx([17.5 / 17.51])


@pytest.mark.parametrize("shape", [(19, 3), (19, 28), (12, 200), (30, 1)])
def test_agrees_with_sklearn_ridgecv(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    for _ in range(20):
        x = rng.normal(size=shape)
        y = x[:, 0] * rng.uniform(0, 3) + rng.normal(size=shape[0])
        reference = RidgeCV(alphas=RIDGE_ALPHAS).fit(x, y)
        coef, intercept, alpha = ridge_loo(x, y, RIDGE_ALPHAS)
        assert alpha == reference.alpha_
        np.testing.assert_allclose(coef, reference.coef_, rtol=1e-9, atol=1e-12)
        assert intercept == pytest.approx(reference.intercept_, abs=1e-10)


def test_bad_arguments_are_refused() -> None:
    x = np.ones((4, 2))
    with pytest.raises(ValueError, match="alpha"):
        ridge_loo(x, np.arange(4.0), [])
    with pytest.raises(ValueError, match="> 0"):
        ridge_loo(x, np.arange(4.0), [0.0])
    with pytest.raises(ValueError, match="n x p"):
        ridge_loo(x, np.arange(3.0), [1.0])
