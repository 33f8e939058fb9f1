"""What the Calc component runs for a cell: Calc's arguments in, the Excel function's answer out.

``call(function, null_date, args)`` converts Calc's arguments (``addin.calc.convert``), calls
the Excel add-in's own function of the same name (``addin.udfs``: same conversion of cell
values, same cache, same ``#argument: problem`` texts, same ``fee_core`` calls) and converts
the answer for Calc.  Imported by the component only after the user's environment is on
``sys.path`` (``addin.calc.environment``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from addin import udfs
from addin.tables import ARGUMENT_OF_TABLE
from fee_core.errors import ArgumentError

from .convert import calc_result, excel_args
from .functions import Function

TABLE_OF_ARGUMENT = {arg: table for table, arg in ARGUMENT_OF_TABLE.items()}


def call(function: Function, null_date: dt.date, args: Sequence):
    """The cell's answer for ``function`` called from Calc with ``args`` (after the hidden
    document argument), in a document whose dates count from ``null_date``."""
    try:
        excel = excel_args(function, args, null_date, TABLE_OF_ARGUMENT)
    except ArgumentError as e:  # a Calc-only problem with an argument, in Excel's words
        return f"#{e.name}: {e.problem}"
    return calc_result(getattr(udfs, function.name)(*excel), null_date)
