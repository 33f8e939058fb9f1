"""Write: everything the tool puts on disk.  ``text`` (the formula guard and control-character
escape), ``csv`` (the SPEC §8 CSV formats), ``files`` (outputs as a set: staged, locked, never an
input), ``xlsx`` (formats and the workbook writer's common parts), ``inputs`` (input tables as
Excel tables), ``addin_sheets`` (the sheets whose cells call the add-in functions), ``publish``
(the published copy and the computed workbook), ``report`` (the board report workbook)."""
