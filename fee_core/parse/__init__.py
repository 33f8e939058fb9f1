"""Parse: raw tables -> the typed records of a ``Book`` and findings located at their cells.
``names`` resolves fund names (SPEC §5 "Fund names"); ``tables`` converts every table."""
from .tables import parse_book

__all__ = ["parse_book"]
