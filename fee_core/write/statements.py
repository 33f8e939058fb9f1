"""The remittance statement a service provider receives (SPEC §6 "The payment run", §8
``statements/<provider_id>.xlsx``): one workbook per provider, one print-ready page.

The statement names the plan and the payment period, the provider, its agreement type (A)-(D)
and agreed rate; one line per fund with the average attributable assets, the rate applied
(marked where capped, saying by what), the days accrued and the fee; the total; the amounts
carried in, due, payable and carried out, and in plain words why anything is carried.  Values
only (no formula), formatted as the published copy (``write.xlsx``: dates ``yyyy-mm-dd``, rates
as percent, money in the accounting layout), fitted to one portrait page when it fits, with a
header naming the plan, the period and the provider and a "page x of y" footer.

``statement_files`` gives each provider ID a safe, distinct file name: the ID itself when it is
a plain name (letters, digits, ``.``, ``_``, ``-``), else a cleaned form with a short hash of
the ID, so that no ID can name a path outside ``statements/`` or collide with another on a
case-insensitive disk.
"""
from __future__ import annotations

import hashlib
import io
import re
from decimal import Decimal
from functools import lru_cache

from ..model import RATE_SCALE
from ..money import cents_to_decimal, rate_units
from ..payrun import PayRun, Statement
from ..plan import default_plan
from .xlsx import Styles, new_workbook, page_setup, put

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
ONE_PAGE_LINES = 40        # fund lines that still fit one portrait page at a readable scale
RATE_FORMAT = "0.00##%"    # 0.25%, 0.125%: every digit of an agreed rate, no trailing zeros


