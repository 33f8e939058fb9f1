"""XML parts read safely: no DTD, no entities, UTF-8 where bytes are scanned.

The small parts fee12b1 parses itself (relationships, workbook, table definitions) go through
``elements``: their prolog is checked for a DTD first, then ``defusedxml``'s SAX parser reads
them with DTDs and entities forbidden (its ElementTree parser, with a callback target rather
than a tree builder: ``xml.sax`` would import ``urllib.request``, ``http.client`` and ``ssl``, a
tenth of a ``fee12b1 compute``), as a stream: no tree is built, only the elements asked
for are handed on, and nesting deeper than ``MAX_DEPTH`` is refused, so a part of millions of
tiny or nested elements costs its bytes, not gigabytes.  The parts python-calamine parses
(shared strings, styles, sheets) are checked with ``check_head`` before it sees them: an
entity bomb is refused with ``book.unsafe_xml`` after a few kilobytes.  Excel never writes a
DTD.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .package import Package
from .refusal import DAMAGED, SAVE_AS, refuse

MAX_XML_PART_BYTES = 50 * 1024 * 1024       # a part parsed here
MAX_DEPTH = 64                              # element nesting (OOXML parts need about 10)
PROLOG_BYTES = 64 * 1024                    # how far into a part a DTD is looked for

_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def local(tag) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return head.decode("utf-16-le", errors="ignore")
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def has_dtd(head: bytes) -> bool:
    """Whether the start of an XML part declares a DTD (or entities), or is suspicious.

    A DTD can only come before the root element.  A prolog longer than the bytes looked at
    (a huge comment hiding a DTD) counts as suspicious.
    """
    text = decode_head(head)
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return True
    i, n = 0, len(text)
    while i < n:
        if text[i] in " \t\r\n\ufeff":
            i += 1
            continue
        closer = next((c for o, c in _SKIPPED if text.startswith(o, i)), None)
        if closer is None:
            return text.startswith("<!", i)      # any other declaration before the root
        j = text.find(closer, i)
        if j < 0:                                # the prolog runs past what was looked at
            return len(head) >= PROLOG_BYTES
        i = j + len(closer)
    return False


# what may come before the root element besides white space: processing instructions, comments
_SKIPPED = (("<?", "?>"), ("<!--", "-->"))


def is_utf8(head: bytes) -> bool:
    """Whether a part is UTF-8 (the encoding Excel writes): no UTF-16 byte order or
    declaration.  Parts scanned as bytes must be, or the scan would not see their cells."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        return False
    m = _DECL_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    return m is None or m.group(1).lower().replace(b"_", b"-") in (b"utf-8", b"utf8")


def unsafe(pkg: Package, part: str):
    return refuse(pkg.path, "book.unsafe_xml",
                  f"the part {pkg.name(part)!r} declares a DTD or entities (an 'XML bomb' pattern "
                  "Excel never writes); the file is refused; ask the sender for a workbook saved "
                  "by Excel")


def check_head(pkg: Package, part: str, head: bytes, scanned: bool = False) -> None:
    """Refuse a part whose prolog declares a DTD; ``scanned``: also one not in UTF-8."""
    if has_dtd(head):
        raise unsafe(pkg, part)
    if scanned and not is_utf8(head):
        raise refuse(pkg.path, "book.corrupt",
                     f"the part {pkg.name(part)!r} is not encoded as UTF-8 (Excel always writes "
                     f"UTF-8); {DAMAGED}")


def check_prolog(pkg: Package, part: str, scanned: bool = False) -> None:
    check_head(pkg, part, pkg.head(part, PROLOG_BYTES), scanned)


Attrs = dict[str, str]


class _TooDeep(Exception):
    pass


class _Target:
    """The parser's target: hands ``(local name, attributes)`` of the wanted elements to ``fn``:
    attributes by local name, namespaced ones also as ``{uri}name``; the first element (the
    root) always."""

    def __init__(self, want: set[str], fn: Callable[[str, Attrs], None]):
        self.want, self.fn, self.depth = want, fn, 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        name = local(tag)
        if self.depth == 1 or name in self.want:
            a: Attrs = {}
            for key, v in attrib.items():
                if key.startswith("{"):
                    a[key] = v
                a.setdefault(local(key), v)
            self.fn(name, a)

    def end(self, tag: str) -> None:
        self.depth -= 1

    def close(self) -> None:
        return None


def elements(pkg: Package, part: str, want: set[str], fn: Callable[[str, Attrs], None]) -> None:
    """Read a small part as a stream: ``fn(local name, attributes)`` for its root and for each
    element named in ``want``, in document order."""
    check_prolog(pkg, part)
    data = pkg.read(part, limit=MAX_XML_PART_BYTES)
    parser = DefusedXMLParser(target=_Target(want, fn), forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException:
        raise unsafe(pkg, part) from None
    except _TooDeep:
        raise refuse(pkg.path, "book.corrupt",
                     f"the part {pkg.name(part)!r} nests elements more than {MAX_DEPTH} deep "
                     f"(Excel's parts nest about 10); {SAVE_AS}") from None
    except (ParseError, ValueError) as exc:
        raise refuse(pkg.path, "book.corrupt",
                     f"the part {pkg.name(part)!r} is not well-formed XML ({exc}); {SAVE_AS}") from None
