"""LibreOffice Calc with the fee12b1 extension, for the Calc add-in tests.

A ``CalcOffice`` is a private LibreOffice profile in a folder of its own, with ``fee12b1.oxt``
installed by ``unopkg``, driven through UNO by ``tests/calc_driver.py`` under LibreOffice's own
Python.  ``unopkg`` refuses to run as root (without ``--shared``), so when the tests run as root
(CI) every LibreOffice process runs as an unprivileged user, ``fee12b1-calc``, created here with
``useradd`` if needed; the folder (profile, documents) belongs to that user.  Every soffice the
driver starts is shut down before it returns.

    office = CalcOffice.create(tmp_root, oxt)          # fresh profile, extension installed
    res = office.run([{"do": "open", "path": book}, {"do": "calculate"}, {"do": "cells"}])

``calc_proof(src, dst)`` writes a copy of a workbook whose text comparisons against the spilled
tables work in LibreOffice 7.4 (see its comment).

``user_venv(root)`` makes the environment a user would make for the extension: a venv from
LibreOffice's Python (``/usr/bin/python3`` on Debian) with this project pip-installed into it.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).with_name("calc_driver.py")
USER = "fee12b1-calc"
LO_PYTHONS = ("/usr/lib/libreoffice/program/python", "/usr/bin/python3")
UNOPKG = ("unopkg", "/usr/lib/libreoffice/program/unopkg")
XLSX = "Calc MS Excel 2007 XML"
ODS = "calc8"
_ITEM = ('<item oor:path="/org.openoffice.Office.{}"><prop oor:name="{}" oor:op="fuse">'
         '<value>false</value></prop></item>')
FIRST_RUN_OFF = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
    'xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    + "\n".join(_ITEM.format(path, prop) for path, prop in (
        ("Common/Misc", "FirstRun"), ("Common/Misc", "ShowTipOfTheDay"),
        ("Recovery/AutoSave", "Enabled")))
    + "\n</oor:items>\n")


# LibreOffice 7.4 keeps the texts of an add-in's array result out of the document's string pool,
# and compares texts by pool identity: `=A5="severity"`, MATCH, VLOOKUP, COUNTIF and EXACT all
# miss a text of a FEE_ table (Summary!G, the guarded totals' header checks, Checks' counts show
# #N/A or 0).  Taking the text again (`A5&""`) gives a pooled one.  `calc_proof` makes those
# formulas of the template so (fee_core/write/addin_sheets.py is asked to write them that way;
# the formulas mean the same in Excel).
FEE_CALL = re.compile(r"\bFEE_[A-Z_]+\(", re.IGNORECASE)
TEXT_TEST = re.compile(r'(\$?[A-Z]+\$?\d+)<>"')
FUND_MATCH = re.compile(r'(\(\$[A-Z]+\$\d+:INDEX\(\$[A-Z]+:\$[A-Z]+,3\+COUNTA\([^()]*\)\))=(\$A\d+)')


def _countif_to_sumproduct(text: str) -> str:
    """COUNTIF(range,"x") -> SUMPRODUCT(--(range&""="x")) (range may hold parentheses)."""
    out, i = "", 0
    while (j := text.find("COUNTIF(", i)) >= 0:
        k, depth = j + len("COUNTIF("), 1
        start = k
        while depth:
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            k += 1
        inner = text[start:k - 1]
        rng, _, crit = inner.rpartition(",")
        out += text[i:j] + f'SUMPRODUCT(--({rng}&""={crit}))'
        i = k
    return out + text[i:]


def calc_proof(src: Path, dst: Path) -> int:
    """A copy of the workbook whose text comparisons against the spilled tables take the text
    again (``&""``); returns the number of formulas changed."""
    import openpyxl
    wb = openpyxl.load_workbook(src)
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                text = getattr(c.value, "text", c.value)
                if not isinstance(text, str) or not text.startswith("=") or FEE_CALL.search(text):
                    continue
                new = _countif_to_sumproduct(FUND_MATCH.sub(r'\1&""=\2', TEXT_TEST.sub(r'\1&""<>"', text)))
                if new != text:
                    changed += 1
                    if hasattr(c.value, "text"):
                        c.value.text = new
                    else:
                        c.value = new
    wb.save(dst)
    return changed


class OfficeError(RuntimeError):
    pass


def lo_python() -> str | None:
    """LibreOffice's Python: the one that can ``import uno``."""
    for p in LO_PYTHONS:
        if os.path.exists(p) and subprocess.run([p, "-c", "import uno"],
                                                capture_output=True, check=False).returncode == 0:
            return p
    return None


def unopkg() -> str | None:
    for name in UNOPKG:
        found = shutil.which(name)
        if found:
            return found
    return None


def office_user() -> tuple[int, int] | None:
    """(uid, gid) to run LibreOffice as: ``fee12b1-calc`` when we are root, else None (self)."""
    if os.geteuid() != 0:
        return None
    try:
        pw = pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        USER], check=True, capture_output=True)
        pw = pwd.getpwnam(USER)
    return pw.pw_uid, pw.pw_gid


def give(path: Path, owner: tuple[int, int] | None) -> None:
    """Make ``path`` (recursively) belong to the office user."""
    if owner is None:
        return
    os.chown(path, *owner)
    for dirpath, dirnames, filenames in os.walk(path):
        os.chown(dirpath, *owner)
        for n in dirnames + filenames:
            os.chown(os.path.join(dirpath, n), *owner, follow_symlinks=False)


