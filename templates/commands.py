"""The commands ``templates`` adds to ``fee12b1`` (entry-point group ``fee12b1.commands``):
``template`` (the input workbook of the default plan) and ``demo`` (the whole product on it)."""
from __future__ import annotations

from pathlib import Path

from fee_core.console import EXIT_OK
from fee_core.errors import UsageError
from fee_core.plan import default_plan
from fee_core.write.files import write_one


def cmd_template(args) -> int:
    from templates.builder import template_bytes
    out = Path(args.out)
    if out.suffix.lower() == ".xlsm":
        raise UsageError(f"{out}: the template is a macro-free .xlsx (the functions come from the "
                         f"fee12b1 add-in; docs/workbooks.md); write it as .xlsx")
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: the template must be an .xlsx file")
    first = default_plan()["agreement_date"].year
    if not first <= args.year < 2200:
        raise UsageError(f"--year {args.year}: the plan starts in {first} (agreement date "
                         f"{default_plan()['agreement_date']}); give a plan year from {first} on")
    write_one(out, template_bytes(args.year, sample=args.sample), force=args.force)
    print(f"wrote {out}" + (" (with sample data)" if args.sample else ""))
    return EXIT_OK


def register_template(sub) -> None:
    t = sub.add_parser("template", help="build the input workbook for the default plan",
                       description="Write the input workbook (SPEC §3 tables) of the built-in "
                                   "default plan for one plan year: empty data tables, or "
                                   "sample data with --sample.")
    t.add_argument("out", metavar="OUT.xlsx", help="the workbook to write (.xlsx)")
    t.add_argument("--year", type=int, default=2001, help="the plan year (default 2001)")
    t.add_argument("--sample", action="store_true", help="fill it with realistic sample data")
    t.add_argument("--force", action="store_true", help="replace OUT if it exists")
    t.set_defaults(func=cmd_template)


def register_demo(sub) -> None:
    from templates.demo import register
    register(sub)
