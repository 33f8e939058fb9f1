"""The functions the Calc add-in offers: exactly the Excel add-in's, read from ``addin.udfs``.

``function_specs()`` imports ``addin.udfs`` with xlwings' real decorators (the same route as
``fee12b1 addin``, ``addin._vba_standins.decorated``), so the names, the argument names and
order, which arguments are optional, the descriptions and the category are the ones Excel's
Insert Function shows.  Nothing here is typed twice: the IDL, ``CalcAddIns.xcu`` and the
component's ``XAddIn`` answers are all made from these specs.

Each argument also gets the *kind* that tells ``addin.calc.convert`` how to turn Calc's value
into what xlwings would have passed (``KINDS``): Calc hands dates over as plain serial numbers
and has no cell formats in a function call, so the add-in must know which arguments are dates.
An argument without a kind is refused when the extension is built, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass

# How Calc's value for each argument of addin.udfs is converted (addin.calc.convert):
#   date   one cell holding a date (a serial number from the document's null date)
#   dates  a one-column range of dates
#   value  one cell of anything else (numbers, text)
#   range  a range of numbers
#   table  a whole contract table with its header row; dates found by the contract's columns
KINDS = {
    "fee_date": "date", "start": "date", "end_date": "date",
    "nav_dates": "dates", "nav_values": "range",
    "rate": "value", "net_assets": "value", "day_count": "value", "rounding": "value",
    "provider_rate": "value", "fund_rate": "value", "cap": "value",
    "attributable_assets": "value", "by": "value",
    "schedule_a": "table", "schedule_b": "table", "plan_events": "table", "nav": "table",
    "settings": "table", "fund_names": "table", "providers": "table",
    "provider_assets": "table",
}
CATEGORY = "fee12b1"
UDF_MODULE = "addin.udfs"


@dataclass(frozen=True)
class Argument:
    name: str
    doc: str
    optional: bool
    kind: str


@dataclass(frozen=True)
class Function:
    name: str
    doc: str
    args: tuple[Argument, ...]

    @property
    def returns_table(self) -> bool:
        """True for the functions that return a whole table (an array formula in Calc)."""
        return any(a.kind == "table" for a in self.args)

    def as_json(self) -> dict:
        return {"name": self.name, "doc": self.doc,
                "args": [{"name": a.name, "doc": a.doc, "optional": a.optional, "kind": a.kind}
                         for a in self.args]}

    @classmethod
    def from_json(cls, d: dict) -> Function:
        return cls(d["name"], d["doc"], tuple(Argument(**a) for a in d["args"]))


class UnknownArgument(ValueError):
    """An argument of ``addin.udfs`` that ``KINDS`` does not classify."""


def function_specs() -> list[Function]:
    """The Excel add-in's functions in name order, as xlwings registers them."""
    from addin._vba_standins import decorated

    with decorated(UDF_MODULE) as (_, module):
        found = [getattr(module, a).__xlfunc__ for a in dir(module)
                 if hasattr(getattr(module, a), "__xlfunc__")]
    out = []
    for f in sorted(found, key=lambda f: f["name"]):
        args = []
        for a in f["args"]:
            kind = KINDS.get(a["name"])
            if kind is None:
                raise UnknownArgument(
                    f"{f['name']}({a['name']}): the Calc add-in does not know how to convert this "
                    f"argument; add it to addin.calc.functions.KINDS")
            args.append(Argument(a["name"], a.get("doc") or "", "optional" in a, kind))
        out.append(Function(f["name"], f["ret"].get("doc") or "", tuple(args)))
    return out