def run_as(argv: list[str], owner, cwd: Path, env: dict | None = None, stdin: str | None = None,
           timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``argv`` as the office user in its own process group; on a timeout the whole group
    (the driver and the soffice it started) is killed, so no LibreOffice is left behind."""
    kw: dict = {}
    if owner is not None:
        kw = {"user": owner[0], "group": owner[1], "extra_groups": []}
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), "LANG": "C.UTF-8"}
    full_env.update(env or {})
    proc = subprocess.Popen(argv, cwd=cwd, env=full_env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kw)
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise OfficeError(f"{argv[0]} did not finish within {timeout:g} s:\n{out}\n{err}") from None
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


class CalcOffice:
    """A private LibreOffice profile (with or without the extension) and a work folder."""

    def __init__(self, root: Path, owner):
        self.root = root
        self.owner = owner
        self.profile = root / "profile"
        self.python = lo_python()
        if self.python is None:
            raise OfficeError("no Python with the uno module: apt-get install python3-uno "
                              "libreoffice-script-provider-python")

    @classmethod
    def create(cls, parent: Path | None = None, oxt: Path | None = None) -> CalcOffice:
        owner = office_user()
        root = Path(tempfile.mkdtemp(prefix="fee12b1-calc-", dir=parent))
        os.chmod(root, 0o755)
        office = cls(root, owner)
        (office.profile / "user").mkdir(parents=True)
        (office.profile / "user" / "registrymodifications.xcu").write_text(FIRST_RUN_OFF)
        shutil.copy(DRIVER, root / DRIVER.name)
        give(root, owner)
        if oxt is not None:
            office.add_extension(oxt)
        return office

    def file(self, src: Path, name: str | None = None) -> Path:
        """A copy of ``src`` in the work folder, owned (and writable) by the office user."""
        dst = self.root / (name or Path(src).name)
        shutil.copy(src, dst)
        give(dst, self.owner)
        return dst

    def path(self, name: str) -> Path:
        return self.root / name

    def unopkg(self, *args: str) -> subprocess.CompletedProcess:
        tool = unopkg()
        if tool is None:
            raise OfficeError("unopkg not found: apt-get install libreoffice-core-nogui")
        proc = run_as([tool, *args, f"-env:UserInstallation={self.profile.as_uri()}"],
                      self.owner, self.root)
        if proc.returncode != 0:
            raise OfficeError(f"unopkg {' '.join(args)} failed ({proc.returncode}):\n"
                              f"{proc.stdout}\n{proc.stderr}")
        return proc

    def add_extension(self, oxt: Path) -> None:
        self.unopkg("add", "--force", "--suppress-license", str(self.file(oxt)))

    def remove_extension(self, identifier: str = "org.fee12b1.calc") -> None:
        self.unopkg("remove", identifier)

    def extensions(self) -> str:
        return self.unopkg("list").stdout

    def run(self, steps: list[dict], timeout: float = 900, env: dict | None = None) -> list:
        """Run the driver's ``steps`` in one soffice; returns each step's result."""
        job = {"profile": str(self.profile), "soffice": shutil.which("soffice") or "soffice",
               "steps": steps, "log": str(self.root / "soffice.log")}
        assert self.python is not None
        proc = run_as([self.python, str(self.root / DRIVER.name)], self.owner, self.root,
                      env=env, stdin=json.dumps(job), timeout=timeout)
        try:
            out = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise OfficeError(f"calc driver failed ({proc.returncode}):\n{proc.stdout}\n"
                              f"{proc.stderr}") from None
        if not out["ok"]:
            raise OfficeError(out["traceback"])
        return out["steps"]

    def results(self, steps: list[dict], **kw) -> list:
        return [s["result"] for s in self.run(steps, **kw)]

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def same_python(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


PROJECT_FILES = ("pyproject.toml", "README.md", "fee_core", "addin", "templates")


def user_venv(parent: Path | None) -> Path:
    """A venv made from LibreOffice's Python with this project installed (not editable) into
    it: what docs/calc.md tells a user to make.  Readable by the office user.  The project is
    installed from a clean copy of its source (no stale build folder can leak into it)."""
    python = lo_python()
    if python is None:
        raise OfficeError("no LibreOffice Python")
    venv = Path(tempfile.mkdtemp(prefix="fee12b1-venv-", dir=parent))
    os.chmod(venv, 0o755)
    subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True)
    with tempfile.TemporaryDirectory(prefix="fee12b1-src-") as src:
        ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "*.pyc")
        for name in PROJECT_FILES:
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, Path(src) / name, ignore=ignore)
            else:
                shutil.copy(ROOT / name, Path(src) / name)
        pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                              src], capture_output=True, text=True, check=False)
    if pip.returncode != 0:
        raise OfficeError(f"pip install into {venv} failed:\n{pip.stdout}\n{pip.stderr}")
    return venv


def build_oxt(venv: Path, out: Path) -> subprocess.CompletedProcess:
    """``fee12b1 calc-addin --out OUT`` run from ``venv`` (the command the user runs)."""
    return subprocess.run([str(venv / "bin" / "fee12b1"), "calc-addin", "--out", str(out)],
                          capture_output=True, text=True, cwd=out.parent, check=False)


__all__ = [
    "ODS",
    "XLSX",
    "CalcOffice",
    "OfficeError",
    "build_oxt",
    "lo_python",
    "same_python",
    "sys",
    "user_venv",
]
