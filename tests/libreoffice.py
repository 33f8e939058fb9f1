"""Headless LibreOffice Calc harness for the test suite.

Tests open and recalculate the workbooks the project writes in a real
spreadsheet engine.  Everything goes through ``soffice --headless
--convert-to``: one process per call, many files per call, so start-up
(about 1 s) is paid once per batch rather than once per file.

A private user profile is created once per test session and seeded with a
``registrymodifications.xcu`` that sets Calc's "Recalculation on File Load"
to *Always* for both OOXML and ODF files.  Without it LibreOffice trusts the
cached values stored in an .xlsx (it only computes formulas that have no
cached value), so a stale cached value would silently survive a round trip.

Usage in a test::

    def test_totals(libreoffice, tmp_path):
        out = libreoffice.recalculate([book], tmp_path / "lo")[0]
        values = libreoffice.cell_values(out)
        assert values["Summary"]["B7"] == 1234.5

API (methods of the session-scoped ``libreoffice`` fixture, a ``LibreOffice``):

* ``recalculate(paths, outdir) -> list[Path]`` - open each workbook, recalculate
  every formula, save as .xlsx in *outdir* (same stem, in input order).
* ``to_pdf(paths, outdir) -> list[Path]`` - print each workbook to PDF.
* ``to_ods(paths, outdir) -> list[Path]`` - save each workbook as .ods.
* ``cell_values(path) -> {sheet: {"A1": value}}`` - read a (recalculated) file
  with openpyxl ``data_only=True``; empty cells are left out.
* ``recalculated_values(path, outdir)`` - ``cell_values(recalculate([path], outdir)[0])``.
* ``opens_cleanly(path) -> bool`` - True when Calc loads the file as a spreadsheet.
* ``version() -> str`` - ``soffice --version``.

Module-level helpers: ``find_soffice()``, ``pdf_info(path)``, ``pdf_text(path)``.

Conversion errors raise ``LibreOfficeError`` carrying soffice's exit code,
stdout and stderr.  Calls are serialized (a thread lock plus an flock on the
profile directory), because two soffice processes sharing a profile hand
work to each other or fail.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

DEFAULT_TIMEOUT = 180.0  # seconds per soffice invocation

XLSX_FILTER = "Calc MS Excel 2007 XML"

# Recalculation on file load: 0 = always, 1 = never, 2 = prompt (= never when headless).

def _item(path: str, prop: str, value: str) -> str:
    return (f'<item oor:path="{path}"><prop oor:name="{prop}" oor:op="fuse">'
            f"<value>{value}</value></prop></item>")


REGISTRY_MODIFICATIONS = "\n".join([
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    _item("/org.openoffice.Office.Calc/Formula/Load", "OOXMLRecalcMode", "0"),
    _item("/org.openoffice.Office.Calc/Formula/Load", "ODFRecalcMode", "0"),
    _item("/org.openoffice.Office.Common/Misc", "FirstRun", "false"),
    _item("/org.openoffice.Office.Common/Misc", "ShowTipOfTheDay", "false"),
    _item("/org.openoffice.Office.Recovery/AutoSave", "Enabled", "false"),
    "</oor:items>",
    "",
])

SOFFICE_CANDIDATES = (
    "soffice",
    "libreoffice",
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

_THREAD_LOCK = threading.RLock()

PathLike = str | os.PathLike


class LibreOfficeError(RuntimeError):
    """soffice failed, timed out, or did not write an expected output file."""

    def __init__(self, message: str, *, returncode: int | None = None,
                 stdout: str = "", stderr: str = "", command: list[str] | None = None):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.command = command
        details = [message]
        if command:
            details.append("command: " + " ".join(command))
        if returncode is not None:
            details.append(f"exit code: {returncode}")
        if stdout.strip():
            details.append("stdout:\n" + stdout.strip())
        if stderr.strip():
            details.append("stderr:\n" + stderr.strip())
        super().__init__("\n".join(details))


class LibreOfficeNotFound(LibreOfficeError):
    """No soffice binary on this machine."""


def find_soffice() -> str | None:
    """Path of the soffice binary, or None.  $SOFFICE overrides the search."""
    override = os.environ.get("SOFFICE")
    candidates = (override,) if override else SOFFICE_CANDIDATES
    for name in candidates:
        if not name:
            continue
        found = shutil.which(name)
        if found:
            return found
        if os.path.isfile(name) and os.access(name, os.X_OK):
            return name
    return None


def write_profile(profile_dir: PathLike) -> Path:
    """Create (or refresh) a LibreOffice user profile that recalculates on load."""
    profile_dir = Path(profile_dir).resolve()
    user = profile_dir / "user"
    user.mkdir(parents=True, exist_ok=True)
    xcu = user / "registrymodifications.xcu"
    if not xcu.exists() or "OOXMLRecalcMode" not in xcu.read_text(encoding="utf-8", errors="replace"):
        xcu.write_text(REGISTRY_MODIFICATIONS, encoding="utf-8")
    return profile_dir


def _as_paths(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return [Path(p).resolve() for p in paths]


def _run_tool(argv: list[str], timeout: float = 60.0) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as exc:
        raise RuntimeError(f"{argv[0]} not found: install poppler-utils") from exc
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout


def pdf_info(path: PathLike) -> dict[str, str]:
    """``pdfinfo`` output as a dict; ``int(pdf_info(p)["Pages"])`` is the page count."""
    out = _run_tool(["pdfinfo", str(path)])
    info: dict[str, str] = {}
    for line in out.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def pdf_text(path: PathLike) -> str:
    """Text of a PDF, layout preserved (``pdftotext -layout``)."""
    return _run_tool(["pdftotext", "-layout", str(path), "-"])


class LibreOffice:
    """One headless soffice binary plus one private profile directory."""

    def __init__(self, profile_dir: PathLike, soffice: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        soffice = soffice or find_soffice()
        if not soffice:
            raise LibreOfficeNotFound(
                "LibreOffice (soffice) was not found on PATH nor in /usr/lib/libreoffice/program. "
                "Install it: apt-get install --no-install-recommends libreoffice-calc-nogui "
                "(or set $SOFFICE to the binary)."
            )
        self.soffice = soffice
        self.timeout = timeout
        self.profile_dir = write_profile(profile_dir)
        self.calls: list[tuple[int, float]] = []  # (files, seconds) per soffice invocation

    # -- low level ---------------------------------------------------------
    def _run(self, args: list[str], timeout: float | None = None) -> subprocess.CompletedProcess:
        argv = [
            self.soffice,
            f"-env:UserInstallation={self.profile_dir.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            *args,
        ]
        timeout = self.timeout if timeout is None else timeout
        env = dict(os.environ)
        env.setdefault("SAL_USE_VCLPLUGIN", "svp")
        with _THREAD_LOCK, open(self.profile_dir / "harness.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, env=env, start_new_session=True,
            )
            try:
                stdout, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                stdout, stderr = proc.communicate()
                # a killed soffice leaves its profile lock behind
                (self.profile_dir / "user" / ".lock").unlink(missing_ok=True)
                raise LibreOfficeError(
                    f"soffice did not finish within {timeout:g} s", returncode=proc.returncode,
                    stdout=stdout, stderr=stderr, command=argv,
                ) from None
            finally:
                if proc.poll() is None:  # pragma: no cover - interrupted
                    _kill_group(proc)
        return subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr)

    def convert(self, paths: PathLike | Iterable[PathLike], outdir: PathLike,
                target: str, extension: str | None = None,
                timeout: float | None = None) -> list[Path]:
        """``soffice --convert-to TARGET --outdir OUTDIR paths...`` in one process.

        *target* is what --convert-to takes, e.g. ``pdf`` or ``xlsx:"Calc MS Excel 2007 XML"``
        (without the quotes).  Returns the output paths in input order; raises
        LibreOfficeError if soffice fails or any expected output is missing or empty.
        """
        inputs = _as_paths(paths)
        if not inputs:
            return []
        extension = extension or target.split(":", 1)[0]
        outdir = Path(outdir).resolve()
        outdir.mkdir(parents=True, exist_ok=True)
        outputs: list[Path] = []
        seen: dict[Path, Path] = {}
        for src in inputs:
            if not src.is_file():
                raise FileNotFoundError(src)
            out = outdir / f"{src.stem}.{extension}"
            if out == src:
                raise ValueError(f"converting {src} into {outdir} would overwrite it: use another outdir")
            if out in seen:
                raise ValueError(f"{seen[out]} and {src} would both be written to {out}")
            seen[out] = src
            outputs.append(out)
        for out in outputs:
            out.unlink(missing_ok=True)

        start = time.monotonic()
        proc = self._run(["--convert-to", target, "--outdir", str(outdir), *map(str, inputs)],
                         timeout=timeout)
        self.calls.append((len(inputs), time.monotonic() - start))

        failed = [src for src, out in zip(inputs, outputs)
                  if not out.is_file() or out.stat().st_size == 0]
        if proc.returncode != 0 or failed:
            what = ", ".join(p.name for p in failed) or "(all outputs written)"
            raise LibreOfficeError(
                f"LibreOffice could not convert to {target}: {what}", returncode=proc.returncode,
                stdout=proc.stdout, stderr=proc.stderr, command=proc.args,
            )
        return outputs

    # -- conversions ---------------------------------------------------------
    def recalculate(self, paths: PathLike | Iterable[PathLike], outdir: PathLike) -> list[Path]:
        """Open, fully recalculate and save each workbook as ``outdir/<stem>.xlsx``.

        .xlsm inputs come back as .xlsx (macros dropped): only values matter here.
        """
        return self.convert(paths, outdir, f"xlsx:{XLSX_FILTER}", "xlsx")

    def to_pdf(self, paths: PathLike | Iterable[PathLike], outdir: PathLike) -> list[Path]:
        """Print each workbook (all sheets, after recalculation) to ``outdir/<stem>.pdf``."""
        return self.convert(paths, outdir, "pdf", "pdf")

    def to_ods(self, paths: PathLike | Iterable[PathLike], outdir: PathLike) -> list[Path]:
        return self.convert(paths, outdir, "ods", "ods")

    @staticmethod
    def cell_values(path: PathLike) -> dict[str, dict[str, object]]:
        """{sheet title: {"A1": cached value}} of every non-empty cell, via openpyxl data_only."""
        import openpyxl

        wb = openpyxl.load_workbook(path, data_only=True)
        try:
            return {
                ws.title: {
                    cell.coordinate: cell.value
                    for row in ws.iter_rows() for cell in row if cell.value is not None
                }
                for ws in wb.worksheets
            }
        finally:
            wb.close()

    def recalculated_values(self, path: PathLike, outdir: PathLike) -> dict[str, dict[str, object]]:
        return self.cell_values(self.recalculate([path], outdir)[0])

    def opens_cleanly(self, path: PathLike) -> bool:
        """True if Calc loads *path* as a spreadsheet (checked by saving it as .ods).

        A zero-byte file counts as not opening, although Calc would show it as
        an empty sheet.  A file Calc cannot load yields no output.
        """
        path = Path(path)
        if not path.is_file() or path.stat().st_size == 0:
            return False
        with tempfile.TemporaryDirectory(prefix="lo-opens-") as tmp:
            try:
                (out,) = self.to_ods([path], tmp)
            except LibreOfficeError:
                return False
            try:
                with zipfile.ZipFile(out) as z:
                    return z.read("mimetype").strip() == ODS_MIMETYPE
            except (zipfile.BadZipFile, KeyError):
                return False

    def version(self) -> str:
        proc = self._run(["--version"], timeout=60)
        return proc.stdout.strip()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory) -> LibreOffice:
    """A headless LibreOffice with a private, recalculate-on-load profile for the session."""
    try:
        return LibreOffice(tmp_path_factory.mktemp("libreoffice-profile"))
    except LibreOfficeNotFound as exc:
        pytest.fail(str(exc), pytrace=False)
