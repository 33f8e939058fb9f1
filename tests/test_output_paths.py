"""Output paths (SPEC §5 "Output paths", issue 12): a folder that cannot be written -- read-only,
full, a parent that is a file -- is one line and exit status 2, leaving either the complete new
set of outputs or none and the previous set untouched; two runs into one folder leave one
consistent set; no command writes, replaces or deletes its input, whatever the output folder
or ``--force``.

The read-only and full-disk cases run on a real tmpfs when this machine lets the tests mount
one (as root); the same failures are also injected (``OSError(ENOSPC)`` from the writer, a
failing move) so they are proven everywhere."""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from fee_core.cli import main
from fee_core.write import files
from fee_core.write.inputs import write_input_workbook
from tests.books import base_tables, constant_nav

ROOT = Path(__file__).resolve().parent.parent
FUND = "Balanced Fund"
CSVS = ["accruals.csv", "checks.csv", "payments.csv", "payouts.csv"]


def good_tables(months: int = 3):
    end = date(2001, months, 28)
    t = base_tables(settings={"Period Start": date(2001, 1, 1), "Period End": end})
    t["NAV"] = constant_nav([FUND], date(2001, 1, 1), end)
    return t


def bad_tables():
    t = good_tables()
    t["NAV"][3][FUND] = "ten million"
    return t


@pytest.fixture
def books(tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    write_input_workbook(good, good_tables())
    write_input_workbook(bad, bad_tables())
    return good, bad


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry of a folder with its content's hash (folders as 'dir')."""
    if not folder.exists():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.iterdir())}


def one_line_usage_error(capsys, rc: int, *words: str) -> str:
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for w in words:
        assert w in err, err
    return err


# --------------------------------------------------------------------------- folders
def test_parent_that_is_a_file(books, tmp_path, capsys):
    good, _ = books
    (tmp_path / "f").write_text("x")
    rc = main(["compute", str(good), "--csv", str(tmp_path / "f" / "out")])
    one_line_usage_error(capsys, rc, "cannot write")
    assert (tmp_path / "f").read_text() == "x"


def test_output_folder_that_is_a_file(books, tmp_path, capsys):
    good, _ = books
    (tmp_path / "f").write_text("x")
    rc = main(["compute", str(good), "--csv", str(tmp_path / "f")])
    one_line_usage_error(capsys, rc, "is a file")
    assert (tmp_path / "f").read_text() == "x"


def test_full_disk_injected_keeps_the_previous_set(books, tmp_path, capsys, monkeypatch):
    good, bad = books
    out = tmp_path / "out"
    assert main(["compute", str(good), "--csv", str(out)]) == 0
    before = snapshot(out)
    calls = []
    real = files._fsync_write

    def full(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, data)

    monkeypatch.setattr(files, "_fsync_write", full)
    capsys.readouterr()
    rc = main(["compute", str(good), "--csv", str(out), "--force"])
    one_line_usage_error(capsys, rc, "No space left on device")
    assert snapshot(out) == before                      # the previous set, whole; no staging


def test_failed_move_puts_the_previous_set_back(books, tmp_path, capsys, monkeypatch):
    good, _ = books
    out = tmp_path / "out"
    assert main(["compute", str(good), "--csv", str(out)]) == 0
    before = snapshot(out)
    real = os.replace
    seen = []

    def flaky(src, dst):
        seen.append(dst)
        # fail on the second new file moved into place (after the old set was moved aside)
        if Path(dst).parent == out and len([d for d in seen if Path(d).parent == out]) == 2:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(src, dst)

    other = tmp_path / "other.xlsx"                 # a different whole set of four files
    write_input_workbook(other, good_tables(2))
    monkeypatch.setattr(files.os, "replace", flaky)
    capsys.readouterr()
    rc = main(["compute", str(other), "--csv", str(out), "--force"])
    monkeypatch.setattr(files.os, "replace", real)
    one_line_usage_error(capsys, rc, "cannot write")
    assert snapshot(out) == before


def _mount_tmpfs(path: Path, size: str) -> bool:
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                       capture_output=True)
    return r.returncode == 0


@pytest.fixture
def tmpfs(tmp_path):
    """A small tmpfs (64 KiB) mounted for the test, or skip where mounting is not allowed."""
    mnt = tmp_path / "mnt"
    if not _mount_tmpfs(mnt, "64k"):
        pytest.skip("cannot mount a tmpfs here (needs root and mount)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _cli(*argv) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "fee_core", *argv], capture_output=True,
                          text=True, env=env, cwd=ROOT)


