"""fee12b1 for LibreOffice Calc: the UNO component of the extension (runs inside LibreOffice).

Packed into ``fee12b1.oxt`` as ``fee12b1_calc.py`` by ``addin.calc.oxt``; LibreOffice's Python
loader runs it.  Two implementations:

* ``Functions`` -- the Calc add-in (service ``com.sun.star.sheet.AddIn``): one method per
  ``FEE_*`` function of ``functions.json`` (made from ``addin.udfs``), plus ``XAddIn`` (names,
  descriptions, argument help), ``XCompatibilityNames`` (the Excel names), ``XServiceName``
  and ``XServiceInfo``.  A call converts Calc's arguments and runs the Excel add-in's own
  function (``addin.calc.runtime``) from the Python environment recorded in
  ``environment.json``; if that environment cannot be used, every cell says why
  (``#fee12b1: ...``).
* ``DocumentJob`` -- run on document events.  When a document has been loaded: LibreOffice 7.4
  does not map add-in names when it imports an ``.xlsx`` (a ``FEE_DAILY(...)`` cell loads as
  an unknown name, ``#NAME?``), but a formula entered again through the API resolves.  So the
  job enters again every formula that calls a ``FEE_*`` function, as it reads (one-item table
  references in LibreOffice's spelling), and sizes each array formula of a table function
  (``FEE_ACCRUALS``...) to the table it returns, into empty cells only.  The document's undo
  list and modified flag are left as they were.  When Calc has saved a document as ``.xlsx``:
  the file gets the Excel names of the functions back (``xlsx_names``).

Only the standard library, ``uno`` and the extension's ``pythonpath/fee12b1_calc_env.py`` and
``fee12b1_calc_xlsx.py`` are imported before the environment is checked.
"""
import datetime
import json
import logging
import os
import re
import threading
import time

import fee12b1_calc_env as environment
import fee12b1_calc_xlsx as xlsx_names
import uno
import unohelper
from com.sun.star.lang import (
    IndexOutOfBoundsException,
    Locale,
    XServiceInfo,
    XServiceName,
)
from com.sun.star.sheet import LocalizedName, XAddIn, XCompatibilityNames
from com.sun.star.sheet.CellFlags import DATETIME, FORMULA, STRING, VALUE
from com.sun.star.task import XJob
from org.fee12b1.calc import XFunctions

HERE = os.path.dirname(os.path.abspath(__file__))
ADDIN_IMPLEMENTATION = "org.fee12b1.calc.Functions"
ADDIN_SERVICES = ("com.sun.star.sheet.AddIn", ADDIN_IMPLEMENTATION)
JOB_IMPLEMENTATION = "org.fee12b1.calc.DocumentJob"
JOB_SERVICES = ("com.sun.star.task.Job", JOB_IMPLEMENTATION)
CATEGORY = "Add-In"  # Calc's own category for add-in functions (it has no custom categories)
CONTENT = VALUE | DATETIME | STRING | FORMULA
LOADED = ("OnLoadFinished",)
SAVED = ("OnSaveDone", "OnSaveAsDone")
OOXML_FILTERS = ("Calc MS Excel 2007 XML", "Calc MS Excel 2007 VBA XML", "Calc Office Open XML",
                 "Calc MS Excel 2007 XML Template", "Calc Office Open XML Template")
MAX_TEXT = 255

log = logging.getLogger("fee12b1.calc")
if os.environ.get("FEE12B1_DEBUG"):
    logging.basicConfig(level=logging.DEBUG)


def _load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


SPECS = _load("functions.json")
BY_NAME = {f["name"]: f for f in SPECS}
TABLE_FUNCTIONS = frozenset(f["name"] for f in SPECS
                            if any(a["kind"] == "table" for a in f["args"]))
ENVIRONMENT = _load(environment.FILE_NAME)


