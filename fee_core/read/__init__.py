"""Read: an input workbook (.xlsx/.xlsm) -> ``RawBook`` (tables exactly as the file holds
them) and findings; the only part of fee12b1 that opens a workbook.  ``read_workbook`` never
raises for a bad file: it refuses it with a located finding."""
from .raw import CellError, RawBook, RawTable
from .workbook import read_workbook

__all__ = ["CellError", "RawBook", "RawTable", "read_workbook"]
