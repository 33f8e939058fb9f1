"""``fee12b1 demo`` (issue 6): writes every file into a fresh folder, refuses a non-empty one."""
from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from fee_core.cli import main
from templates.demo import demo_files

ROOT = Path(__file__).resolve().parent.parent


def _state(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "fee12b1-demo"
    p = subprocess.run([sys.executable, "-m", "fee_core", "demo", "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    return out, p


def test_demo_writes_every_file(demo_run):
    out, p = demo_run
    assert p.returncode == 0, p.stdout + p.stderr
    names = set(demo_files(2001).values())
    assert {f.name for f in out.iterdir()} == names
    for name in names:
        assert (out / name).stat().st_size > 0, name
        if name.endswith(".xlsx"):
            assert openpyxl.load_workbook(out / name).sheetnames
        assert str(out / name) in p.stdout, f"{name} not listed"
    assert p.stderr == ""          # progress only when stderr is a terminal (SPEC §8)
    pay = out / "payment-run-2001-12"
    assert {f.name for f in pay.iterdir()} == {"remittance.csv", "journal.csv", "statements", "run.json"}
    statements = sorted(f.name for f in (pay / "statements").iterdir())
    remittance = list(csv.DictReader(open(pay / "remittance.csv", encoding="utf-8")))
    assert statements == sorted(f"{r['provider_id']}.xlsx" for r in remittance) and statements
    assert f"Payment run 2001-12: {len(statements)} statement(s)" in p.stdout


def test_demo_shows_progress_on_a_terminal(tmp_path):
    import pty
    master, slave = pty.openpty()
    p = subprocess.run([sys.executable, "-m", "fee_core", "demo", "--out", str(tmp_path / "d")],
                       stdout=subprocess.PIPE, stderr=slave, cwd=ROOT, timeout=600)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:            # the terminal is closed once everything is read
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert p.returncode == 0
    assert b"step 1/7: building the sample workbook for 2001" in seen
    assert b"step 7/7: the payment run of 2001-12" in seen


def test_demo_console_totals_are_the_sums_of_accruals_csv(demo_run):
    """One answer everywhere (issue 14): each fund's line and the Total line on the console are
    the sums of that fund's (all) monthly rows of the demo's own accruals.csv, to the cent, and
    the console says which periods they are."""
    out, p = demo_run
    with open(out / "accruals.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    money = ("plan_fee", "service_fees", "asset_based_sales_charge")
    per_fund: dict[str, list[Decimal]] = {}
    for r in rows:
        assert r["period_start"][:7] == r["period_end"][:7]          # monthly rows
        acc = per_fund.setdefault(r["fund"], [Decimal(0)] * 3)
        for k, c in enumerate(money):
            acc[k] += Decimal(r[c])
    lines = p.stdout.splitlines()
    for fund, sums in per_fund.items():
        line = next(ln for ln in lines if ln.startswith(fund + "  "))
        assert line.split()[-3:] == [f"{x:,.2f}" for x in sums], fund
    total = next(ln for ln in lines if ln.startswith("Total  "))
    assert total.split()[-3:] == [f"{sum(v[k] for v in per_fund.values()):,.2f}" for k in range(3)]
    text = " ".join(lines)
    assert "2001-01-01 to 2001-12-31" in text and "sums of the monthly figures in accruals.csv" in text
    warnings = sum(1 for r in csv.DictReader(open(out / "checks.csv", encoding="utf-8"))
                   if r["severity"] == "warning")
    assert f"{warnings} warning(s)" in p.stdout


def test_demo_year_adna_is_the_engines(demo_run, tmp_path):
    """The ADNA column is the year's, as ``compute --by period`` gives it."""
    out, p = demo_run
    assert main(["compute", str(out / "sample-2001.xlsx"), "--by", "period", "--csv",
                 str(tmp_path)]) == 0
    for r in csv.DictReader(open(tmp_path / "accruals.csv", encoding="utf-8")):
        line = next(ln for ln in p.stdout.splitlines() if ln.startswith(r["fund"] + "  "))
        assert line.split()[-4] == f"{Decimal(r['average_daily_net_assets']):,.2f}"


def test_rerun_without_force_refuses_and_changes_nothing(demo_run):
    out, _ = demo_run
    before = _state(out)
    p = subprocess.run([sys.executable, "-m", "fee_core", "demo", "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert p.returncode == 2
    assert "--force" in p.stderr
    assert _state(out) == before


def test_non_empty_folder_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["demo", "--out", str(tmp_path)]) == 2
    assert [f.name for f in tmp_path.iterdir()] == ["notes.txt"]


def test_a_file_is_not_a_folder(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["demo", "--out", str(f)]) == 2
    assert f.read_text() == "x"


def test_force_rewrites(tmp_path, capsys):
    out = tmp_path / "d"
    assert main(["demo", "--out", str(out), "--year", "2002"]) == 0
    (out / "notes.txt").write_text("mine")
    os.utime(out / "accruals.csv", ns=(0, 0))
    assert main(["demo", "--out", str(out), "--year", "2002", "--force"]) == 0
    assert (out / "accruals.csv").stat().st_mtime_ns > 0
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "board-report-2002Q4.xlsx").exists()
    assert "Mid-Cap Growth Fund" in capsys.readouterr().out   # effective Jan 15, 2002