# --------------------------------------------------------------------------- the environment
class _Runtime:
    """``addin.calc.runtime`` from the recorded environment, imported once; or the reason why
    it cannot be, which every cell then shows."""

    def __init__(self):
        self._lock = threading.Lock()
        self._module = None
        self._functions = None
        self.problem = None

    def get(self):
        with self._lock:
            if self._module is None and self.problem is None:
                try:
                    environment.activate(ENVIRONMENT)
                    import fee_core
                    environment.verify_import(ENVIRONMENT, fee_core)
                    from addin.calc import runtime
                    from addin.calc.functions import Function
                    self._functions = {f["name"]: Function.from_json(f) for f in SPECS}
                    self._module = runtime
                except environment.Mismatch as e:
                    self.problem = str(e)
                except Exception as e:  # e.g. a package missing from the environment
                    log.exception("loading fee12b1 failed")
                    self.problem = (f"cannot load fee12b1 from {ENVIRONMENT['prefix']} "
                                    f"({type(e).__name__}: {e})")
            return self._module, self._functions


RUNTIME = _Runtime()


def _clip(text):
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "\u2026"


def _null_date(options):
    """The document's NullDate (Calc passes the document as ``options``)."""
    d = options.getPropertyValue("NullDate")
    return datetime.date(d.Year, d.Month, d.Day)


def _answer(name, options, args):
    runtime, functions = RUNTIME.get()
    if runtime is None:
        return _clip(f"#fee12b1: {RUNTIME.problem}")
    try:
        return runtime.call(functions[name], _null_date(options), args)
    except Exception as e:  # never a traceback in a cell
        log.exception("%s failed", name)
        return _clip(f"#error: {type(e).__name__}: {e}")


def _calc(name, options, args):
    """The answer of function ``name`` for one cell: a table function always answers rows
    (its IDL result is ``sequence< sequence< any > >``), a problem text as a one-cell table."""
    answer = _answer(name, options, args)
    if name in TABLE_FUNCTIONS and not isinstance(answer, tuple):
        return ((answer,),)
    return answer


def _method(name):
    def method(self, options, *args):
        return _calc(name, options, args)
    method.__name__ = name
    return method


# --------------------------------------------------------------------------- the add-in
class Functions(unohelper.Base, XFunctions, XAddIn, XCompatibilityNames, XServiceName,
                XServiceInfo):
    """The Calc add-in: programmatic names are the Excel names (``FEE_DAILY``)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.locale = Locale("en", "US", "")

    # XLocalizable (base of XAddIn)
    def setLocale(self, locale):
        self.locale = locale

    def getLocale(self):
        return self.locale

    # XAddIn
    def getProgrammaticFuntionName(self, display_name):  # sic: the UNO method's spelling
        return display_name.upper() if display_name.upper() in BY_NAME else ""

    def getDisplayFunctionName(self, name):
        return name if name in BY_NAME else ""

    def getFunctionDescription(self, name):
        f = BY_NAME.get(name)
        return f["doc"] if f else ""

    def _arg(self, name, index):
        f = BY_NAME.get(name)
        # index 0 is the hidden document argument; the function's own arguments follow
        if f is None or not 1 <= index <= len(f["args"]):
            return None
        return f["args"][index - 1]

    def getDisplayArgumentName(self, name, index):
        a = self._arg(name, index)
        return "" if a is None else a["name"] + (" (optional)" if a["optional"] else "")

    def getArgumentDescription(self, name, index):
        a = self._arg(name, index)
        return "" if a is None else a["doc"]

    def getProgrammaticCategoryName(self, name):
        return CATEGORY

    def getDisplayCategoryName(self, name):
        return CATEGORY

    # XCompatibilityNames: the names Excel users type, for every language
    def getCompatibilityNames(self, name):
        if name not in BY_NAME:
            return ()
        return (LocalizedName(Locale("en", "US", ""), name),
                LocalizedName(Locale("", "", ""), name))

    # XServiceName / XServiceInfo
    def getServiceName(self):
        return ADDIN_IMPLEMENTATION

    def getImplementationName(self):
        return ADDIN_IMPLEMENTATION

    def supportsService(self, name):
        return name in ADDIN_SERVICES

    def getSupportedServiceNames(self):
        return ADDIN_SERVICES


for _f in SPECS:
    setattr(Functions, _f["name"], _method(_f["name"]))


# --------------------------------------------------------------------------- the load job
CALL = re.compile(r"(?<![\w.])(" + "|".join(re.escape(f["name"]) for f in SPECS) + r")\s*\(",
                  re.IGNORECASE)


def _named(args, name):
    for a in args:
        if a.Name == name:
            return a.Value
    return None


# Excel's one-item structured references (Table[#All]) load from an .xlsx as text that LibreOffice
# 7.4 does not read back (Table[#all] -> #NAME?); its own spelling of the same is Table[[#All]].
ITEM = re.compile(r"(?<=[\w.])\[\s*#(all|data|headers|totals|this row)\s*\]", re.IGNORECASE)
ITEMS = {"all": "#All", "data": "#Data", "headers": "#Headers", "totals": "#Totals",
         "this row": "#This Row"}


def _readable(formula):
    """A formula's text as LibreOffice reads it back (see ``ITEM``)."""
    return ITEM.sub(lambda m: f"[[{ITEMS[m.group(1).lower()]}]]", formula)


