"""The hostile-workbook corpus (issue 12): every ``Case`` of ``tests/hostile/cases_*.py`` through
the real command line, each command its own process (forked from a worker that has imported
the command line once; see ``run_command``).

For each case the workbook is built by code, then ``check`` and ``compute`` run on it (and the
extra commands its module lists, e.g. ``report`` or ``publish``), and the runner asserts:

* the exit status (``Case.exit``; ``compute`` with ``Case.args``), no traceback, at most a short
  message on stderr, and no raw control character on stdout (a forged line cannot be drawn);
* the expected finding: its code, severity and a fragment of its location (``check --format
  json``), and the codes that must *not* follow from it (root cause first);
* the input's SHA-256 unchanged; no partial outputs: the four CSVs (and run.json) on exit 0, only
  ``checks.csv`` on exit 1, nothing on exit 2, no staging folder left behind;
* CPU time under 10 s and peak memory under 1 GB for every command (``os.wait4`` gives each
  child's own resource usage); the worst per command is printed at the end of the run.

A module may also define ``ABSENT`` (case -> codes that must not appear), ``MESSAGE`` (case ->
a fragment of the expected finding's message), ``COMMANDS`` (case -> list of (argv tail with
``{book}``/``{out}`` placeholders, expected exit, expected code or None)) and ``PENDING``
(case -> what it waits for: an expected failure until then, strict, so it is noticed when it
passes).  Cases run in a thread pool (each command is its own process).
"""
from __future__ import annotations

import hashlib
import importlib
import io
import json
import multiprocessing
import os
import pkgutil
import re
import signal
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hostile.case import Case

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CPU_LIMIT_S = 10.0
MEMORY_LIMIT_KB = 1024 * 1024            # 1 GB (ru_maxrss is in KiB on Linux)
KILL_AFTER_S = 120.0
CSVS = {"accruals.csv", "payouts.csv", "payments.csv", "checks.csv"}
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_COUNT_LINE = re.compile(r"^\d+ error\(s\), \d+ warning\(s\)( \(warnings of one kind grouped; [^)]*\))?$")


def _modules():
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("cases_"))
    return [importlib.import_module(f"tests.hostile.{n}") for n in names]


MODULES = _modules()
CASES: list[tuple[object, Case]] = [(m, c) for m in MODULES for c in m.CASES]


def _extra(module, attr: str, name: str, default):
    return getattr(module, attr, {}).get(name, default)


@dataclass
class Run:
    """One command: argv, exit status, output, wall and CPU seconds, peak memory (KiB)."""

    argv: list[str]
    rc: int
    out: str
    err: str
    wall: float
    cpu: float
    rss_kb: int


@dataclass
class CaseResult:
    name: str
    book: Path
    sha_before: str
    sha_after: str = ""
    runs: dict[str, Run] = field(default_factory=dict)
    outs: dict[str, Path] = field(default_factory=dict)
    crash: str = ""


def run_command(argv: list[str], cwd: Path) -> Run:
    """``fee12b1 *argv`` as its own process with its own resource usage (``os.wait4``).

    The process is forked from this worker, which has imported the command line once
    (``_warm``), and runs what ``python -m fee_core`` runs (``cli.entry``) with stdin, stdout
    and stderr on files, ``cwd`` as its folder and the environment of a plain run: a crash
    (a native abort, a kill on the time limit) ends that process alone, as it would a real
    run, without paying the interpreter's start and imports a thousand times.  An exception
    that escapes ``entry`` prints its traceback and exits 1, as the interpreter does."""
    _warm()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:                                        # the child: never returns
            _child(argv, cwd, out.fileno(), err.fileno())
        killer = threading.Timer(KILL_AFTER_S, os.kill, (pid, signal.SIGKILL))
        killer.start()
        try:
            _, status, usage = os.wait4(pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return Run(argv, os.waitstatus_to_exitcode(status), out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), wall,
                   usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def _warm() -> None:
    """The command line and every built-in command imported once in this worker."""
    from fee_core import cli
    for name in cli.BUILTIN.values():
        importlib.import_module(name)
    importlib.import_module("fee_core.engine")


def _child(argv: list[str], cwd: Path, out_fd: int, err_fd: int) -> None:
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        for fd, target in ((null, 0), (out_fd, 1), (err_fd, 2)):
            os.dup2(fd, target)
        os.chdir(cwd)
        os.environ.pop("FEE12B1_DEBUG", None)
        os.environ["PYTHONIOENCODING"] = "utf-8"
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True)
        sys.argv = ["fee12b1", *argv]
        from fee_core.cli import entry
        try:
            entry()
            code = 0
        except SystemExit as e:                             # what the interpreter does with it
            if e.code is None or isinstance(e.code, int):
                code = e.code or 0
            else:
                print(e.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)                                  # the test's fork: no pytest teardown


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_case(module, case: Case, root: Path) -> CaseResult:
    work = root / case.name
    work.mkdir()
    book = work / f"{case.name}.xlsx"
    try:
        case.build(book)
    except Exception:
        return CaseResult(case.name, book, "", crash=traceback.format_exc())
    res = CaseResult(case.name, book, _sha(book))
    res.outs["compute"] = work / "out"
    res.runs["check"] = run_command(["check", str(book), "--format", "json"], work)
    res.runs["compute"] = run_command(["compute", str(book), "--csv", str(work / "out"),
                                       *case.args], work)
    for k, (tail, _, _) in enumerate(_extra(module, "COMMANDS", case.name, [])):
        out = work / f"extra{k}"
        argv = [a.format(book=book, out=out) for a in tail]
        res.runs[f"extra{k}:{tail[0]}"] = run_command(argv, work)
        res.outs[f"extra{k}:{tail[0]}"] = out
    res.sha_after = _sha(book)
    return res


