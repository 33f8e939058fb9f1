"""The engine pieces the measures time, and the baselines beside them: the naive Decimal
route, calamine's and openpyxl's raw reads, and a fresh-process memory probe."""
from __future__ import annotations

import dataclasses
import gc
import json
import pickle
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import localcontext
from pathlib import Path

import numpy as np

from fee_core.compute.accruals import plan_fees
from fee_core.compute.payments import payments
from fee_core.compute.periods import periods
from fee_core.compute.service import service_fees
from fee_core.engine import load
from fee_core.findings import has_errors
from fee_core.money import rate_units
from fee_core.rules import build_grid

from .timing import ROOT, timed

# the fixed cost of a `fee12b1 compute` process: the interpreter and the modules compute
# imports -- the analogue of LibreOffice converting an empty workbook
STARTUP_CODE = ("import fee_core.cli, fee_core.commands.compute, fee_core.engine, fee_core.read, "
                "python_calamine")


def load_book(path):
    """(Book, findings) of a benchmark workbook; errors in it stop the benchmark."""
    book, findings = load(path)
    if book is None or has_errors(findings):
        bad = [f for f in findings if f.severity == "error"][:5]
        raise RuntimeError(f"benchmark workbook {path} has errors: {bad}")
    return book, findings


def engine_accruals(book, s: date, e: date):
    """The accruals kernel alone: the daily grid and the monthly plan fees over [s, e]."""
    grid, _ = build_grid(book, s, e)
    pers = periods(s, e, "month")
    return grid, plan_fees(grid, pers, book.settings.rounding, rate_units(book.settings.absc_cap))


def engine_payouts(book, grid, s: date, e: date):
    """The payouts kernel alone: monthly service fees and payments over [s, e] of ``grid``."""
    pers = periods(s, e, "month")
    sf = service_fees(grid, book, pers, book.settings.rounding)
    return sf, payments(book, sf, pers)


def subset_book(book, n: int):
    """The Book with only the first ``n`` providers and their Provider Assets rows."""
    pa = book.provider_assets
    # provider indices are positions in book.providers: the first n keep theirs
    return dataclasses.replace(book, providers=book.providers[:n],
                               provider_assets=pa.take((pa["pidx"] >= 0) & (pa["pidx"] < n)))


def gather_reference(n: int, reps: int) -> float:
    """numpy alone, for the growth table: a random gather over n int64 (what the payouts engine
    does a few dozen times), so cache effects at a size show apart from the engine's own."""
    rng = np.random.default_rng(1)
    a, idx = rng.integers(0, 1 << 40, n), rng.permutation(n)
    return timed(lambda: a[idx], max(reps, 5))["median"]


def compute_argv(path, outdir) -> list[str]:
    return [sys.executable, "-m", "fee_core", "compute", str(path), "--csv", str(outdir), "--force"]


def naive_times(path, n: int, start=None, end=None) -> dict:
    """The naive Decimal reference: its openpyxl read and its day-by-day compute, apart."""
    from tests import naive_reference as N
    reads, comps, out = [], [], None
    for _ in range(max(1, n)):
        gc.collect()
        t = time.perf_counter()
        book = N.NaiveBook(path)
        t1 = time.perf_counter()
        with localcontext() as ctx:
            ctx.prec = 50
            out = N._compute(book, start or book.period_start, end or book.period_end, "month")
        t2 = time.perf_counter()
        reads.append(t1 - t)
        comps.append(t2 - t1)
    return {"read": statistics.median(reads), "compute": statistics.median(comps),
            "compute_min": min(comps), "compute_max": max(comps), "runs": len(comps), "_out": out}


def calamine_raw(path):
    import python_calamine
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    return [wb.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in wb.sheet_names]


def openpyxl_read(path) -> int:
    import openpyxl
    wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += len(row)
    wb.close()
    return n


def _status(key: str) -> int | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    return None


def memory_worker(pickle_path: str, s: str, e: str) -> None:
    """In a fresh process: load the pickled Book, build the grid of [s, e], then measure the peak
    RSS growth of service_fees + payments (VmHWM reset through /proc/self/clear_refs) and, in a
    second pass, the tracemalloc peak (numpy allocations are traced).  Prints one JSON line."""
    import resource
    import tracemalloc
    with open(pickle_path, "rb") as fh:
        book = pickle.load(fh)
    s1, e1 = date.fromisoformat(s), date.fromisoformat(e)
    grid, _ = build_grid(book, s1, e1)
    engine_payouts(book, grid, s1, e1)  # warm imports / caches
    gc.collect()
    out: dict = {"ru_maxrss_before": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    rss0 = _status("VmRSS:")
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    t = time.perf_counter()
    sf, pm = engine_payouts(book, grid, s1, e1)
    out["seconds"] = time.perf_counter() - t
    del sf, pm
    peak = _status("VmHWM:")
    out.update(vmhwm_reset=reset, rss_before=rss0, peak_rss=peak,
               peak_delta=(peak - rss0) if reset and rss0 and peak else None,
               ru_maxrss_after=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    gc.collect()
    tracemalloc.start()
    engine_payouts(book, grid, s1, e1)
    out["tracemalloc_peak"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps(out))


def payouts_memory(book, tmp: Path, s: date, e: date) -> dict:
    """``memory_worker`` in a fresh process."""
    pk = tmp / "book.pickle"
    with open(pk, "wb") as fh:
        pickle.dump(book, fh, protocol=pickle.HIGHEST_PROTOCOL)
    code = ("from bench.engine import memory_worker; "
            f"memory_worker({str(pk)!r}, {s.isoformat()!r}, {e.isoformat()!r})")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT))
    if p.returncode != 0:
        return {"error": p.stderr[-1500:]}
    return json.loads(p.stdout.strip().splitlines()[-1])
