"""Drive one headless LibreOffice through UNO: run by LibreOffice's own Python (``import uno``).

Used by ``tests/calc_office.py`` (never imported by pytest): it reads a JSON job on stdin,
starts ``soffice --headless`` with the job's private profile, connects over a pipe, runs the
steps, shuts soffice down (always) and prints one JSON document with a result per step.
soffice stays in the driver's process group, which the caller kills on a timeout.

Steps (``{"do": ...}``):

* ``open`` ``path`` [``read_only``] -- load a document (hidden), as File > Open would;
* ``calculate`` -- ``calculateAll()`` (every formula, like Data > Calculate > Recalculate Hard);
* ``cells`` [``sheets``] -- every non-empty cell: ``{sheet: {"A1": [value, formula, error]}}``
  (value: number or text as Calc holds it; formula ``""`` for a constant; error: Calc's error
  code, 0 for none) and ``arrays``: ``{sheet: {"A5": "A5:F30"}}`` for every array formula;
* ``set`` ``sheet`` ``cell`` ``formula`` [``array``: range] -- enter a formula;
* ``value`` ``sheet`` ``cell`` -- one cell's ``[value, formula, error, shown text]`` (value: the
  number or text the cell holds, ``""`` for an error);
* ``store`` ``path`` ``filter`` -- save a copy (``storeToURL``, File > Save a Copy);
* ``save_as`` ``path`` ``filter`` -- File > Save As (``storeAsURL``); ``save`` -- File > Save;
* ``functions`` [``names``] -- Calc's function list entries (``FunctionDescriptions``):
  name, description, category, arguments (name, description, optional);
* ``modified`` -- whether the document is modified; ``undo`` -- its undo list's titles;
* ``null_date`` -- the document's NullDate as ``[y, m, d]``;
* ``close``.
"""
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException
from com.sun.star.sheet.CellFlags import DATETIME, FORMULA, STRING, VALUE
from com.sun.star.sheet.FormulaResult import ERROR

CONTENT = VALUE | DATETIME | STRING | FORMULA


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def start(job):
    pipe = f"fee12b1calc{os.getpid()}"
    argv = [job.get("soffice", "soffice"), f"-env:UserInstallation={url(job['profile'])}",
            "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
            "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    env = dict(os.environ, SAL_USE_VCLPLUGIN="svp")
    if job.get("log"):
        with open(job["log"], "ab") as log:  # soffice keeps its own copy of the descriptor
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    env=env)
    else:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    deadline = time.monotonic() + job.get("start_timeout", 120)
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return proc, ctx
        except NoConnectException:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"soffice did not start (exit code {proc.poll()})") from None
            time.sleep(0.1)


def stop(proc, desktop):
    try:
        if desktop is not None:
            desktop.terminate()
    except DisposedException:  # the office went away while answering
        pass
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cell_name(col, row):
    name = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        name = chr(65 + r) + name
    return f"{name}{row + 1}"


