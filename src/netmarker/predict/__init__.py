"""Predictors over module features: estimators (scikit-learn API) and their validation."""
