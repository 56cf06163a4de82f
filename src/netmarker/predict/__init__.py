"""Predictors over module features: scoring, fitting, validation, survival, workflows."""