def statement_files(ids) -> dict[str, str]:
    """Provider ID -> file name under ``statements/`` (``P001.xlsx``): the ID when it is a plain
    file name and distinct ignoring case, else a cleaned form plus 8 hex digits of its SHA-256."""
    ids = list(ids)
    lower: dict[str, int] = {}
    for pid in ids:
        lower[pid.lower()] = lower.get(pid.lower(), 0) + 1
    out = {}
    for pid in ids:
        plain = bool(_PLAIN.match(pid)) and pid.split(".")[0].lower() not in _WINDOWS_RESERVED \
            and lower[pid.lower()] == 1 and not pid.endswith(".")
        if plain:
            out[pid] = f"{pid}.xlsx"
        else:
            clean = re.sub(r"[^A-Za-z0-9._-]+", "_", pid).strip("._")[:40] or "provider"
            digest = hashlib.sha256(pid.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            out[pid] = f"{clean}-{digest}.xlsx"
    return out


def _money(c: int) -> Decimal:
    return cents_to_decimal(c)


def _rate(units: int) -> Decimal:
    return Decimal(int(units)) / RATE_SCALE


def _capped_text(by_cap: bool, by_fund: bool) -> str:
    if by_cap and by_fund:
        return "yes: cap and fund's rate"
    if by_cap:
        return "yes: service fee cap"
    if by_fund:
        return "yes: fund's Schedule B rate"
    return ""


def _height(text: str, chars_per_line: int = 105) -> float:
    """A row height (points) that shows ``text`` wrapped across the statement's width."""
    lines = sum(max(1, -(-len(part) // chars_per_line)) for part in text.split("\n"))
    return 15.0 * lines + 2


def statement_bytes(pr: PayRun, s: Statement) -> bytes:
    """The statement workbook of one provider (see the module docstring)."""
    book = pr.book
    st = book.settings
    title = _plan_title()
    p = s.provider
    label = pr.period.label
    buf = io.BytesIO()
    wb = new_workbook(buf, title=f"Remittance statement {label} {p.id}")
    sty = Styles(wb)
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    note = sty.note
    bold_money = wb.add_format({"num_format": "#,##0.00_);(#,##0.00)", "bold": True})
    rate = wb.add_format({"num_format": RATE_FORMAT})
    indent = wb.add_format({"indent": 1})
    label_fmt = wb.add_format({"bold": True, "valign": "top"})
    sub = wb.add_format({"italic": True, "font_color": "#595959"})
    head_right = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1,
                                "bg_color": "#DDEBF7", "align": "right"})
    ws = wb.add_worksheet("Statement")
    widths = (38, 17, 12, 26, 7, 15)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    last_col = len(widths) - 1

    def merged_text(r: int, text: str, fmt, first: int = 1, chars: int = 0) -> None:
        """Text across the columns from ``first`` to the last, wrapped in a row tall enough
        when ``chars`` (the characters a line holds) is given."""
        ws.merge_range(r, first, r, last_col, None, fmt)
        put(ws, r, first, text, sty, fmt)
        if chars and len(text) > chars:
            ws.set_row(r, _height(text, chars))

    row = 0
    put(ws, row, 0, f"Service fee remittance statement: {label}", sty, sty.title)
    row += 1
    put(ws, row, 0, f"{title}, Rule 12b-1 (paragraph SEVENTH)", sty, sub)
    row += 2
    agreement = f"from {p.start}" if p.start else "from the start of the plan"
    agreement += f" through {p.end}" if p.end else ", open-ended"
    # text of our own is short and overflows to the right; text from the input (the name,
    # the ID in the reference) may be long and wraps in a merged cell
    facts: list[tuple[str, str | Decimal, bool]] = [
        ("Payment period", f"{label}: {pr.start.isoformat()} to {pr.end.isoformat()}", False),
        ("Provider", f"{p.id}: {p.name}" if p.name else p.id, True),
        ("Agreement type", f"({s.letter}) {s.kind_text}", False),
        ("Agreed service fee rate", _rate(rate_units(p.rate)), False),
        ("Agreement dates", agreement, False),
        ("Minimum payment", _money(s.minimum), False),
        ("Payment reference", s.reference, True),
    ]
    for k, v, long in facts:
        put(ws, row, 0, k, sty, label_fmt)
        if long:
            merged_text(row, str(v), wrap, chars=75)
        elif isinstance(v, Decimal):
            put(ws, row, 1, v, sty, rate if k.startswith("Agreed") else sty.money)
        else:
            put(ws, row, 1, v, sty)
        if k.startswith("Agreed") and p.rate > st.service_fee_cap:
            put(ws, row, 2, f"paid at most the Service Fee Cap of "
                            f"{st.service_fee_cap * 100:.2f}%", sty, sub)
        row += 1
    row += 1

    heads = ("Fund", "Average attributable assets", "Rate applied", "Capped (by what)", "Days",
             "Service fee")
    for c, h in enumerate(heads):
        put(ws, row, c, h, sty, sty.header if c in (0, 3) else head_right)
    ws.set_row(row, 30)
    header_row = row
    row += 1
    for ln in s.lines:                  # numbers straight to the sheet: ints are exact floats
        put(ws, row, 0, ln.fund, sty)
        ws.write_number(row, 1, ln.assets_cents / 100, sty.money)
        ws.write_number(row, 2, ln.rate_units / RATE_SCALE, rate)
        ws.write_string(row, 3, _capped_text(ln.by_cap, ln.by_fund_rate) if ln.days else
                        "nothing accrued", indent)
        ws.write_number(row, 4, ln.days, sty.integer)
        ws.write_number(row, 5, ln.fee_cents / 100, sty.money)
        row += 1
    if not s.lines:
        merged_text(row, "No service fees accrued to you in this period.", note, first=0)
        row += 1
    put(ws, row, 0, "Total service fees", sty, sty.bold)
    for c in range(1, last_col):
        ws.write_blank(row, c, None, sty.total)
    put(ws, row, last_col, _money(s.service_fees), sty, sty.total)
    row += 2

    amounts = [("Service fees for the period", s.service_fees, sty.money),
               ("Carried in from earlier periods", s.carried_in, sty.money),
               ("Amount due", s.due, sty.money),
               ("Payable now", s.payable, bold_money),
               ("Carried out to the next period", s.carried_out, sty.money)]
    for k, cents, fmt in amounts:
        put(ws, row, 0, k, sty, sty.bold if k == "Payable now" else None)
        put(ws, row, last_col, _money(cents), sty, fmt)
        row += 1
    row += 1
    for text in s.reasons:
        merged_text(row, text, wrap, first=0)
        ws.set_row(row, _height(text))
        row += 1
    row += 1
    notes = [_fee_note(st.day_count, st.rounding)]
    if any(ln.capped for ln in s.lines):
        notes.append(f"Capped: paragraph SEVENTH limits a provider's service fee to "
                     f"{st.service_fee_cap * 100:.2f}% a year of the average daily net assets "
                     f"attributable to its customers, or the fund's lower Schedule B rate. Where "
                     f"marked, the rate applied is below your agreed rate for that reason.")
    notes.append("Average attributable assets: the mean of the assets reported for your customers "
                 "over the days of the period that your reports cover. Days: the days on which "
                 "the fee accrued (covered by your reports, inside your agreement, the fund in "
                 "the plan); 'nothing accrued' where there was no such day. Rate applied: the "
                 "rate on the last day that accrued.")
    text = "\n".join(notes)
    merged_text(row, text, note, first=0)
    ws.set_row(row, _height(text, 115))
    row += 1

    page_setup(ws, f"{title}: remittance statement {label}, {p.id}", landscape=False,
               repeat_rows=(header_row, header_row) if len(s.lines) > ONE_PAGE_LINES else None)
    if len(s.lines) <= ONE_PAGE_LINES:
        ws.fit_to_pages(1, 1)
    ws.print_area(0, 0, row - 1, last_col)
    wb.close()
    return buf.getvalue()


@lru_cache(maxsize=1)
def _plan_title() -> str:
    return str(default_plan()["title"])


def _fee_note(day_count: str, rounding: str) -> str:
    y = "365 days" if day_count == "Actual/365" else "365 days (366 in a leap year)"
    r = ("each day's fee is rounded to the cent" if rounding == "Daily"
         else "the period's fee is rounded half up to the cent once per fund")
    return (f"Rates are annual. Each day's fee is the attributable assets × the rate applied ÷ {y}; "
            f"{r}.")


def statements_for(pr: PayRun) -> list[tuple[str, str, bytes]]:
    """Every statement of a payment run: (provider ID, file name, workbook bytes)."""
    names = statement_files(s.provider.id for s in pr.statements)
    return [(s.provider.id, names[s.provider.id], statement_bytes(pr, s)) for s in pr.statements]