def _run_index(i: int, root: Path) -> CaseResult:
    module, case = CASES[i]
    return run_case(module, case, root)


STATS: dict[str, tuple[float, int, str, str]] = {}     # command -> (cpu s, rss KiB, case, case)
WALL: dict[str, tuple[float, str]] = {}                 # command -> (wall s, case)


@pytest.fixture(scope="session")
def corpus(request, tmp_path_factory):
    """Every selected case run once, in parallel; results by case name."""
    root = tmp_path_factory.mktemp("hostile")
    selected = {item.callspec.params["case"].name for item in request.session.items
                if hasattr(item, "callspec") and "case" in item.callspec.params}
    todo = [i for i, (_, c) in enumerate(CASES) if c.name in selected]
    workers = max(2, os.cpu_count() or 2)
    roots = [root] * len(todo)
    if "fork" in multiprocessing.get_all_start_methods():
        # building a workbook is Python work: one process per worker (forked, so the cases'
        # build functions need no pickling); each command is its own process anyway
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            results = list(pool.map(_run_index, todo, roots))
    else:
        with ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(_run_index, todo, roots))
    for r in results:
        for key, run in r.runs.items():
            cmd = key.split(":")[-1]
            cpu, rss, c1, c2 = STATS.get(cmd, (0.0, 0, "", ""))
            if run.wall >= WALL.get(cmd, (0.0, ""))[0]:
                WALL[cmd] = (run.wall, r.name)
            STATS[cmd] = (max(cpu, run.cpu), max(rss, run.rss_kb),
                          r.name if run.cpu >= cpu else c1,
                          r.name if run.rss_kb >= rss else c2)
    return {r.name: r for r in results}


def test_corpus_names_are_unique():
    names = [c.name for _, c in CASES]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", n) for n in names)


def test_corpus_is_large_enough():
    assert len(CASES) >= 100, f"{len(CASES)} cases"


def _common(run: Run, label: str) -> None:
    text = run.out + run.err
    assert "Traceback" not in text and "PanicException" not in text, f"{label}: {text[-2000:]}"
    assert run.rc in (0, 1, 2), f"{label}: exit {run.rc}: {run.err[-500:]}"
    assert len(run.err.strip().splitlines()) <= 3, f"{label}: stderr {run.err[-1000:]}"
    assert not _CONTROL.search(run.out), f"{label}: a raw control character on stdout"
    assert run.cpu < CPU_LIMIT_S, f"{label}: {run.cpu:.1f} s of CPU"
    assert run.rss_kb < MEMORY_LIMIT_KB, f"{label}: {run.rss_kb / 1024:.0f} MB"


def _no_partial(folder: Path, rc: int, label: str) -> None:
    names = {p.name for p in folder.iterdir()} if folder.exists() else set()
    assert not [n for n in names if n.startswith(".fee12b1-")], f"{label}: staging left: {names}"
    if rc == 2:
        assert not names, f"{label}: exit 2 but {names} written"


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _no_formula_fields(path: Path) -> None:
    """No CSV field that a spreadsheet would run as a formula (text from the input is
    written with a leading apostrophe; numbers are numbers)."""
    import csv
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            for v in row:
                assert not (v[:1] in ("=", "+", "@", "\t", "\r")
                            or (v.startswith("-") and not _NUMBER.fullmatch(v))), f"{path.name}: {v!r}"


_INJECTED = re.compile(r"HYPERLINK\(|cmd\||@SUM|\bDDE\b", re.I)


_STRUCTURED = re.compile(r"\[(?:'.|[^\]\['])*\]")


def _outside_names(formula: str) -> str:
    """A formula without its structured-reference column names (``NAV[[=HYPERLINK(...)]]``
    names a column: its text is not evaluated)."""
    while True:
        shorter = _STRUCTURED.sub("", formula)
        if shorter == formula:
            return formula
        formula = shorter


