"""The command line as a user meets it: exit codes, no command touching its input, outputs that
cannot become formulas, atomic refusals."""
from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys

import pytest

from fee_core.cli import main
from fee_core.write.inputs import write_input_workbook
from templates.builder import build_template
from tests.test_bad_books import good_tables


def sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    p = tmp_path_factory.mktemp("cli") / "sample.xlsx"
    build_template(p, 2001, sample=True)
    return p


def test_no_command_modifies_its_input(sample, tmp_path):
    before = sha(sample)
    mtime = sample.stat().st_mtime_ns
    assert main(["check", str(sample)]) == 0
    assert main(["compute", str(sample), "--csv", str(tmp_path / "c")]) == 0
    assert main(["compute", str(sample), "--csv", str(tmp_path / "c"), "--by", "quarter", "--force"]) == 0
    assert main(["publish", str(sample), str(tmp_path / "pub.xlsx")]) == 0
    assert main(["report", str(sample), "--quarter", "2001Q3", str(tmp_path / "r.xlsx")]) == 0
    assert sha(sample) == before and sample.stat().st_mtime_ns == mtime
    # and none of them may write onto it
    assert main(["publish", str(sample), str(sample), "--force"]) == 2
    assert main(["report", str(sample), "--quarter", "2001Q3", str(sample), "--force"]) == 2
    assert sha(sample) == before


def test_usage_errors_exit_2(sample, tmp_path, capsys):
    assert main(["compute", str(tmp_path / "missing.xlsx"), "--csv", str(tmp_path)]) == 2
    assert main(["compute", str(sample), "--csv", str(tmp_path / "o"), "--start", "2001-03-01",
                 "--end", "2001-02-01"]) == 2
    with pytest.raises(SystemExit) as e:
        main(["compute", str(sample), "--csv", str(tmp_path / "o"), "--by", "week"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2


def test_existing_outputs_need_force(sample, tmp_path):
    out = tmp_path / "o"
    assert main(["compute", str(sample), "--csv", str(out)]) == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert main(["compute", str(sample), "--csv", str(out), "--by", "quarter"]) == 2
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps
    assert main(["template", str(tmp_path / "t.xlsx")]) == 0
    assert main(["template", str(tmp_path / "t.xlsx")]) == 2
    assert main(["template", str(tmp_path / "t.xlsx"), "--force"]) == 0


def test_errors_after_success_remove_stale_results(tmp_path):
    """With --force, a run that finds errors must not leave last run's figures beside them."""
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    t = good_tables()
    write_input_workbook(good, t)
    t["NAV"][4]["Balanced Fund"] = "oops"
    write_input_workbook(bad, t)
    out = tmp_path / "o"
    assert main(["compute", str(good), "--csv", str(out)]) == 0
    assert main(["compute", str(bad), "--csv", str(out), "--force"]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["checks.csv"]


def test_csv_text_cannot_become_a_formula(tmp_path):
    t = good_tables()
    for table in ("Providers", "ProviderAssets"):
        for r in t[table]:
            r["Provider ID"] = "=HYPERLINK(1)"
    p = tmp_path / "inj.xlsx"
    write_input_workbook(p, t)
    out = tmp_path / "o"
    assert main(["compute", str(p), "--csv", str(out)]) == 0
    with open(out / "payouts.csv", newline="") as fh:
        ids = {r["provider_id"] for r in csv.DictReader(fh)}
    assert ids == {"'=HYPERLINK(1)"}
    # money is never prefixed, even negative-looking text is only prefixed when it is text
    with open(out / "accruals.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert all(not r["plan_fee"].startswith("'") for r in rows)


def test_csv_formats(sample, tmp_path):
    out = tmp_path / "o"
    assert main(["compute", str(sample), "--csv", str(out), "--start", "2001-02-10",
                 "--end", "2001-05-20", "--by", "month"]) == 0
    head = {n: (out / n).read_text(encoding="utf-8").splitlines()[0] for n in
            ("accruals.csv", "payouts.csv", "payments.csv", "checks.csv")}
    assert head == {
        "accruals.csv": "fund,period_start,period_end,days,average_daily_net_assets,plan_fee,"
                        "service_fees,asset_based_sales_charge",
        "payouts.csv": "provider_id,fund,period_start,period_end,average_net_assets,rate,capped,service_fee",
        "payments.csv": "provider_id,period_start,period_end,service_fees,carried_in,payable,carried_out",
        "checks.csv": "severity,code,location,message"}
    with open(out / "accruals.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # periods clipped to [start, end]
    assert rows[0]["period_start"] == "2001-02-10" and rows[0]["days"] == "19"
    assert {r["period_end"] for r in rows} >= {"2001-05-20"}
    for r in rows:
        for k in ("average_daily_net_assets", "plan_fee", "service_fees", "asset_based_sales_charge"):
            whole, frac = r[k].split(".")
            assert len(frac) == 2 and whole.lstrip("-").isdigit()
    with open(out / "payouts.csv", newline="") as fh:
        assert {r["capped"] for r in csv.DictReader(fh)} == {"false"}   # no sample provider above the cap


def test_python_dash_m_and_console_script(sample, tmp_path):
    r = subprocess.run([sys.executable, "-m", "fee_core", "check", str(sample)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "0 error(s)" in r.stdout


def test_compute_does_not_import_pandas(sample, tmp_path):
    """Start-up is most of a small `fee12b1 compute`; pandas' import alone costs more than ten
    years of accruals, so the compute path stays free of it (DataFrames only on demand)."""
    code = ("import sys; from fee_core.cli import main; "
            f"rc = main(['compute', {str(sample)!r}, '--csv', {str(tmp_path / 'o')!r}]); "
            "print(rc, 'pandas' in sys.modules, 'openpyxl' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip().splitlines()[-1] == "0 False False", r.stderr


def test_command_exit_loses_nothing(sample, tmp_path):
    """`entry` leaves through sys.exit, the interpreter's normal exit: the exit code, every
    byte piped to stdout, the CSV files and atexit handlers all survive it."""
    out_proc, out_main = tmp_path / "p", tmp_path / "m"
    r = subprocess.run([sys.executable, "-m", "fee_core", "compute", str(sample), "--csv", str(out_proc)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert main(["compute", str(sample), "--csv", str(out_main)]) == 0
    for n in ("accruals.csv", "payouts.csv", "payments.csv", "checks.csv"):
        assert (out_proc / n).read_bytes() == (out_main / n).read_bytes()
    # a long report through a pipe arrives whole (json parses only if complete)
    r = subprocess.run([sys.executable, "-m", "fee_core", "check", str(sample), "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and len(json.loads(r.stdout)) > 10
    # usage errors keep their exit code; atexit handlers still run
    code = ("import atexit, sys; atexit.register(lambda: print('atexit ran')); "
            "sys.argv = ['fee12b1', 'compute', 'missing.xlsx', '--csv', 'o']; "
            "from fee_core.cli import entry; entry()")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout.strip() == "atexit ran", (r.stdout, r.stderr)
