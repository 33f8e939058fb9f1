"""``run.json``: the record of one run (SPEC §6 "Every run writes run.json"), so that any figure
can be traced to the exact workbook that produced it.

    {"tool": "fee12b1", "version": ..., "command": "pay" | "compute",
     "input": {"file": NAME, "sha256": HEX},
     "settings": {"Period Start": "2001-01-01", ..., "Service Fee Cap": "0.0025", ...},
     "period": {...}, "totals": {"plan_fee": 1234.56, ...},
     "findings": {"errors": 0, "warnings": N},
     "files": [{"name": "remittance.csv", "bytes": N, "sha256": HEX}, ...]}

Money totals are JSON numbers written exactly as their two-decimal text (``1234.50``), so
``json.loads(text, parse_float=decimal.Decimal)`` reads them exactly; settings are strings as
the Settings table takes them (rates as decimal fractions).  No time stamp: the same input gives
the same bytes.  ``read_run_record`` reads one back (for the published copy's cover).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path

from .. import __version__
from ..contract import Settings
from ..errors import UsageError
from ..findings import Finding
from ..money import cents_to_decimal
from .files import sha256_file

RUN_RECORD = "run.json"
_NUMBER = "\u0000money:"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def settings_record(st: Settings) -> dict[str, str]:
    """The settings in force, by their Settings-table labels, as text."""
    out = {}
    for f in fields(Settings):
        v = getattr(st, f.name)
        if v is None:
            text = ""
        elif isinstance(v, date):
            text = v.isoformat()
        elif isinstance(v, Decimal):
            text = format(v.normalize(), "f")
        else:
            text = str(v)
        out[f.metadata["label"]] = text
    return out


def money(cents: int) -> str:
    """A money total for ``run_record``: written as an exact JSON number."""
    return _NUMBER + format(cents_to_decimal(cents), "f")


def file_entry(name: str, data: bytes, **extra) -> dict:
    return {"name": name, "bytes": len(data), "sha256": sha256_bytes(data), **extra}


def run_record(command: str, source: Path, source_sha256: str, settings: Settings, period: dict,
               totals: dict[str, int], findings: list[Finding], files: list[dict]) -> bytes:
    """The bytes of ``run.json`` (see the module docstring); ``totals`` in cents."""
    rec = {
        "tool": "fee12b1",
        "version": __version__,
        "command": command,
        "input": {"file": Path(source).name, "sha256": source_sha256},
        "settings": settings_record(settings),
        "period": period,
        "totals": {k: money(v) for k, v in totals.items()},
        "findings": {"errors": sum(f.is_error for f in findings),
                     "warnings": sum(not f.is_error for f in findings)},
        "files": files,
    }
    text = json.dumps(rec, indent=2, ensure_ascii=False)
    text = re.sub('"' + re.escape(json.dumps(_NUMBER)[1:-1]) + r'(-?\d+\.\d\d)"', r"\1", text)
    return (text + "\n").encode("utf-8")


def read_run_record(folder, source_sha256: str | None = None) -> dict:
    """The run.json of a payment run folder (or the file itself), money as Decimal.  With
    ``source_sha256``, a record made from another workbook is refused (UsageError)."""
    path = Path(folder)
    if path.is_dir():
        path = path / RUN_RECORD
    try:
        rec = json.loads(path.read_text("utf-8"), parse_float=Decimal)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: not a readable run record ({exc})") from None
    if not isinstance(rec, dict) or rec.get("tool") != "fee12b1" or "input" not in rec:
        raise UsageError(f"{path}: not a fee12b1 run record")
    if source_sha256 is not None and rec["input"].get("sha256") != source_sha256:
        raise UsageError(f"{path} was made from another workbook ({rec['input'].get('file')}, "
                         f"SHA-256 {str(rec['input'].get('sha256'))[:12]}...), not this one")
    return rec


def cover_rows(rec: dict) -> list[tuple[str, object]]:
    """(label, value) rows naming a payment run's period and totals, for the cover of the
    published copy (values: text or Decimal money)."""
    per, tot = rec.get("period", {}), rec.get("totals", {})
    names: list[tuple[str, object]] = [
        ("Payment run", f"{per.get('payment_period')} ({per.get('start')} to {per.get('end')}, "
                        f"{per.get('payment_frequency')})")]
    labels = (("plan_fee", "  Plan fee"), ("service_fees", "  Service fees"),
              ("asset_based_sales_charge", "  Asset-based sales charge"),
              ("carried_in", "  Carried in"), ("payable", "  Payable"),
              ("carried", "  Carried out"))
    for key, label in labels:
        if key in tot:
            names.append((label, Decimal(str(tot[key]))))
    n = sum(1 for f in rec.get("files", []) if str(f.get("name", "")).startswith("statements/"))
    names.append(("  Payment run record", f"run.json, {n} statement(s)"))
    return names


def _cents_sum(values) -> int:
    return sum(int(Decimal(v).scaleb(2)) for v in values)


def compute_totals(res) -> dict[str, int]:
    """The totals of a computed ``engine.Result`` (cents): plan fee, service fees and
    asset-based sales charge of the accruals, payable of the payments, and the amounts still
    carried at the end (each provider's last carried out)."""
    acc, pmt = res.tables["accruals"], res.tables["payments"]
    last: dict[str, int] = {}
    for pid, out in zip(pmt["provider_id"], pmt["carried_out"]):
        last[pid] = int(out.scaleb(2))                 # rows by provider, then period
    return {"plan_fee": _cents_sum(acc["plan_fee"]),
            "service_fees": _cents_sum(acc["service_fees"]),
            "asset_based_sales_charge": _cents_sum(acc["asset_based_sales_charge"]),
            "payable": _cents_sum(pmt["payable"]),
            "carried": sum(last.values())}


def compute_record(res, source, names, out) -> bytes:
    """``run.json`` of ``fee12b1 compute --csv``: ``names`` are the files already written to
    the output set ``out`` (read back from its staging folder for their SHA-256)."""
    files = [file_entry(n, out.path(n).read_bytes()) for n in names]
    period = {"start": res.start.isoformat(), "end": res.end.isoformat(), "by": res.by,
              "payment_frequency": res.book.settings.payment_frequency}
    return run_record("compute", Path(source), sha256_file(source), res.book.settings, period,
                      compute_totals(res), res.findings, files)