def _no_formula_from_text(book: Path) -> None:
    """A workbook the tool wrote holds no formula made of input text (a fund name such as
    ``=HYPERLINK(...)`` stays text, or a column name inside a structured reference): every
    formula cell is checked for the injected names."""
    from openpyxl import load_workbook
    wb = load_workbook(book, read_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if getattr(c, "data_type", None) == "f":
                    text = str(getattr(v, "text", v))
                    assert not _INJECTED.search(_outside_names(text)), \
                        f"{book.name}!{ws.title}: formula {text!r}"
    wb.close()


def _find(findings, case: Case, message: str | None):
    hits = [f for f in findings if f["code"] == case.code and f["severity"] == case.severity]
    assert hits, f"no {case.severity} {case.code} among {[(f['code'], f['location']) for f in findings]}"
    if message is not None:
        assert any(message in f["message"] for f in hits), [f["message"] for f in hits]
    if case.where is not None:
        assert any(case.where in f["location"] for f in hits), f"{case.code} not at {case.where!r}"


def _params():
    out = []
    for module, case in CASES:
        marks = []
        pending = _extra(module, "PENDING", case.name, None)
        if pending:
            marks.append(pytest.mark.xfail(reason=pending, strict=True))
        out.append(pytest.param(module, case, id=case.name, marks=marks))
    return out


@pytest.mark.parametrize(("module", "case"), _params())
def test_case(corpus, module, case: Case):
    r: CaseResult = corpus[case.name]
    assert not r.crash, f"building the workbook failed:\n{r.crash}"
    assert r.sha_after == r.sha_before, "the input workbook was changed"
    absent = set(_extra(module, "ABSENT", case.name, ()))
    message = _extra(module, "MESSAGE", case.name, None)
    # check (the Settings period): exit status, the finding, root cause first
    chk = r.runs["check"]
    _common(chk, "check")
    if chk.rc in (0, 1):
        findings = json.loads(chk.out)
        assert len(findings) <= 500, f"{len(findings)} findings: repeated ones must be capped"
        codes = {f["code"] for f in findings}
        assert not codes & absent, f"follow-on findings {codes & absent}"
        if not case.args:
            assert chk.rc == case.exit, f"check exit {chk.rc}, expected {case.exit}: {codes}"
            if case.code is not None:
                _find(findings, case, message)
    # compute: exit status, only the outputs the status allows, the finding in checks.csv
    cmp_ = r.runs["compute"]
    _common(cmp_, "compute")
    assert cmp_.rc == case.exit, f"compute exit {cmp_.rc}, expected {case.exit}: {cmp_.out[-1500:]}"
    out = r.outs["compute"]
    _no_partial(out, cmp_.rc, "compute")
    names = {p.name for p in out.iterdir()} if out.exists() else set()
    if cmp_.rc == 0:
        assert names - {"run.json"} == CSVS, names      # run.json: the run record (SPEC §6)
    elif cmp_.rc == 1:
        assert names == {"checks.csv"}, names
    for f in out.glob("*.csv"):
        _no_formula_fields(f)
    if cmp_.rc in (0, 1):
        lines = cmp_.out.splitlines()
        assert sum(bool(_COUNT_LINE.match(x)) for x in lines) == 1, "a forged count line"
        if case.code is not None:
            assert case.code in (out / "checks.csv").read_text(encoding="utf-8")
    # extra commands (report, publish ...)
    for k, (tail, rc, code) in enumerate(_extra(module, "COMMANDS", case.name, [])):
        key = f"extra{k}:{tail[0]}"
        run = r.runs[key]
        _common(run, key)
        assert run.rc == rc, f"{key} exit {run.rc}, expected {rc}: {(run.out + run.err)[-1500:]}"
        _no_partial(r.outs[key], run.rc, key)
        if run.rc != 0 and r.outs[key].exists():
            assert not list(r.outs[key].iterdir()), f"{key} failed but wrote {list(r.outs[key].iterdir())}"
        if code is not None:
            assert code in run.out, f"{key}: no {code} in {run.out[-1500:]}"
        if run.rc == 0:
            for book in r.outs[key].rglob("*.xlsx"):
                _no_formula_from_text(book)


def worst_lines() -> list[str]:
    """The worst CPU time and peak memory per command across the corpus."""
    return [f"{cmd:10} worst CPU {cpu:5.2f} s ({c1}), wall {WALL[cmd][0]:5.2f} s ({WALL[cmd][1]}), "
            f"worst peak memory {rss / 1024:6.0f} MB ({c2})"
            for cmd, (cpu, rss, c1, c2) in sorted(STATS.items())]
