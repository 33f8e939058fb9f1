"""The package's own map of itself (OPC): relationships, the parts they name, the sheets.

A relationship target is a URI reference resolved against its source part (RFC 3986 with
dot segments removed, part names compared without case, as ECMA-376 Part 2 says).  Programs
differ on the rest: Excel reads ``%xx`` in a target as the character it encodes, calamine and
some others take it literally, and some read ``\\`` as ``/``.  So each target is resolved
every way a reader might, and ``resolve`` refuses the package (``book.corrupt``) when those
readings name *different* parts -- a decoy one program shows while another computes.  One
part named, however it is read, is the part fee12b1 reads and hands to the cell reader.

``structure(pkg)`` gives the workbook part, its date system, its sheets (name, visibility,
part) and its shared-strings and styles parts, refusing what is ambiguous: two sheets with
one name (Excel compares names without case) or on one part, a relationship id given twice,
a sheet whose relationship or part is missing, two workbook (or strings, styles) parts.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote

from .package import Package, member_key
from .refusal import DAMAGED, refuse
from .xmlsafe import Attrs, elements

_NS_REL_ATTR = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                "http://purl.oclc.org/ooxml/officeDocument/relationships")
DEFAULT_WORKBOOK = "xl/workbook.xml"
# the relationship types the reader follows (others are counted for their ids only)
KINDS = frozenset({"officeDocument", "worksheet", "chartsheet", "dialogsheet", "macrosheet",
                   "xlMacrosheet", "xlIntlMacrosheet", "sharedStrings", "styles", "table"})


@dataclass(frozen=True)
class Rel:
    """One relationship: ``part`` is the package member it names (None: external)."""

    id: str
    type: str
    target: str
    part: str | None

    def is_a(self, kind: str) -> bool:
        """Whether the relationship's type is ``kind`` (``worksheet``, ``table`` ...), in the
        transitional or the strict namespace."""
        return self.type.rsplit("/", 1)[-1] == kind


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook: ``state`` is ``visible``, ``hidden`` or ``veryHidden``;
    ``part`` its package member (None for chart and dialog sheets, which hold no cells)."""

    name: str
    state: str
    part: str | None


@dataclass(frozen=True)
class Structure:
    workbook: str
    date1904: bool
    sheets: tuple[Sheet, ...]
    shared_strings: str | None
    styles: str | None


def rels_part(part: str) -> str:
    """The relationships part of ``part`` (``''`` is the package itself)."""
    d, name = posixpath.split(part)
    return posixpath.join(d, "_rels", name + ".rels")


def _join(source: str, target: str) -> str | None:
    """``target`` resolved against the part ``source``, dot segments removed (None when it
    climbs out of the package)."""
    path = target if target.startswith("/") else posixpath.dirname(source) + "/" + target
    segs: list[str] = []
    for s in path.split("/"):
        if s == "..":
            if not segs:
                return None
            segs.pop()
        elif s not in (".", ""):
            segs.append(s)
    return "/".join(segs) or None


def readings(source: str, target: str) -> set[str]:
    """Every part name a reader may take ``target`` for: as written or percent-decoded, with
    backslashes as written or as slashes."""
    spellings = {target, unquote(target)}
    spellings |= {s.replace("\\", "/") for s in spellings}
    return {p for p in (_join(source, s.strip()) for s in spellings) if p}


def resolve(pkg: Package, source: str, target: str) -> str | None:
    """The one package member ``target`` names from ``source`` (None if none does); refused
    when its readings name two different members."""
    found = {pkg.name(p) for p in readings(source, target) if pkg.has(p)}
    if len(found) > 1:
        raise refuse(pkg.path, "book.corrupt",
                     f"the relationship target {target!r} of {source or 'the package'!r} names "
                     f"different parts for different programs ({', '.join(sorted(found))}): a "
                     f"decoy part one program shows while another computes; {DAMAGED}")
    return found.pop() if found else None


