"""Just enough of pywin32 for ``xlwings.udfs`` to *import* off Windows, to generate VBA.

``fee12b1 addin`` writes the VBA wrapper module with xlwings' own ``generate_vba_wrapper``.
That function is plain Python, but its module ``xlwings.udfs`` imports ``pythoncom``,
``pywintypes`` and ``win32com.client`` at import time and hands ``pythoncom.CoInitialize`` to a
thread pool.  Off Windows, ``real_udfs()`` puts inert stand-ins for those three on
``sys.modules`` for the import only and takes them (and ``xlwings.udfs``) away again after,
so the rest of the process still sees stock xlwings.  Nothing here can call Excel: COM entry
points raise.  On Windows the real modules are used and nothing is stood in.  (The test suite's
``tests/xlwings_standin.py`` stands in far more, to *run* UDFs through ``call_udf``.)
"""
from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import sys
import types

import xlwings

_ABSENT = object()


def _no_com(*args, **kwargs):
    raise NotImplementedError("COM is not available off Windows")


def _standins() -> dict:
    def module(name, **attrs):
        m = types.ModuleType(name, "fee12b1 stand-in for VBA generation")
        m.__dict__.update(attrs)
        return m
    client = module("win32com.client", Dispatch=_no_com)
    win32com = module("win32com", client=client)
    win32com.__path__ = []
    return {
        "pythoncom": module("pythoncom", CoInitialize=lambda: None),
        "pywintypes": module("pywintypes", TimeType=dt.datetime, com_error=OSError),
        "win32com": win32com,
        "win32com.client": client,
    }


@contextlib.contextmanager
def real_udfs():
    """``xlwings.udfs`` (the real module), importable inside the block on any platform."""
    if sys.platform == "win32" or "xlwings.udfs" in sys.modules:
        yield importlib.import_module("xlwings.udfs")
        return
    stand = _standins()
    names = list(stand) + ["xlwings.udfs"]
    saved = {n: sys.modules.get(n, _ABSENT) for n in names}
    saved_attr = getattr(xlwings, "udfs", _ABSENT)
    try:
        for n, m in stand.items():
            if saved[n] is _ABSENT:
                sys.modules[n] = m
        yield importlib.import_module("xlwings.udfs")
    finally:
        for n, m in saved.items():
            if m is _ABSENT:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m  # type: ignore[assignment]
        if saved_attr is _ABSENT:
            if hasattr(xlwings, "udfs"):
                delattr(xlwings, "udfs")
        else:
            setattr(xlwings, "udfs", saved_attr)  # noqa: B010 - not an attribute mypy knows


@contextlib.contextmanager
def decorated(module_name: str):
    """``module_name`` imported afresh with xlwings' real ``func``/``arg``/``ret`` decorators
    (so every UDF carries its ``__xlfunc__``), and the real ``xlwings.udfs``.  Afterwards the
    module previously imported under that name (if any) is put back."""
    with real_udfs() as udfs:
        attrs = ("func", "arg", "ret")
        saved_attrs = {a: getattr(xlwings, a) for a in attrs}
        saved_mod = sys.modules.pop(module_name, _ABSENT)
        parent, _, child = module_name.rpartition(".")
        saved_child = getattr(sys.modules.get(parent), child, _ABSENT) if parent else _ABSENT
        try:
            xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
            module = importlib.import_module(module_name)
            yield udfs, module
        finally:
            for a, v in saved_attrs.items():
                setattr(xlwings, a, v)
            if saved_mod is _ABSENT:
                sys.modules.pop(module_name, None)
            else:
                sys.modules[module_name] = saved_mod  # type: ignore[assignment]
            if parent and parent in sys.modules:
                if saved_child is _ABSENT:
                    if hasattr(sys.modules[parent], child):
                        delattr(sys.modules[parent], child)
                else:
                    setattr(sys.modules[parent], child, saved_child)
