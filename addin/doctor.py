"""``fee12b1 addin --check``: is this Python, and the project add-in, set up as docs/excel.md says?

The checks, each a line ``ok``/``FIX``/``note`` with what to do:

1. **xlwings version.**  ``pyproject.toml`` pins xlwings exactly, because the add-in declares
   the DLL of one xlwings version (``Declare PtrSafe Function XLPyDLLActivateAuto Lib
   "xlwings64-0.37.8.dll"`` in its ``xlwings`` VBA module) and ``pip install xlwings`` of another
   version removes that DLL from the environment: every cell then fails.  The installed version
   (``importlib.metadata``) must equal the pin (fee12b1's own requirement, same source).
2. **The DLL** ``xlwings64-<version>.dll`` (and the 32-bit one) in the environment's root, where
   pip puts it and where the add-in's ``XLPyLoadDLL`` looks (the folder above ``Scripts``):
   Windows only.
3. **The add-in** (``--addin PATH``; default the ``fee12b1.xlam`` that ``xlwings addin install
   -f`` copied to Excel's XLSTART), read without Excel: its VBA (oletools' ``olevba``) gives the
   xlwings version it was made with, its ``PROJECT_NAME`` and whether the ``xlwings_udfs``
   module holds today's functions; its configuration sheet (python-calamine) must be named
   ``<PROJECT_NAME>.conf`` (the quickstart ships ``_myaddin.conf``, which xlwings ignores) and
   hold ``UDF Modules`` = ``addin.udfs`` and ``Interpreter_Win`` = the full path of this
   environment's ``pythonw.exe``.

``check()`` returns the lines; ``exit status`` is 1 when any line says FIX.
"""
from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

UDF_MODULE = "addin.udfs"
OK, FIX, NOTE = "ok", "FIX", "note"


@dataclass(frozen=True)
class Line:
    status: str  # ok | FIX | note
    text: str

    def __str__(self) -> str:
        return f"{self.status:>4}  {self.text}"


# --------------------------------------------------------------------------- versions
def pinned_xlwings() -> str | None:
    """The exact xlwings version fee12b1 requires (``xlwings==X`` in its metadata)."""
    try:
        reqs = metadata.requires("fee12b1") or []
    except metadata.PackageNotFoundError:
        return None
    for r in reqs:
        m = re.fullmatch(r"\s*xlwings\s*==\s*([0-9][0-9A-Za-z.+-]*)\s*(;.*)?", r)
        if m:
            return m.group(1)
    return None


def installed_xlwings() -> str | None:
    try:
        return metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        return None


def version_lines(installed: str | None, pin: str | None) -> list[Line]:
    if installed is None:
        return [Line(FIX, f"xlwings is not installed in {sys.prefix}: "
                          f"pip install xlwings=={pin or '<the pinned version>'}")]
    if pin is None:
        return [Line(FIX, f"xlwings {installed} is installed, but fee12b1 is not installed as a "
                          "package here (no pin to compare with): pip install <the fee12b1 "
                          "folder or wheel>")]
    if installed != pin:
        return [Line(FIX, f"xlwings {installed} is installed, fee12b1 needs exactly {pin}: "
                          f"pip install xlwings=={pin} (the add-in calls "
                          f"xlwings64-{pin}.dll; with another version every cell fails)")]
    return [Line(OK, f"xlwings {installed} installed, as pinned by fee12b1")]


def dll_lines(version: str | None, prefix: Path | None = None,
              platform: str = sys.platform) -> list[Line]:
    if platform != "win32":
        return [Line(NOTE, "the xlwings DLL exists on Windows only; not checked here")]
    if version is None:
        return []
    root = Path(prefix or sys.prefix)
    found = [n for n in (f"xlwings64-{version}.dll", f"xlwings32-{version}.dll")
             if (root / n).is_file()]
    if not found:
        return [Line(FIX, f"xlwings64-{version}.dll is not in {root}: "
                          f"pip install --force-reinstall xlwings=={version}")]
    return [Line(OK, f"{found[0]} in {root}")]


