"""Run classic-xlwings UDFs through xlwings' own UDF machinery on Linux.

On Linux ``xw.func`` / ``xw.arg`` / ``xw.ret`` are no-op pass-throughs (``xlwings/__init__.py``,
last ``else:`` branch), so calling a UDF module's functions directly proves only the Python.  The
real machinery lives in ``xlwings.udfs`` (decorators, VBA generation, ``call_udf``) and
``xlwings.com_server`` (``XLPython.CallUDF``, the method the generated VBA calls).  Both import
Windows-only modules at import time.  This module supplies the smallest set of stand-ins that lets
both import *unchanged* on Linux, and drives them for real.

API
---
``load_udf_module(module_name) -> module``
    Imports (fresh) a UDF module while ``xw.func/arg/ret/sub/script`` are the real
    ``udfs.xlfunc/xlarg/xlret/xlsub``, so every function gets its real ``__xlfunc__`` metadata.
``vba_wrapper_text(module, workbook_name="fee12b1.xlam") -> str``
    What the real ``udfs.generate_vba_wrapper`` writes for the module (one VBA Function each).
``import_functions(module, workbook_name="fee12b1.xlam") -> ImportedFunctions``
    Runs the real ``udfs.import_udfs`` (the "Import Functions" ribbon button) against a recording
    workbook stub: ``.vba`` is the whole module text Excel would import (header included) and
    ``.macro_options`` the ``Application.MacroOptions`` calls -- that is where the docstring
    (Description), the category and the per-argument docs go; they are NOT in the VBA text.
``call(module, func_name, *args, caller_shape=(1, 1)) -> value``
    Calls ``com_server.XLPython().CallUDF(module_name, func_name, args, None, caller)`` -- the
    real entry point the VBA wrapper calls, which runs the real ``udfs.call_udf`` (argument
    conversion, the function, return conversion) and then squeezes the 2-D result the way
    ``CallUDF`` does: a 1x1 result becomes a scalar, a 1xN result a flat list, anything else
    stays a list of lists.  Arguments are what pywin32 hands Python for the VBA ``Array(...)``:
    floats for numbers, ``str``, ``bool``, ``None`` for an empty cell, ``datetime.datetime``
    for a date-formatted cell, tuples of tuples for array values, ``ExcelRange(...)`` for a
    cell reference, ``MISSING`` for an omitted optional argument (``call`` pads with it).
``ExcelRange(values, address="$A$1", sheet="Sheet1", book="Book1.xlsx")``
    Stand-in for the COM ``Range`` object a cell-reference argument arrives as.
``vba_name_problems(module) -> list[str]``
    Function/argument names the generated VBA would not compile with (VBA keywords such as
    ``end``/``date``/``type``, non-identifiers such as ``_x``, case-insensitive clashes).
``MISSING``
    ``-2147352572`` (DISP_E_PARAMNOTFOUND): what an omitted VBA Optional arrives as.
``installed()``
    Context manager; the stand-ins are on ``sys.modules`` only inside it.  Every helper above
    uses it, and on exit ``sys.modules``, the ``xlwings`` package attributes and
    ``xlwings.engines`` are put back exactly as they were, so a plain ``import xlwings``
    elsewhere in the session still sees stock Linux xlwings (no-op decorators, no "excel"
    engine, no ``pythoncom``).

How arguments really arrive (read from ``udfs.call_udf`` / ``com_server.XLPython.CallUDF``)
----------------------------------------------------------------------------------------------
The generated VBA passes ``Array(arg1, arg2, ...)``.  A cell reference is a ``Range`` object in
that Variant array, so ``call_udf`` sees a COM Range (``_xlwindows.is_range_instance``) and
reads it through ``Range.raw_value`` (= ``Range.Value``: a scalar for one cell, a tuple of
tuples otherwise).  Constants and computed arrays (``=F(5)``, ``=F({1,2;3,4})``,
``=F(A1:A3*2)``) arrive as plain values / tuples of tuples and go through
``conversion.read(None, value, options)``.  Both paths then run the same real pipeline
(``Ensure2DStage`` -> ``CleanDataFromReadStage`` -> ``AdjustDimensionsStage``); the only
difference is ``expand=`` on an argument, which needs a real Range (not stood in).  An omitted
optional argument arrives as the int ``-2147352572`` and is replaced by the Python default
*before* conversion (so defaults are never converted).

Dates
-----
Through COM a date-formatted cell arrives as a ``pywintypes.TimeType`` (a ``datetime.datetime``
subclass); the same cell *not* formatted as a date arrives as a float serial.  The stand-in
``pywintypes.TimeType`` is plain ``datetime.datetime``.  ``CleanDataFromReadStage`` (default
``dates=datetime.datetime``) turns every ``date``/``datetime``/``TimeType`` value into
``builder(year=..., month=..., ..., tzinfo=None)`` via ``_xlwindows._com_time_to_datetime``;
``dates=datetime.date`` therefore gives ``datetime.date`` -- but a float serial stays a float.
``@xw.arg("d", datetime.date)`` (``convert=``) additionally runs ``DateConverter``
(``xlserial_to_datetime(v).date()``), which also converts float serials but raises
``AttributeError`` on an empty cell (``None.date()``).  A ``d: datetime.date`` *type hint*
sets no converter at all (``udfs.xlfunc``: "pywin32 takes care of converting datetime
objects"), so such an argument receives a ``datetime.datetime``.  On the way back,
``prepare_xl_data_element`` turns ``date``/``datetime`` into tz-aware (UTC) datetimes, which
pywin32 hands to Excel as a date serial; ``None`` becomes ``""`` and NaN becomes ``""``.

Exceptions
----------
``call_udf`` and ``CallUDF`` do not catch anything: an exception raised by the UDF propagates
out of ``CallUDF`` into pywin32's COM server, which turns it into a COM error whose description
is the Python traceback text.  The generated VBA has ``On Error GoTo failed`` and
``failed: F = Err.Description``, so the cell shows that text *as a string value* (not an Excel
error such as ``#VALUE!``; xlwings/xlwings#1108).  ``call`` here simply lets the exception
propagate.  A UDF that returns "#start: not a date" likewise yields a plain text cell.

Error values
------------
An input cell holding an Excel error arrives (in ``Range.Value`` or an array) as pywin32 gives a
``VT_ERROR``: an ``int`` SCODE, ``0x800A0000 + n`` (``#N/A`` = -2146826246).  Pass those ints
here.  A UDF returns a real error value as ``win32com.client.VARIANT(pythoncom.VT_ERROR, scode)``
(stood in: ``VARIANT`` and ``pythoncom.VT_ERROR``); xlwings passes it through unchanged, and
``call`` returns it as it would reach pywin32.

``expand=`` on the return value
-------------------------------
With ``@xw.ret(expand=...)`` ``call_udf`` compares the caller's shape with the result's: if
they differ it resizes the array formula in the background (``ComRange``, pythoncom marshalling,
the com_server event loop) -- deliberately not stood in: ``call`` raises NotImplementedError
then.  Pass ``caller_shape=<result shape>`` to get the steady state after that resize (the
cache entry is then consumed, as in Excel).  Dynamic-array Excel spills returned arrays without
``expand``; prefer no ``expand`` in the add-in.

Not stood in (real code that is never reached here): ``this_workbook`` (VBA passes
``ThisWorkbook``/``ActiveWorkbook``; xlwings uses it to look for embedded ``*.py`` sheets on
first import and to set ``_xlwindows.BOOK_CALLER`` for ``xw.Book.caller()``), the reserved
``caller`` argument, ``async_mode``, async UDFs, and ``expand`` on arguments.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import importlib
import io
import os
import sys
import types
from dataclasses import dataclass, field

import xlwings
from xlwings import base_classes

MISSING = -2147352572  # udfs.call_udf: `isinstance(arg, int) and arg == -2147352572`

_ABSENT = object()


# --------------------------------------------------------------------------------------------
# COM objects handed to Python: a cell reference argument and the formula's caller cell(s)
# --------------------------------------------------------------------------------------------
class ExcelRange:
    """Stand-in for the COM ``Excel.Range`` pywin32 hands Python for a cell reference.

    ``values``: a tuple of tuples (the cells; ``None`` = empty cell), or a scalar for one cell.
    ``Value`` mirrors COM's ``Range.Value``: a scalar for one cell, a tuple of tuples otherwise.
    """

    def __init__(self, values, address="$A$1", sheet="Sheet1", book="Book1.xlsx", shape=None):
        if not isinstance(values, tuple) or (values and not isinstance(values[0], tuple)):
            values = ((values,),)
        self._values = values
        self.shape = shape or (len(values), len(values[0]) if values else 0)
        top_left = address.replace("$", "").split(":")[0]
        col = "".join(c for c in top_left if c.isalpha())
        row = int("".join(c for c in top_left if c.isdigit()))
        rows, cols = self.shape
        last = f"${_col_letters(_col_number(col) + cols - 1)}${row + rows - 1}"
        self.address = f"${col}${row}" + ("" if self.shape == (1, 1) else ":" + last)
        app = types.SimpleNamespace(pid=4242, engine=_ENGINE)  # App impl: main.App.pid/.engine
        self.sheet = types.SimpleNamespace(  # Sheet impl: .name, .book (main.Sheet)
            name=sheet, book=types.SimpleNamespace(name=book, app=app)  # Book impl: .name, .app
        )

    @property
    def Value(self):
        v = self._values
        return v[0][0] if self.shape == (1, 1) else v


def _col_number(letters):
    n = 0
    for c in letters.upper():
        n = n * 26 + ord(c) - 64
    return n


def _col_letters(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


# --------------------------------------------------------------------------------------------
# stand-in xlwings._xlwindows: only what udfs.call_udf and conversion touch
# --------------------------------------------------------------------------------------------
class _XlwRange(base_classes.Range):
    """Stand-in ``xlwings._xlwindows.Range`` (the impl behind ``xlwings.main.Range``).

    call_udf builds ``Range(impl=_xlwindows.Range(xl=caller))`` always, and
    ``Range(impl=_xlwindows.Range(xl=arg))`` for range arguments.  Subclassing
    ``base_classes.Range`` like the real class gives the real ``max_cells_per_read``
    (``ReadValueFromRangeStage``).
    """

    def __init__(self, xl):
        self.xl = xl  # an ExcelRange (main.Range.__init__ then sets impl.options)

    @property
    def raw_value(self):  # ReadValueFromRangeStage -> main.Range.raw_value (real: xl.Value)
        return self.xl.Value if self.xl is not None else None

    @property
    def sheet(self):  # ConversionContext (rng.sheet.book.app.engine), udfs.get_cache_key
        return self.xl.sheet

    @property
    def address(self):  # udfs.get_cache_key (expand=)
        return self.xl.address

    @property
    def shape(self):  # len(xw_caller.rows / .columns) in call_udf (expand=)
        return self.xl.shape

    def __call__(self, *args):  # main.Range.__call__, reached via xw_caller.resize(...)
        raise NotImplementedError(
            "call_udf wants to resize the caller (expand= result larger/smaller than the "
            "calling cells): that needs COM marshalling and is not stood in. Pass "
            "caller_shape=<result shape> to call()."
        )


def _is_range_instance(xl_range):
    # Real: checks the COM type info IID of Excel.Range.
    return isinstance(xl_range, ExcelRange)


def _real_engine_class():
    """The *real* ``_xlwindows.Engine`` and its helpers, lifted from the installed source.

    ``_xlwindows.py`` cannot be imported on Linux, but its conversion functions are pure Python.
    They are executed here from the installed file, so the stand-in engine cannot drift from
    it.  Their globals are the real ones except ``pywintypes.TimeType`` (stand-in: datetime)
    and ``win32timezone.TimeZoneInfo.utc()`` (stand-in: ``datetime.timezone.utc``).
    """
    path = os.path.join(os.path.dirname(xlwings.__file__), "_xlwindows.py")
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    wanted = {"_com_time_to_datetime", "_datetime_to_com_time", "_clean_value_data_element",
              "cell_errors", "Engine"}
    nodes = [
        n for n in tree.body
        if (isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in wanted)
        or (isinstance(n, ast.Assign) and any(getattr(t, "id", None) in wanted for t in n.targets))
    ]
    ns = {"dt": dt, "pd": None, "np": None}
    try:
        import pandas as pd

        ns["pd"] = pd
    except ImportError:
        pass
    try:
        import numpy as np

        ns["np"] = np
    except ImportError:
        pass
    from xlwings.utils import np_datetime_to_datetime

    ns["np_datetime_to_datetime"] = np_datetime_to_datetime
    # _xlwindows.py line `time_types = (dt.date, dt.datetime, pywintypes.TimeType)` (+ datetime64)
    ns["time_types"] = (dt.date, dt.datetime, _pywintypes.TimeType) + (
        (ns["np"].datetime64,) if ns["np"] else ()
    )
    ns["win32timezone"] = types.SimpleNamespace(
        TimeZoneInfo=types.SimpleNamespace(utc=lambda: dt.UTC)
    )
    module = ast.Module(body=nodes, type_ignores=[])
    exec(compile(module, path, "exec"), ns)
    missing = wanted - set(ns)
    if missing:  # the installed xlwings changed shape: fail loudly, do not guess
        raise RuntimeError(f"_xlwindows.py no longer defines {sorted(missing)}")
    return ns["Engine"]


# --------------------------------------------------------------------------------------------
# stand-in pywin32 modules: each attribute is touched at import time or on the path we run
# --------------------------------------------------------------------------------------------
def _module(name, doc, **attrs):
    m = types.ModuleType(name, doc)
    m.__dict__.update(attrs)
    return m


class _PyIDispatch:
    """Nothing is ever an instance: com_server.FromVariant leaves our arguments alone."""


def _com_unavailable(*args, **kwargs):
    raise NotImplementedError("COM is not available: this path is not stood in")


def _unwrap(ob):
    # win32com.server.util.unwrap raises for anything that is not a wrapped Python COM object;
    # com_server.FromVariant catches that and keeps the argument as is.
    raise TypeError("not a wrapped Python COM object")


_pywintypes = _module(
    "pywintypes",
    "stand-in: imported by udfs and com_server; TimeType used by _xlwindows.time_types",
    TimeType=dt.datetime,  # real: a datetime.datetime subclass for VT_DATE values
)
_pythoncom = _module(
    "pythoncom",
    "stand-in",
    CoInitialize=lambda: None,  # udfs: ThreadPoolExecutor(initializer=pythoncom.CoInitialize)
    IID_IDispatch="{00020400-0000-0000-C000-000000000046}",  # com_server: PyIDispatch = ...
    TypeIIDs={"{00020400-0000-0000-C000-000000000046}": _PyIDispatch},  # ... TypeIIDs[IID]
    VT_ERROR=10,  # the VARIANT type of an error value (wtypes.h VARENUM)
)
class VARIANT:
    """Stand-in ``win32com.client.VARIANT``: a value with an explicit COM type.  pywin32's
    ``PyCom_VariantFromPyObject`` (com/win32com/src/oleargs.cpp, ``ConvertPyVariant``) turns
    one into a VARIANT of type ``varianttype``; ``VARIANT(VT_ERROR, scode)`` reaches Excel as
    an error value."""

    def __init__(self, vt, value):
        self.varianttype = vt
        self.value = value

    def __eq__(self, other):
        return (isinstance(other, VARIANT) and self.varianttype == other.varianttype
                and self.value == other.value)

    def __hash__(self):
        return hash((self.varianttype, self.value))

    def __repr__(self):
        return f"win32com.client.VARIANT({self.varianttype!r}, {self.value!r})"


_win32com_client = _module(
    "win32com.client", "stand-in",
    Dispatch=_com_unavailable,  # udfs: `from win32com.client import Dispatch` (not called here)
    VARIANT=VARIANT,  # a typed COM value (VT_ERROR for Excel error values)
)
_win32com_server_util = _module(
    "win32com.server.util", "stand-in", unwrap=_unwrap  # com_server.FromVariant
)
_win32com_server = _module(
    "win32com.server", "stand-in package",
    util=_win32com_server_util,
    dispatcher=_module("win32com.server.dispatcher", "stand-in: imported by com_server"),
    policy=_module("win32com.server.policy", "stand-in: imported by com_server"),
)
_win32com = _module(
    "win32com", "stand-in package", client=_win32com_client, server=_win32com_server
)
_win32com.__path__ = []  # a package, so `import win32com.server.util` resolves submodules

_ENGINE = _real_engine_class()()  # registered in xlwings.engines as "excel" while installed

_xlwindows = _module(
    "xlwings._xlwindows",
    "stand-in: udfs.call_udf reads xlwings._xlwindows.Range and .is_range_instance",
    Range=_XlwRange,
    is_range_instance=_is_range_instance,
)

_STANDINS = {
    "pythoncom": _pythoncom,  # udfs, com_server: import
    "pywintypes": _pywintypes,  # udfs, com_server: import
    "win32api": _module("win32api", "stand-in: com_server imports it"),
    "win32event": _module("win32event", "stand-in: com_server imports it (used in serve())"),
    "win32com": _win32com,
    "win32com.client": _win32com_client,  # udfs: Dispatch; com_server: import
    "win32com.server": _win32com_server,
    "win32com.server.dispatcher": _win32com_server.dispatcher,  # com_server: import
    "win32com.server.policy": _win32com_server.policy,  # com_server: import
    "win32com.server.util": _win32com_server_util,  # com_server: import, unwrap
    "xlwings._xlwindows": _xlwindows,  # udfs.call_udf: Range, is_range_instance
}
# Real xlwings modules imported (unchanged) on top of the stand-ins; kept here between uses.
_REAL = {}  # "xlwings.udfs" / "xlwings.com_server" -> module
_XLWINGS_ATTRS = ("_xlwindows", "udfs", "com_server", "func", "arg", "ret", "sub", "script")
_depth = 0


@contextlib.contextmanager
def installed():
    """Put the stand-ins (and the real udfs/com_server) in place; restore everything after."""
    global _depth
    if _depth:
        yield _REAL["xlwings.udfs"]
        return
    names = list(_STANDINS) + ["xlwings.udfs", "xlwings.com_server"]
    saved_modules = {n: sys.modules.get(n, _ABSENT) for n in names}
    saved_attrs = {a: getattr(xlwings, a, _ABSENT) for a in _XLWINGS_ATTRS}
    engines = xlwings.engines
    added_engine = None
    _depth += 1
    try:
        sys.modules.update(_STANDINS)
        xlwings._xlwindows = _xlwindows  # call_udf: `xlwings._xlwindows.Range(...)`
        if "excel" not in engines.engines_by_name:
            # ConversionContext: `xlwings.engines["excel"]` when rng is None (UDF values)
            added_engine = xlwings.Engine(impl=_ENGINE)
            engines.add(added_engine)
        for name, attr in (("xlwings.udfs", "udfs"), ("xlwings.com_server", "com_server")):
            if name in _REAL:
                sys.modules[name] = _REAL[name]
                setattr(xlwings, attr, _REAL[name])
            else:
                _REAL[name] = importlib.import_module(name)  # the real, unchanged module
        yield _REAL["xlwings.udfs"]
    finally:
        _depth -= 1
        if added_engine is not None:
            engines.engines.remove(added_engine)
            del engines.engines_by_name["excel"]
        for n, m in saved_modules.items():
            if m is _ABSENT:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m
        for a, v in saved_attrs.items():
            if v is _ABSENT:
                if hasattr(xlwings, a):
                    delattr(xlwings, a)
            else:
                setattr(xlwings, a, v)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def load_udf_module(module_name: str):
    """Import ``module_name`` afresh with the real xlwings UDF decorators; return the module."""
    with installed() as udfs:
        # As on Windows (xlwings/__init__.py): func=xlfunc, arg=xlarg, ret=xlret,
        # script=sub=xlsub.  installed() restores the Linux no-ops on exit.
        xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
        xlwings.script = xlwings.sub = udfs.xlsub
        sys.modules.pop(module_name, None)
        udfs.udf_modules.pop(module_name, None)  # get_udf_module's own cache
        return importlib.import_module(module_name)


def vba_wrapper_text(module, workbook_name: str = "fee12b1.xlam") -> str:
    """The VBA the real ``udfs.generate_vba_wrapper`` writes for ``module``.

    The workbook argument is only read for ``.Name``: a name ending in ``.xlam`` makes the
    wrapper pass ``ActiveWorkbook``, anything else ``ThisWorkbook``.
    """
    with installed() as udfs:
        out = io.StringIO()
        udfs.generate_vba_wrapper(
            module.__name__, module, out, types.SimpleNamespace(Name=workbook_name)
        )
        return out.getvalue()


@dataclass
class ImportedFunctions:
    vba: str  # the module text Excel imports as "xlwings_udfs"
    macro_options: list = field(default_factory=list)  # kwargs of Application.MacroOptions


class _RecordingWorkbook:
    """What udfs.import_udfs touches on the workbook: Name, VBProject.VBComponents(...),
    .Remove, .Import(path), Application.Version and Application.MacroOptions."""

    def __init__(self, name):
        self.Name = name
        self.vba = None
        self.macro_options = []
        book = self

        class _Components:
            def __call__(self, name):
                return name

            def Remove(self, component):
                pass

            def Import(self, path):
                with open(path) as f:  # written by import_udfs with the default encoding
                    book.vba = f.read()

        self.VBProject = types.SimpleNamespace(VBComponents=_Components())
        self.Application = types.SimpleNamespace(
            Version="16.0",
            MacroOptions=lambda macro, **kw: self.macro_options.append(dict(Macro=macro, **kw)),
        )


def import_functions(module, workbook_name: str = "fee12b1.xlam") -> ImportedFunctions:
    """Run the real ``udfs.import_udfs`` (ribbon "Import Functions") against a recording stub.

    The module is registered in ``udfs.udf_modules`` first (what ``get_udf_module`` does on a
    first import); this skips only its look for embedded ``*.py`` sheets in the workbook.
    """
    with installed() as udfs:
        _register(udfs, module)
        book = _RecordingWorkbook(workbook_name)
        udfs.import_udfs(module.__name__, book)
        return ImportedFunctions(vba=book.vba, macro_options=book.macro_options)


def _register(udfs, module):
    # get_udf_module stores os.path.normcase(module.__file__.lower()) and later calls
    # getmtime on it: on Windows' case-insensitive file system that names the same file.  Here
    # (case-sensitive) the lowered path of a checkout such as "/home/Ann/My Work" does not
    # exist, so the path keeps its case; it is only ever read back by getmtime.
    filename = os.path.normcase(module.__file__)
    udfs.udf_modules[module.__name__] = {
        "filename": filename,
        "filetime": os.path.getmtime(filename),
        "module": module,
    }


def call(module, func_name: str, *args, caller_shape=(1, 1)):
    """Call ``func_name`` as Excel would and return what xlwings hands back to pywin32.

    Missing trailing arguments are padded with ``MISSING`` (the VBA wrapper always passes every
    declared argument).  Exceptions raised by the UDF propagate (see the module docstring).
    """
    with installed() as udfs:
        _register(udfs, module)
        info = getattr(module, func_name).__xlfunc__
        n_declared = sum(1 for a in info["args"] if not a["vararg"])
        args = tuple(args) + (MISSING,) * max(0, n_declared - len(args))
        caller = ExcelRange(None, address="$B$2", shape=tuple(caller_shape))
        server = _REAL["xlwings.com_server"].XLPython()
        try:
            return server.CallUDF(module.__name__, func_name, args, None, caller)
        except NotImplementedError:
            udfs.cache.clear()  # the expand= result cached before the resize attempt
            raise


# VBA keywords that cannot name a Function or a parameter (the generated wrapper would not
# compile).  Case-insensitive, like VBA.
VBA_KEYWORDS = frozenset(w.lower() for w in """
    And As Boolean ByRef Byte ByVal Call Case Close Const Currency Date Declare Dim Do Double
    Each Else ElseIf Empty End Enum Eqv Erase Event Exit False For Friend Function Get Global
    GoSub GoTo If Imp Implements In Input Integer Is Let Like Lock Long LongLong LongPtr Loop
    LSet Me Mod New Next Not Nothing Null Object On Open Option Optional Or ParamArray Preserve
    Print Private Public Put RaiseEvent ReDim Rem Resume Return RSet Select Set Single Static
    Step Stop String Sub Then To True Type TypeOf Unlock Until Variant Wend While With
    WithEvents Write Xor