def relationships(pkg: Package, part: str) -> list[Rel]:
    """The relationships of ``part`` (none when it has no relationships part)."""
    rp = rels_part(part)
    if not pkg.has(rp):
        return []
    out: list[Rel] = []
    seen: set[str] = set()

    def rel(name: str, a: Attrs) -> None:
        if name != "Relationship":
            return
        rid = a.get("Id", "")
        if rid in seen:
            raise refuse(pkg.path, "book.corrupt",
                         f"the part {pkg.name(rp)!r} gives the relationship id {rid!r} twice, so "
                         f"programs may follow different ones; {DAMAGED}")
        seen.add(rid)
        kind = a.get("Type", "").rsplit("/", 1)[-1]
        if kind not in KINDS:
            return                          # hyperlinks, drawings, printer settings ...
        target = a.get("Target", "")
        external = a.get("TargetMode", "").lower() == "external"
        out.append(Rel(rid, a.get("Type", ""), target,
                       None if external else resolve(pkg, part, target)))
    elements(pkg, rp, {"Relationship"}, rel)
    return out


def _one(pkg: Package, rels: list[Rel], kind: str, source: str) -> str | None:
    parts = {r.part for r in rels if r.is_a(kind) and r.part is not None}
    if len(parts) > 1:
        raise refuse(pkg.path, "book.corrupt",
                     f"{source!r} names {len(parts)} {kind} parts ({', '.join(sorted(parts))}) "
                     f"where a workbook has one; {DAMAGED}")
    return parts.pop() if parts else None


def structure(pkg: Package) -> Structure:
    """The workbook part, date system, sheets, shared strings and styles of ``pkg``."""
    wb_part = _one(pkg, relationships(pkg, ""), "officeDocument", "_rels/.rels")
    if wb_part is None:
        wb_part = pkg.name(DEFAULT_WORKBOOK)
    if wb_part.lower().endswith(".bin"):
        raise refuse(pkg.path, "book.xls",
                     "the file is a binary Excel workbook (.xlsb), not .xlsx; open it in Excel and "
                     "save it as Excel Workbook (.xlsx)")
    if not pkg.has(wb_part):
        raise refuse(pkg.path, "book.not_workbook",
                     f"the file is a zip but not an Excel workbook (no {wb_part}); open it in "
                     "Excel and save it as an Excel Workbook (.xlsx)")
    rels = relationships(pkg, wb_part)
    by_id = {r.id: r for r in rels}
    date1904 = False
    sheets: list[Sheet] = []
    names: dict[str, str] = {}
    parts: dict[str, str] = {}

    def element(name: str, a: Attrs) -> None:
        nonlocal date1904
        if name == "workbookPr":
            date1904 = a.get("date1904", "").strip().lower() in ("1", "true")
        elif name == "sheet":
            sheets.append(_sheet(pkg, a, by_id, names, parts))
    elements(pkg, wb_part, {"workbookPr", "sheet"}, element)
    return Structure(wb_part, date1904, tuple(sheets),
                     _one(pkg, rels, "sharedStrings", wb_part), _one(pkg, rels, "styles", wb_part))


def _sheet(pkg: Package, a: Attrs, by_id: dict[str, Rel], names: dict[str, str],
           parts: dict[str, str]) -> Sheet:
    name = a.get("name", "")
    key = name.casefold()
    if key in names:
        raise refuse(pkg.path, "book.corrupt",
                     f"the workbook has two sheets named {names[key]!r} and {name!r} (Excel "
                     f"allows one; a hidden copy is a decoy), so which one holds the data is "
                     f"ambiguous; {DAMAGED}", sheet=name)
    names[key] = name
    rid = next((a[f"{{{ns}}}id"] for ns in _NS_REL_ATTR if a.get(f"{{{ns}}}id")), "")
    rel = by_id.get(rid)
    if rel is None:
        raise refuse(pkg.path, "book.corrupt",
                     f"sheet {name!r} points at the relationship {rid!r}, which the workbook "
                     f"does not have; {DAMAGED}", sheet=name)
    state = a.get("state", "visible") or "visible"
    if not rel.is_a("worksheet"):
        return Sheet(name, state, None)       # chart and dialog sheets hold no cells
    if rel.part is None:
        raise refuse(pkg.path, "book.corrupt",
                     f"sheet {name!r} is stored in the part {rel.target!r}, which is not in "
                     f"the file; {DAMAGED}", sheet=name)
    pkey = member_key(rel.part)
    if pkey in parts:
        raise refuse(pkg.path, "book.corrupt",
                     f"sheets {parts[pkey]!r} and {name!r} are one and the same part "
                     f"({rel.part}); {DAMAGED}", sheet=name)
    parts[pkey] = name
    return Sheet(name, state, rel.part)
