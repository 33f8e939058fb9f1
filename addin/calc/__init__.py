"""The fee12b1 functions in LibreOffice Calc cells: a Python UNO Calc add-in (SPEC §9).

The extension ``fee12b1.oxt`` (``fee12b1 calc-addin --out fee12b1.oxt``) holds one Python UNO
component (``component.py``, installed as ``fee12b1_calc.py``): a ``com.sun.star.sheet.AddIn``
whose methods are the Excel add-in's ``FEE_*`` functions, and a document job that, when a
document is loaded, re-enters the ``FEE_*`` formulas LibreOffice 7.4 could not resolve in an
``.xlsx`` (and sizes the table functions' arrays), and when Calc saved an ``.xlsx`` gives its
formulas the Excel names back.
The component finds ``fee_core`` in the Python environment the extension was built from
(``environment``), converts Calc's arguments to what the Excel functions receive
(``convert``) and calls the very same functions (``addin.udfs``).

Modules, one job each:

* ``functions``  -- the function list, taken from ``addin.udfs`` (names, arguments, docs).
* ``idl``        -- the UNO interface of those functions (``fee12b1.idl``) and its compiled
  type library (``fee12b1.rdb``), both committed; ``python -m addin.calc.idl`` rebuilds them.
* ``convert``    -- Calc's argument values <-> the Excel functions' values (dates from the
  document's null date, empty cells, arrays).
* ``environment`` -- record the Python environment in the extension; check it inside Calc.
* ``runtime``    -- one cell's call: convert, run the Excel function, convert back.
* ``xlsx_names`` -- the Excel names back in an ``.xlsx`` saved by Calc.
* ``oxt``        -- build the extension package, and the ``fee12b1 calc-addin`` command.
* ``component``  -- the UNO component itself (runs only inside LibreOffice).

See docs/calc.md.
"""