""".split())


def vba_name_problems(module) -> list:
    """Names in ``module``'s UDFs that the generated VBA would choke on.

    Checks what ``generate_vba_wrapper`` copies verbatim into VBA: function and parameter names
    must be VBA identifiers (a letter first, then letters, digits, ``_``), not keywords, and
    unique within a function ignoring case (VBA is case-insensitive).
    """
    problems = []
    for attr in dir(module):
        info = getattr(getattr(module, attr), "__xlfunc__", None)
        if info is None:
            continue
        seen = {}
        for kind, name in [("function", info["name"])] + [
            ("argument", a["name"]) for a in info["args"] if not a["vba"]
        ]:
            where = f"{info['name']}: {kind} {name!r}"
            if not (name[:1].isascii() and name[:1].isalpha()) or not all(
                c.isascii() and (c.isalnum() or c == "_") for c in name
            ):
                problems.append(where + " is not a VBA identifier")
            if name.lower() in VBA_KEYWORDS:
                problems.append(where + " is a VBA keyword")
            if name.lower() in seen:
                problems.append(where + f" clashes with {seen[name.lower()]!r} (VBA ignores case)")
            seen[name.lower()] = name
    return problems


__all__ = [
    "ExcelRange",
    "ImportedFunctions",
    "MISSING",
    "VARIANT",
    "call",
    "import_functions",
    "installed",
    "load_udf_module",
    "vba_name_problems",
    "vba_wrapper_text",
    "VBA_KEYWORDS",
]
