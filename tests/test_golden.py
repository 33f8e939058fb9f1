"""Outputs byte-identical to the commit before the restructuring (issue 13, commit 4d78d0a).

``tests/data/golden/hashes.json`` holds the SHA-256 of what that commit wrote for four books:
the two sample workbooks its ``fee12b1 template --sample`` built (committed beside it: the
sample data has changed since, issue 14) and two bench workbooks, which ``bench.data`` still
builds part for part (the hash of their parts' names and bytes is recorded too, so the inputs
are known to be the same; the zip's own timestamps differ from build to build).  For each:
``compute --by month|quarter|period --csv`` (the four CSV files and the exit status) and
``check --format csv``.  A figure, a message or a column that moves fails here; ``run.json``
is new since and not compared."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from fee_core.cli import main

DATA = Path(__file__).parent / "data" / "golden"
GOLDEN = json.loads((DATA / "hashes.json").read_text())
CSVS = ("accruals.csv", "checks.csv", "payments.csv", "payouts.csv")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _parts_sha(path: Path) -> str:
    """The SHA-256 of a workbook's parts, names and bytes in name order (not the zip's dates)."""
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as z:
        for n in sorted(z.namelist()):
            h.update(n.encode() + b"\0" + z.read(n) + b"\0")
    return h.hexdigest()


def _book(name: str, tmp_path: Path, monkeypatch) -> Path:
    if name.startswith("sample"):
        return DATA / f"sample-{name[-4:]}.xlsx"
    from bench import data as D
    monkeypatch.setenv("FEE12B1_BENCH_CACHE", str(tmp_path / "bench"))
    if name == "acc10":
        return D.workbook(first_year=2001, last_year=2010, fund_copies=1)
    return D.workbook(first_year=2001, last_year=2010, n_providers=300, assets_year=2010)


@pytest.mark.parametrize("name", sorted(GOLDEN["books"]))
def test_outputs_are_those_of_the_commit_before(name, tmp_path, monkeypatch, capsys):
    book = _book(name, tmp_path, monkeypatch)
    assert _parts_sha(book) == GOLDEN["books"][name], "the input is not the recorded one"
    want = GOLDEN["outputs"]
    for by in ("month", "quarter", "period"):
        out = tmp_path / by
        rc = main(["compute", str(book), "--by", by, "--csv", str(out)])
        assert rc == want[f"{name}/{by}/rc"]
        for f in CSVS:
            assert _sha((out / f).read_bytes()) == want[f"{name}/{by}/{f}"], f"{by}/{f}"
    capsys.readouterr()
    main(["check", str(book), "--format", "csv"])
    assert _sha(capsys.readouterr().out.encode()) == want[f"{name}/check"]
