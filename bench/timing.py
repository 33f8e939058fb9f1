"""Timing and reporting helpers: medians of repeated runs, subprocess timing, the machine, and
the text/markdown tables of the results."""
from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, n: int, setup=None) -> dict:
    """Run ``fn`` ``n`` times (after ``setup`` each time, untimed); median/min/max seconds and
    the last result under ``_result``."""
    ts = []
    result = None
    for _ in range(max(1, n)):
        result = None       # free the previous run's result first: a held 1 M-row result
        if setup:           # would slow the next run's garbage collections
            setup()
        gc.collect()
        t = time.perf_counter()
        result = fn()
        ts.append(time.perf_counter() - t)
    med = statistics.median(ts)
    return {"median": med, "min": min(ts), "max": max(ts), "runs": len(ts),
            "spread": (max(ts) - min(ts)) / med if med else 0.0, "_result": result}


def clean(m: dict) -> dict:
    """A measurement without its ``_``-prefixed parts (results kept for checks)."""
    return {k: v for k, v in m.items() if not k.startswith("_")}


def subprocess_seconds(argv: list[str], n: int, env=None) -> dict:
    """``timed`` of a command; a failing command stops the benchmark with its output."""
    def once():
        p = subprocess.run(argv, capture_output=True, text=True, env=env)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} -> {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
        return p
    return timed(once, n)


# Runs one fee12b1 command in this process and prints its peak RSS (KiB) to stderr as the last
# line, so each measured process reports its own peak.  VmHWM, not getrusage's ru_maxrss: Linux
# carries ru_maxrss across fork and exec, so a child of a large bench process would report the
# parent's size; VmHWM belongs to the address space exec made fresh.
_RUNNER = ("import sys\n"
           "from fee_core.cli import main\n"
           "rc = main(sys.argv[1:])\n"
           "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
           "print('maxrss', hwm[0], file=sys.stderr)\n"
           "sys.exit(rc)\n")


def fee12b1_process(args: list[str]) -> dict:
    """``fee12b1 *args`` as one fresh process: wall seconds, CPU seconds (user + system, from
    ``os.wait4``) and its own peak RSS in MB; a failing command stops the benchmark."""
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", _RUNNER, *args], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read() if p.stderr else ""
    if p.stderr:
        p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"fee12b1 {' '.join(args)} failed ({p.returncode}): {err[-500:]}")
    peak_kib = int(err.strip().splitlines()[-1].split()[-1])
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak_kib / 1024}


def _first_line(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line
    except OSError:
        pass
    return None


def machine() -> dict:
    """The machine, the versions and the commit the figures come from."""
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"
    cpu = _first_line("/proc/cpuinfo", "model name")
    mem = _first_line("/proc/meminfo", "MemTotal")
    git = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "fee_core", "addin"],
                           capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(),
            "cpu": cpu.split(":", 1)[1].strip() if cpu else platform.processor(),
            "mem_gb": round(int(mem.split()[1]) / 1024 / 1024, 1) if mem else None,
            "python": platform.python_version(), "numpy": np.__version__, "pandas": ver("pandas"),
            "python-calamine": ver("python-calamine"), "openpyxl": ver("openpyxl"),
            "xlsxwriter": ver("XlsxWriter"), "platform": platform.platform(),
            "loadavg_start": os.getloadavg(),
            "git": git + (" (fee_core/addin with uncommitted changes)" if dirty else "")}


def ms(x: float) -> str:
    """Seconds as '12.3 ms' or '1.23 s'."""
    return f"{x * 1e3:,.1f} ms" if x < 1 else f"{x:,.2f} s"


def met(ok: bool, missed: str = "MISSED") -> str:
    return "met" if ok else missed


def fmt_table(headers, rows) -> str:
    w = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = "  ".join(h.ljust(n) for h, n in zip(headers, w))
    out = [line, "-" * len(line)]
    out += ["  ".join(str(x).ljust(n) for x, n in zip(r, w)) for r in rows]
    return "\n".join(out)


def md_table(headers, rows) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(x).replace("|", "/") for x in r) + " |" for r in rows]
    return "\n".join(out)
