"""netmarker: network-based biomarkers for anti-cancer drugs."""

from netmarker._version import __version__

__all__ = ["__version__"]