# --------------------------------------------------------------------------- the add-in file
@dataclass
class AddinFile:
    """What the checks need from a project add-in (.xlam)."""

    path: Path
    xlwings_version: str | None  # the VBA constant XLWINGS_VERSION
    dll: str | None  # the DLL its Declare statements name (64-bit)
    project_name: str | None  # the VBA constant PROJECT_NAME
    udf_module: str | None  # the text of the xlwings_udfs module, if imported
    sheets: dict  # sheet name -> {setting (upper case): value}


def read_addin(path: Path) -> AddinFile:
    """Read an .xlam: its VBA modules (oletools) and its sheets (python-calamine)."""
    import warnings

    from python_calamine import CalamineWorkbook
    with warnings.catch_warnings():  # oletools' pyparsing idioms warn at import
        warnings.simplefilter("ignore")
        from oletools.olevba import VBA_Parser

    data = Path(path).read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError(f"{path} is not an Excel add-in (.xlam) file")
    modules = {}
    parser = VBA_Parser(str(path), data=data)
    try:
        if parser.detect_vba_macros():
            for _, _, name, code in parser.extract_macros():
                modules[name.rsplit(".", 1)[0].lower()] = code
    finally:
        parser.close()
    main = next((c for c in modules.values() if "XLPyDLLActivateAuto" in c), "")
    version = _const(main, "XLWINGS_VERSION")
    project = _const(main, "PROJECT_NAME")
    dll = re.search(r'Lib\s+"(xlwings64-[^"]+\.dll)"', main)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        settings = {}
        for row in rows:
            if not row or row[0] in ("", None):
                break  # xlwings reads A1 down to the first empty cell
            settings[str(row[0]).strip().upper()] = row[1] if len(row) > 1 else ""
        sheets[name] = settings
    return AddinFile(Path(path), version, dll.group(1) if dll else None, project,
                     modules.get("xlwings_udfs"), sheets)


def _const(code: str, name: str) -> str | None:
    m = re.search(rf'Const\s+{name}\s+As\s+String\s*=\s*"([^"]*)"', code)
    return m.group(1) if m else None


def imported_functions(module_text: str | None) -> dict[str, list[str]]:
    """Function name -> argument names, as the ``xlwings_udfs`` VBA module declares them."""
    out = {}
    for m in re.finditer(r"^Function\s+(\w+)\(([^)]*)\)", module_text or "", re.MULTILINE):
        out[m.group(1)] = [a.split()[-1] for a in m.group(2).split(",") if a.strip()]
    return out


def expected_functions() -> dict[str, list[str]]:
    """Today's functions and arguments, from ``addin.udfs`` with xlwings' real decorators."""
    from ._vba_standins import decorated
    with decorated(UDF_MODULE) as (_, module):
        out = {}
        for a in dir(module):
            info = getattr(getattr(module, a), "__xlfunc__", None)
            if info:
                out[info["name"]] = [x["name"] for x in info["args"] if not x["vba"]]
        return out


