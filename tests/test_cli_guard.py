"""The command line's last guard: a failure that is not an ``Exception`` (pyo3's
``PanicException`` from a native extension is a ``BaseException``) is still one line and exit
status 3, never a traceback."""
from __future__ import annotations

import pytest

from fee_core import cli
from fee_core.commands import check


class Panic(BaseException):
    """Stands for pyo3_runtime.PanicException, which derives from BaseException."""


def test_a_native_panic_is_one_line_and_exit_3(monkeypatch, capsys, tmp_path):
    def boom(args):
        raise Panic("called `Result::unwrap()` on an `Err` value")
    monkeypatch.setattr(check, "cmd_check", boom)
    monkeypatch.delenv("FEE12B1_DEBUG", raising=False)
    book = tmp_path / "b.xlsx"
    book.write_bytes(b"x")
    assert cli.main(["check", str(book)]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "internal error (Panic" in err


def test_system_exit_still_exits():
    with pytest.raises(SystemExit):
        cli.main(["--version"])
