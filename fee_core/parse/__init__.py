"""Parse: raw tables -> the typed records of a ``Book`` and findings located at their cells.

``cells`` converts one cell by its column's kind, ``column`` a whole column (the only
conversions), ``sink`` caps repeated findings, ``table`` opens a table and finds rows in and
around it; one small module per table holds its domain rules (``settings``, ``funds`` with
``names``, ``plan_tables``, ``nav``, ``providers``, ``expenses``); ``book`` runs them.
``as_date``/``as_decimal`` are the cell conversions for callers outside the parser (the
add-in's arguments)."""
from .book import parse_book
from .cells import CellProblem, to_date, to_decimal
from .nav import to_units

as_date = to_date
as_decimal = to_decimal

__all__ = ["CellProblem", "as_date", "as_decimal", "parse_book", "to_units"]