def test_read_only_folder(books, tmpfs):
    good, bad = books
    out = tmpfs / "out"
    assert _cli("compute", str(good), "--csv", str(out)).returncode == 0
    before = snapshot(out)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    r = _cli("compute", str(bad), "--csv", str(out), "--force")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Read-only file system" in r.stderr, r.stderr
    assert snapshot(out) == before


def test_full_disk(tmp_path, tmpfs):
    """A previous small set, then a year of 150 funds that does not fit: exit 2, the previous
    set untouched, nothing of the new one."""
    small, big = tmp_path / "small.xlsx", tmp_path / "big.xlsx"
    write_input_workbook(small, good_tables(1))
    funds = [(f"Fund {k:02d}", date(2000, 12, 14)) for k in range(150)]
    t = base_tables(funds=funds, settings={"Period Start": date(2001, 1, 1),
                                            "Period End": date(2001, 12, 31)})
    t["NAV"] = constant_nav([f for f, _ in funds], date(2001, 1, 1), date(2001, 12, 31))
    write_input_workbook(big, t)
    out = tmpfs / "out"
    assert _cli("compute", str(small), "--csv", str(out)).returncode == 0
    before = snapshot(out)
    r = _cli("compute", str(big), "--csv", str(out), "--force")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "No space left" in r.stderr, r.stderr
    assert snapshot(out) == before
    # the same book into a folder with room gives the whole set (the failure was the disk)
    assert _cli("compute", str(big), "--csv", str(tmp_path / "roomy")).returncode == 0


# --------------------------------------------------------------------------- never an input
def test_input_named_like_an_output_is_refused(books, tmp_path, capsys):
    good, _ = books
    folder = tmp_path / "in"
    folder.mkdir()
    book = folder / "checks.csv"
    shutil.copy(good, book)
    before = snapshot(folder)
    rc = main(["compute", str(book), "--csv", str(folder), "--force"])
    one_line_usage_error(capsys, rc, "is an input")
    assert snapshot(folder) == before


def test_workbook_named_accruals_csv_is_never_deleted(books, tmp_path, capsys):
    """A bad book would leave only checks.csv and remove an earlier accruals.csv: here that
    'earlier result' is the input itself."""
    _, bad = books
    folder = tmp_path / "out"
    folder.mkdir()
    book = folder / "accruals.csv"
    shutil.copy(bad, book)
    before = snapshot(folder)
    for force in ([], ["--force"]):
        rc = main(["compute", str(book), "--csv", str(folder), *force])
        one_line_usage_error(capsys, rc, "is an input")
        assert snapshot(folder) == before


def test_output_that_links_to_the_input_is_refused(books, tmp_path, capsys):
    good, _ = books
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "payouts.csv").symlink_to(good)
    before = hashlib.sha256(good.read_bytes()).hexdigest()
    rc = main(["compute", str(good), "--csv", str(folder), "--force"])
    one_line_usage_error(capsys, rc, "is an input")
    assert hashlib.sha256(good.read_bytes()).hexdigest() == before
    assert (folder / "payouts.csv").is_symlink()


@pytest.mark.parametrize("argv", [
    ["publish", "{book}", "{book}", "--force"],
    ["report", "{book}", "--quarter", "2001Q1", "{book}", "--force"],
])
def test_workbook_outputs_never_replace_the_input(books, tmp_path, capsys, argv):
    good, _ = books
    book = tmp_path / "book.xlsx"
    shutil.copy(good, book)
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    rc = main([a.format(book=book) for a in argv])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err, err
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx", "book.xlsx", "good.xlsx"]


# --------------------------------------------------------------------------- two runs at once
def test_two_runs_into_one_folder_leave_one_consistent_set(books, tmp_path):
    good, bad = books
    ref_good, ref_bad = tmp_path / "ref-good", tmp_path / "ref-bad"
    assert _cli("compute", str(good), "--csv", str(ref_good)).returncode == 0
    assert _cli("compute", str(bad), "--csv", str(ref_bad)).returncode == 1
    sets = [snapshot(ref_good), snapshot(ref_bad)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = tmp_path / "out"
    for _ in range(4):
        procs = [subprocess.Popen([sys.executable, "-m", "fee_core", "compute", str(b), "--csv",
                                   str(out), "--force"], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for b in (good, bad)]
        for p in procs:
            _, err = p.communicate()
            assert p.returncode in (0, 1), err
            assert "Traceback" not in err, err
        assert snapshot(out) in sets, snapshot(out)