def dump(doc, sheets=None):
    cells, arrays = {}, {}
    for sheet in doc.Sheets:
        if sheets and sheet.Name not in sheets:
            continue
        out, arr, in_array = {}, {}, set()
        errors = set()
        for a in sheet.queryFormulaCells(ERROR).getRangeAddresses():
            errors.update((c, r) for c in range(a.StartColumn, a.EndColumn + 1)
                          for r in range(a.StartRow, a.EndRow + 1))
        for a in sheet.queryContentCells(CONTENT).getRangeAddresses():
            block = sheet.getCellRangeByPosition(a.StartColumn, a.StartRow, a.EndColumn, a.EndRow)
            data, forms = block.getDataArray(), block.getFormulaArray()
            for i, (drow, frow) in enumerate(zip(data, forms)):
                for j, (v, f) in enumerate(zip(drow, frow)):
                    col, row = a.StartColumn + j, a.StartRow + i
                    formula = f if f.startswith(("=", "{")) else ""
                    err = 0
                    if (col, row) in errors:
                        cell = sheet.getCellByPosition(col, row)
                        err, v = cell.getError(), cell.getString()
                    if formula.startswith("{") and (col, row) not in in_array:
                        cursor = sheet.createCursorByRange(sheet.getCellByPosition(col, row))
                        cursor.collapseToCurrentArray()
                        r = cursor.getRangeAddress()
                        arr[cell_name(r.StartColumn, r.StartRow)] = (
                            f"{cell_name(r.StartColumn, r.StartRow)}:{cell_name(r.EndColumn, r.EndRow)}")
                        in_array.update((c, rr) for c in range(r.StartColumn, r.EndColumn + 1)
                                        for rr in range(r.StartRow, r.EndRow + 1))
                    if not formula and v == "":
                        continue
                    out[cell_name(col, row)] = [v, formula, err]
        cells[sheet.Name] = out
        arrays[sheet.Name] = arr
    return {"cells": cells, "arrays": arrays}


def functions(ctx, names):
    fd = ctx.ServiceManager.createInstanceWithContext("com.sun.star.sheet.FunctionDescriptions", ctx)
    out = []
    for i in range(fd.getCount()):
        d = {p.Name: p.Value for p in fd.getByIndex(i)}
        if names and d.get("Name") not in names:
            continue
        out.append({"name": d.get("Name"), "description": d.get("Description"),
                    "category": d.get("Category"),
                    "arguments": [{"name": a.Name, "description": a.Description,
                                   "optional": a.IsOptional} for a in d.get("Arguments", ())]})
    return out


def run(job):
    proc, ctx = start(job)
    desktop = None
    results = []
    doc = None
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for step in job["steps"]:
            do = step["do"]
            t = time.perf_counter()
            res = None
            if do == "open":
                args = (prop("Hidden", True),)
                if step.get("read_only"):
                    args += (prop("ReadOnly", True),)
                doc = desktop.loadComponentFromURL(url(step["path"]), "_blank", 0, args)
                res = doc is not None
            elif do == "calculate":
                doc.calculateAll()
            elif do == "cells":
                res = dump(doc, step.get("sheets"))
            elif do == "set":
                sheet = doc.Sheets.getByName(step["sheet"])
                if step.get("array"):
                    sheet.getCellRangeByName(step["array"]).setArrayFormula(step["formula"])
                else:
                    sheet.getCellRangeByName(step["cell"]).setFormula(step["formula"])
            elif do == "value":
                cell = doc.Sheets.getByName(step["sheet"]).getCellRangeByName(step["cell"])
                value = cell.getDataArray()[0][0]
                res = [value, cell.getFormula(), cell.getError(), cell.getString()]
            elif do == "store":
                doc.storeToURL(url(step["path"]), (prop("FilterName", step["filter"]),))
            elif do == "save_as":
                doc.storeAsURL(url(step["path"]), (prop("FilterName", step["filter"]),))
            elif do == "save":
                doc.store()
            elif do == "functions":
                res = functions(ctx, step.get("names"))
            elif do == "modified":
                res = doc.isModified()
            elif do == "undo":
                res = list(doc.getUndoManager().getAllUndoActionTitles())
            elif do == "null_date":
                d = doc.NullDate
                res = [d.Year, d.Month, d.Day]
            elif do == "close":
                doc.close(True)
                doc = None
            else:
                raise ValueError(f"unknown step {do!r}")
            results.append({"do": do, "result": res, "seconds": time.perf_counter() - t})
        if doc is not None:
            doc.close(True)
    finally:
        stop(proc, desktop)
    return results


if __name__ == "__main__":
    job = json.load(sys.stdin)
    try:
        out = {"ok": True, "steps": run(job)}
    except Exception as e:  # noqa: BLE001 - reported to the test, which fails with it
        import traceback
        out = {"ok": False, "error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()}
    json.dump(out, sys.stdout)
