"""Errors that are not findings: bad usage of a command or of a function (SPEC §5, §8, §9).

Bad *data* is never raised: it becomes ``findings.Finding`` records.  These are raised for what
the caller asked: a bad command-line argument or output path (``UsageError``, exit status 2), an
output that exists without ``--force`` (``OutputExists``) or that is an input
(``WouldOverwriteInput``), and a bad argument of a single-figure function (``ArgumentError``,
shown in a spreadsheet cell as ``#name: problem``).
"""
from __future__ import annotations


class UsageError(Exception):
    """Bad usage of a command: the message says what to do (exit status 2)."""


class OutputExists(UsageError):
    """An output exists and ``--force`` was not given."""


class WouldOverwriteInput(UsageError):
    """An output path names an input of the command (possibly through another path)."""


class ArgumentError(ValueError):
    """A bad argument of a single-figure function: ``name`` is the argument, ``problem`` a
    short text."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem
