"""Errors that the CLI turns into one-line messages and a non-zero exit code."""

from __future__ import annotations

from pathlib import Path


class NetmarkerError(Exception):
    """Base class: a problem the user can fix; the message is one line and says what to do."""


class InputError(NetmarkerError):
    """Bad input file: names the file, the line (1-based, when known) and the problem."""

    def __init__(self, path: str | Path | None, problem: str, line: int | None = None) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.problem = problem
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {problem}")


class StoreError(NetmarkerError):
    """The graph store cannot do what was asked (unknown network, unreachable server, ...)."""


class NotFoundError(StoreError):
    """A named thing (drug, network, pathway, model) is not in the store."""


class DataError(InputError, ValueError):
    """Bad in-memory data (matrix, table, gene sets): says which data and what is wrong.

    It is an :class:`~netmarker.errors.InputError` (so the CLI prints it as one line and exits
    non-zero) and a ``ValueError`` (so library callers can catch it the scikit-learn way).
    """

    def __init__(self, what: str | Path, problem: str) -> None:
        super().__init__(what, problem)


class CacheError(NetmarkerError):
    """The on-disk cache (e.g. of network distances) cannot be written."""