def _calls(formula):
    """The FEE_ functions a formula calls (upper case)."""
    return {m.group(1).upper() for m in CALL.finditer(formula or "")}


def _formula_cells(doc):
    """(sheet, column, row, formula) of every formula cell that calls a FEE_ function."""
    out = []
    for sheet in doc.Sheets:
        cells = sheet.queryContentCells(FORMULA)
        for a in cells.getRangeAddresses():
            block = sheet.getCellRangeByPosition(a.StartColumn, a.StartRow, a.EndColumn, a.EndRow)
            for i, row in enumerate(block.getFormulaArray()):
                for j, formula in enumerate(row):
                    if _calls(formula):
                        out.append((sheet, a.StartColumn + j, a.StartRow + i, formula))
    return out


def _array_text(rng):
    """The formula of an array range as ``setArrayFormula`` takes it: its first cell's formula
    without the ``{}`` (``getArrayFormula`` separates arguments by ``,``, which
    ``setArrayFormula`` does not read back)."""
    text = rng.getCellByPosition(0, 0).getFormula()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    return _readable(text)


def _is_empty(rng):
    return not rng.queryContentCells(CONTENT).getRangeAddresses()


def _resize_table(sheet, rng, formula):
    """Enter the array formula of a table function over the size of the table it returns,
    into empty cells only; returns the range it now covers."""
    a = rng.getRangeAddress()
    rng.setArrayFormula("")
    anchor = sheet.getCellByPosition(a.StartColumn, a.StartRow)
    inner = formula.removeprefix("=")
    anchor.setFormula(f"=ROWS({inner})*100000+COLUMNS({inner})")
    size = anchor.getValue() if anchor.getError() == 0 else 0
    anchor.setFormula("")
    rows, cols = int(size // 100000), int(size % 100000)
    target = rng.getCellRangeByPosition(0, 0, 0, 0)
    if rows >= 1 and cols >= 1:
        try:
            candidate = sheet.getCellRangeByPosition(
                a.StartColumn, a.StartRow, a.StartColumn + cols - 1, a.StartRow + rows - 1)
        except IndexOutOfBoundsException:  # beyond the sheet's last row or column
            candidate = None
        if candidate is not None and _is_empty(candidate):
            target = candidate
        else:
            log.warning("%s: no room for a %dx%d table at %s; entered in one cell",
                        formula, rows, cols, anchor.AbsoluteName)
    target.setArrayFormula(formula)
    return target


def _enter_again(sheet, col, row, formula):
    """Enter one FEE_ formula (or the array formula it belongs to) again; returns the
    (column, row) cells it covered before and after."""
    cell = sheet.getCellByPosition(col, row)
    cursor = sheet.createCursorByRange(cell)
    cursor.collapseToCurrentArray()
    a = cursor.getRangeAddress()
    if (a.StartColumn, a.StartRow, a.EndColumn, a.EndRow) == (col, row, col, row) and \
            not cursor.getArrayFormula():
        cell.setFormula(_readable(formula))
        return {(col, row)}
    array = sheet.getCellRangeByPosition(a.StartColumn, a.StartRow, a.EndColumn, a.EndRow)
    text = _array_text(array)
    if _calls(text) & TABLE_FUNCTIONS:
        array = _resize_table(sheet, array, text)
    else:
        array.setArrayFormula(text)
    b = array.getRangeAddress()
    return {(c, r) for c in range(min(a.StartColumn, b.StartColumn), max(a.EndColumn, b.EndColumn) + 1)
            for r in range(min(a.StartRow, b.StartRow), max(a.EndRow, b.EndRow) + 1)}


def resolve_document(doc):
    """Enter again every FEE_ formula of a loaded spreadsheet (see the module docstring).
    A cell that cannot be entered (a protected sheet) keeps what it had; the others go on.
    Returns the number of formulas entered."""
    if not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
        return 0
    found = _formula_cells(doc)
    if not found:
        return 0
    modified = doc.isModified()
    undo = doc.getUndoManager()
    undo.lock()
    doc.lockControllers()
    done: set[tuple[str, int, int]] = set()
    count = 0
    try:
        for sheet, col, row, formula in found:
            if (sheet.Name, col, row) in done:
                continue
            try:
                covered = _enter_again(sheet, col, row, formula)
            except Exception:  # logged; the other cells are still entered
                log.exception("fee12b1: cannot enter %s again in %s", formula,
                              sheet.getCellByPosition(col, row).AbsoluteName)
                continue
            done.update((sheet.Name, c, r) for c, r in covered)
            count += 1
    finally:
        doc.unlockControllers()
        undo.unlock()
        if not modified:
            doc.setModified(False)
    return count


def restore_excel_names(doc):
    """After Calc saved ``doc`` as .xlsx: the file's formulas get the Excel names back
    (``fee12b1_calc_xlsx``).  Returns True if the file was rewritten."""
    args = {p.Name: p.Value for p in doc.getArgs()}
    url = doc.getURL()
    if args.get("FilterName") not in OOXML_FILTERS or not url.startswith("file:"):
        return False
    return xlsx_names.restore_file(uno.fileUrlToSystemPath(url))


class DocumentJob(unohelper.Base, XJob, XServiceInfo):
    """The document events of the extension: loaded -> ``resolve_document``; saved as .xlsx
    (Save, Save As) -> ``restore_excel_names``."""

    def __init__(self, ctx):
        self.ctx = ctx

    def execute(self, args):
        env = {a.Name: a.Value for a in (_named(args, "Environment") or ())}
        doc, event = env.get("Model"), env.get("EventName")
        if doc is None:
            return ()
        try:
            if event in LOADED:
                t = time.perf_counter()
                n = resolve_document(doc)
                log.debug("fee12b1: %d formulas entered again in %s (%.2f s)", n, doc.getURL(),
                          time.perf_counter() - t)
            elif event in SAVED and restore_excel_names(doc):
                log.debug("fee12b1: Excel names restored in %s", doc.getURL())
        except Exception:
            log.exception("fee12b1: the %s job failed", event)
        return ()

    def getImplementationName(self):
        return JOB_IMPLEMENTATION

    def supportsService(self, name):
        return name in JOB_SERVICES

    def getSupportedServiceNames(self):
        return JOB_SERVICES


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Functions, ADDIN_IMPLEMENTATION, ADDIN_SERVICES)
g_ImplementationHelper.addImplementation(DocumentJob, JOB_IMPLEMENTATION, JOB_SERVICES)
