"""The package version, in one place (pyproject.toml reads it; run ids hash it)."""

__version__ = "0.2.0"
