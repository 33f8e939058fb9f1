"""The sample raises only the warnings the seed itself causes (SPEC §2: its real
inconsistencies), and the findings printer groups repeated warnings of one kind into one line
with a count (``fee12b1 check --verbose`` lists each; csv, json and checks.csv keep all)."""
from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from fee_core.cli import main
from fee_core.console import print_findings
from fee_core.engine import load, run
from fee_core.findings import Location, error, warning
from templates.builder import build_template

# What the seed's own text causes: Schedule A and B date the Equity Income rename differently
# (Mar 29 vs Mar 19, 2002); nine funds are effective Nov 29, 2000, the day before the agreement;
# Schedule B spells all 19 funds differently from Schedule A ("INVESCO ... Fund").
SEED_WARNINGS = {"schedule.disagreement": 1, "plan.fund_before_plan": 9, "name.variant": 19}


@pytest.fixture(scope="module", params=[2001, 2002])
def sample(request, tmp_path_factory):
    p = tmp_path_factory.mktemp("smp") / f"sample-{request.param}.xlsx"
    build_template(p, request.param, sample=True)
    return p


def test_sample_raises_only_the_seeds_warnings(sample):
    book, findings = load(sample)
    findings = run(book, findings).findings
    assert not any(f.is_error for f in findings)
    assert Counter(f.code for f in set(findings)) == SEED_WARNINGS
    for f in findings:     # each sits in the seed's own tables, not in the sample data
        assert f.location.table in {"FundNames", "ScheduleA", "ScheduleB"}, f


def test_check_groups_repeated_warnings(sample, capsys):
    assert main(["check", str(sample)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[-1] == ("0 error(s), 29 warning(s) (warnings of one kind grouped; "
                         "fee12b1 check --verbose lists each)")
    by_code = {ln.split()[1]: ln for ln in lines[:-1]}
    assert set(by_code) == set(SEED_WARNINGS)
    assert "name.variant (19)" in by_code["name.variant"]
    assert by_code["name.variant"].endswith("[and 18 more name.variant warning(s)]")
    assert "plan.fund_before_plan (9)" in by_code["plan.fund_before_plan"]
    assert "(1)" not in by_code["schedule.disagreement"]
    assert "'Schedule B'!A2" in by_code["name.variant"]     # the first stands for the group


def test_verbose_csv_json_and_checks_csv_keep_every_warning(sample, capsys, tmp_path):
    assert main(["check", str(sample), "--verbose"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 30 and lines[-1] == "0 error(s), 29 warning(s)"
    assert sum(ln.startswith("WARNING name.variant ") for ln in lines) == 19
    assert main(["check", str(sample), "--format", "csv"]) == 0
    assert len(list(csv.DictReader(io.StringIO(capsys.readouterr().out)))) == 29
    assert main(["check", str(sample), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 29
    assert main(["compute", str(sample), "--csv", str(tmp_path)]) == 0
    with open(tmp_path / "checks.csv", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 29


def test_errors_are_never_grouped():
    loc = [Location(sheet="NAV", table="NAV", row=r, column="Date", cell=f"A{r}") for r in (2, 3, 4)]
    findings = [error("cell.not_a_date", x, "not a date") for x in loc] + \
        [warning("nav.jump", x, "jumps") for x in loc] + [warning("other.kind", loc[0], "once")]
    out = io.StringIO()
    print_findings(findings, out=out)
    lines = out.getvalue().splitlines()
    assert [ln.split()[1] for ln in lines[:-1]] == ["cell.not_a_date"] * 3 + ["nav.jump", "other.kind"]
    assert "nav.jump (3)" in lines[3] and lines[3].endswith("[and 2 more nav.jump warning(s)]")
    assert lines[-1].startswith("3 error(s), 4 warning(s)")
    out = io.StringIO()
    print_findings(findings, out=out, verbose=True)
    assert len(out.getvalue().splitlines()) == 8
