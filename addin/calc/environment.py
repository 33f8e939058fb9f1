"""The Python environment the Calc extension uses: recorded when it is built, checked in Calc.

LibreOffice runs extensions in its own Python (on Debian/Ubuntu the system ``/usr/bin/python3``
through ``python3-uno``), not in the user's virtual environment.  ``fee12b1 calc-addin`` is run
from the environment where fee12b1 is installed; ``record()`` writes down that environment
(its site-packages folders, its Python, the fee12b1 version) and the extension carries it as
``environment.json``.  Inside Calc, ``activate()`` checks that LibreOffice's Python can load
that environment's compiled packages (same implementation, same major.minor version, same
ABI tag) and puts its site-packages first on ``sys.path``; ``verify_import()`` then checks
that ``fee_core`` really came from there, in the version the extension was built for.  Any
mismatch is a ``Mismatch`` whose text says what to do; every cell then shows it as
``#fee12b1: ...`` instead of a figure.

A virtual environment made with LibreOffice's own Python (``/usr/bin/python3 -m venv ...`` on
Debian) always matches.  A different 3.11.x (e.g. pyenv's) matches too: CPython keeps the ABI
of compiled packages within a minor version.

This file is also copied into the extension (``pythonpath/fee12b1_calc_env.py``) and must not
import anything outside the standard library.
"""
from __future__ import annotations

import json
import os
import site
import sys
import sysconfig

FILE_NAME = "environment.json"


class Mismatch(Exception):
    """The recorded environment cannot be used by this Python; the text says what to do."""


def current_python() -> dict:
    """This interpreter, in the terms ``compatible`` compares."""
    return {
        "implementation": sys.implementation.name,
        "version": list(sys.version_info[:3]),
        "soabi": sysconfig.get_config_var("SOABI") or "",
        "platform": sysconfig.get_platform(),
        "executable": sys.executable,
    }


def record(version: str) -> dict:
    """This environment, for ``environment.json``: its Python, its site-packages folders (each
    ``.pth`` file there is honoured, so editable installs work) and the fee12b1 version."""
    paths = []
    for key in ("purelib", "platlib"):
        p = os.path.realpath(sysconfig.get_paths()[key])
        if p not in paths:
            paths.append(p)
    base = getattr(sys, "_base_executable", sys.executable)
    return {"fee12b1": version, "prefix": sys.prefix, "base_python": base,
            "python": current_python(), "site_packages": paths}


def dumps(env: dict) -> str:
    return json.dumps(env, indent=2, sort_keys=True) + "\n"


def _short(v: list) -> str:
    return ".".join(str(x) for x in v)


def compatible(env: dict, here: dict) -> None:
    """Raise ``Mismatch`` unless Python ``here`` can load packages installed for ``env``."""
    want, name = env["python"], env["prefix"]
    same = (want["implementation"] == here["implementation"]
            and want["version"][:2] == here["version"][:2]
            and want["soabi"] == here["soabi"])
    if not same:
        def py(d):  # the version, or the ABI tag when the versions agree
            if want["version"][:2] != here["version"][:2]:
                return _short(d["version"])
            if want["implementation"] != here["implementation"]:
                return d["implementation"]
            return d["soabi"]
        raise Mismatch(
            f"LibreOffice runs Python {py(here)}; the extension is for Python {py(want)} "
            f"({name}). Make a venv with {here['executable'] or 'python3'} -m venv, pip install "
            f"fee12b1 and run its fee12b1 calc-addin (docs/calc.md)")


def activate(env: dict) -> None:
    """Check ``env`` against this Python and put its site-packages first on ``sys.path``."""
    compatible(env, current_python())
    missing = [p for p in env["site_packages"] if not os.path.isdir(p)]
    if missing:
        raise Mismatch(f"the Python environment {env['prefix']} the extension was built from is "
                       f"gone or unreadable ({missing[0]}); rebuild the extension with "
                       f"fee12b1 calc-addin from the environment where fee12b1 is installed")
    before = list(sys.path)
    for p in env["site_packages"]:
        site.addsitedir(p)  # appends the folder and what its .pth files name
    added = [p for p in sys.path if p not in before]
    sys.path[:] = added + before


def verify_import(env: dict, fee_core) -> None:
    """``fee_core`` (imported after ``activate``) must be the recorded version."""
    have = getattr(fee_core, "__version__", "?")
    if have != env["fee12b1"]:
        raise Mismatch(f"the extension was built for fee12b1 {env['fee12b1']} but "
                       f"{env['prefix']} now has fee12b1 {have}; run fee12b1 calc-addin there "
                       f"again and reinstall the extension")
