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
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir())}


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
    assert b"step 1/6: building the sample workbook for 2001" in seen and b"step 6/6" in seen


def test_demo_summary_ties_to_compute(demo_run, tmp_path):
    """The summary is the year as one period: it equals ``compute --by period``."""
    out, p = demo_run
    assert main(["compute", str(out / "sample-2001.xlsx"), "--by", "period", "--csv",
                 str(tmp_path)]) == 0
    rows = list(csv.DictReader(open(tmp_path / "accruals.csv", encoding="utf-8")))
    for r in rows:
        line = next(ln for ln in p.stdout.splitlines() if ln.startswith(r["fund"] + "  "))
        assert line.split()[-4:] == [f"{Decimal(r[k]):,.2f}" for k in (
            "average_daily_net_assets", "plan_fee", "service_fees", "asset_based_sales_charge")]
    total = sum(Decimal(r["plan_fee"]) for r in rows)
    line = next(ln for ln in p.stdout.splitlines() if ln.startswith("Total  "))
    assert f"{total:,.2f}" in line
    svc = sum(Decimal(r["service_fees"]) for r in rows)
    assert f"{svc:,.2f}" in line
    warnings = sum(1 for r in csv.DictReader(open(out / "checks.csv", encoding="utf-8"))
                   if r["severity"] == "warning")
    assert f"{warnings} warning(s)" in p.stdout


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