def addin_lines(addin: AddinFile, installed: str | None, executable: Path | None = None,
                platform: str = sys.platform) -> list[Line]:
    out = [Line(NOTE, f"add-in {addin.path}")]
    if addin.xlwings_version is None:
        return out + [Line(FIX, "no xlwings VBA module in it: make the add-in with "
                                "'xlwings quickstart fee12b1 --addin'")]
    if installed and addin.xlwings_version != installed:
        out.append(Line(FIX, f"the add-in was made with xlwings {addin.xlwings_version} (it calls "
                             f"{addin.dll}), xlwings {installed} is installed: make it again "
                             f"with this xlwings (docs/excel.md, 'Upgrading') or pip install "
                             f"xlwings=={addin.xlwings_version}"))
    else:
        out.append(Line(OK, f"made with xlwings {addin.xlwings_version} ({addin.dll})"))
    project = addin.project_name or "xlwings"
    sheet = f"{project}.conf"
    if sheet not in addin.sheets:
        hint = (f"rename the sheet _{sheet} to {sheet}" if f"_{sheet}" in addin.sheets
                else f"add a sheet named {sheet}")
        out.append(Line(FIX, f"no configuration sheet {sheet} (PROJECT_NAME is {project!r}): "
                             f"{hint}, with UDF Modules and Interpreter_Win"))
    else:
        conf = addin.sheets[sheet]
        out.append(Line(OK, f"configuration sheet {sheet}"))
        modules = [m.strip() for m in str(conf.get("UDF MODULES") or "").split(";") if m.strip()]
        if UDF_MODULE not in modules:
            out.append(Line(FIX, f"UDF Modules is {';'.join(modules) or 'empty'}: set it to "
                                 f"{UDF_MODULE} in {sheet}"))
        else:
            out.append(Line(OK, f"UDF Modules = {';'.join(modules)}"))
        out.extend(_interpreter_lines(str(conf.get("INTERPRETER_WIN") or "").strip(), sheet,
                                      executable, platform))
    have, want = imported_functions(addin.udf_module), expected_functions()
    if not have:
        out.append(Line(FIX, "the functions are not imported: run ImportPythonUDFsToAddin in the "
                             "add-in's VBA editor (or import 'fee12b1 addin --out' .bas)"))
    elif have != want:
        stale = sorted(n for n in set(have) | set(want) if have.get(n) != want.get(n))
        out.append(Line(FIX, f"the imported functions differ from this fee12b1 ({', '.join(stale)})"
                             ": import them again (ImportPythonUDFsToAddin)"))
    else:
        out.append(Line(OK, f"{len(have)} functions imported, as this fee12b1 defines them"))
    return out


def _interpreter_lines(value: str, sheet: str, executable: Path | None, platform: str) -> list[Line]:
    here = Path(executable or sys.executable)
    want = here.with_name("pythonw.exe") if platform == "win32" else here
    if not value:
        return [Line(FIX, f"Interpreter_Win is empty in {sheet}: xlwings then starts whatever "
                          f"'pythonw' is first on PATH and cannot load the DLL of a virtual "
                          f"environment; set it to {want}")]
    if not value.lower().endswith("pythonw.exe"):
        return [Line(FIX, f"Interpreter_Win is {value}: give the full path of pythonw.exe ({want})")]
    if platform == "win32":
        if not Path(value).is_file():
            return [Line(FIX, f"Interpreter_Win {value} does not exist: set it to {want}")]
        if os.path.normcase(str(Path(value).parent)) != os.path.normcase(str(want.parent)):
            return [Line(NOTE, f"Interpreter_Win is {value}; this check runs in {here.parent}: "
                               "run it with that Python to check the environment Excel uses")]
    return [Line(OK, f"Interpreter_Win = {value}")]


def default_addin() -> Path | None:
    """The add-in ``xlwings addin install -f fee12b1.xlam`` put in Excel's XLSTART folder."""
    appdata = os.environ.get("APPDATA")
    if not appdata:
        return None
    p = Path(appdata) / "Microsoft" / "Excel" / "XLSTART" / "fee12b1.xlam"
    return p if p.is_file() else None


def check(addin: Path | None = None, installed: str | None = None, pin: str | None = None,
          prefix: Path | None = None, executable: Path | None = None,
          platform: str = sys.platform) -> list[Line]:
    """Every check; ``installed``/``pin`` default to this environment's."""
    installed = installed if installed is not None else installed_xlwings()
    pin = pin if pin is not None else pinned_xlwings()
    lines = version_lines(installed, pin) + dll_lines(installed, prefix, platform)
    path = addin or default_addin()
    if path is None:
        lines.append(Line(NOTE, "no add-in checked: give --addin PATH\\fee12b1.xlam"))
        return lines
    try:
        lines += addin_lines(read_addin(Path(path)), installed, executable, platform)
    except (OSError, ValueError) as exc:
        lines.append(Line(FIX, f"cannot read the add-in {path}: {exc}"))
    return lines
