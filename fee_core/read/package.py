"""The workbook file as a zip package: what it is, its limits, and the bounded inflater.

``open_package(path)`` checks the file before anything is parsed: it exists and is at most
``MAX_FILE_BYTES``; an OLE2/CFB file is a password-protected workbook or a legacy ``.xls``
(``book.encrypted`` / ``book.xls``); anything that is not a zip is ``book.not_workbook``; the
zip's entry count is read from its end record before the central directory is loaded; member
count, per-member and total uncompressed sizes and the compression ratio are bounded
(``book.too_large``); two members whose names differ only in case or slash direction make
the package ambiguous (``book.corrupt``).

Every member is then read with ``Package.chunks``: inflated from the raw file in bounded
steps, never producing more than the size its zip header declares, its CRC checked, so that
a part that lies about its size is refused before anyone holds it whole (``book.too_large``)
and a damaged one is ``book.corrupt``.  The input file is opened read-only and never written.
"""
from __future__ import annotations

import mmap
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from .refusal import SAVE_AS, Refused, refuse

MAX_FILE_BYTES = 200 * 1024 * 1024          # the file on disk
MAX_MEMBERS = 10_000                        # zip entries
MAX_MEMBER_BYTES = 1024 * 1024 * 1024       # one part, uncompressed
MAX_TOTAL_BYTES = 1024 * 1024 * 1024        # all parts, uncompressed
MAX_RATIO = 200                             # uncompressed/compressed of one part ...
RATIO_MIN_BYTES = 10 * 1024 * 1024          # ... when it is larger than this

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

CHUNK = 1 << 20                             # inflated bytes handed on at a time
_IN_CHUNK = 1 << 18                         # compressed bytes read at a time
_HEAD_IN = 16 << 10                         # ... when only a part's head is wanted


def member_key(name: str) -> str:
    """How a part name is looked up: part names are case-insensitive (OPC), and a backslash
    is read as a slash by some programs, so both spellings must name one part."""
    return name.replace("\\", "/").lower()


class ZipLie(Exception):
    """A member whose bytes do not match its zip header."""

    def __init__(self, message: str, too_big: bool = False):
        super().__init__(message)
        self.too_big = too_big


class Package:
    """An opened workbook zip: ``members`` by ``member_key``; parts read with ``chunks``."""

    def __init__(self, path: str, fh: BinaryIO, members: dict[str, zipfile.ZipInfo]):
        self.path = path
        self.fh = fh
        self.members = members
        self.total_size = sum(i.file_size for i in members.values())

    def info(self, part: str) -> zipfile.ZipInfo | None:
        return self.members.get(member_key(part))

    def has(self, part: str) -> bool:
        return member_key(part) in self.members

    def name(self, part: str) -> str:
        """The member's own spelling of ``part``."""
        info = self.info(part)
        return info.filename if info is not None else part

    def chunks(self, part: str, head: int | None = None, crc: bool = True) -> Iterator[bytes]:
        """The part's inflated bytes in pieces of at most ``CHUNK`` (only the first ``head``
        bytes when given).  Refused when the part is missing or its bytes lie; ``crc=False``
        leaves the checksum to a caller that computes it anyway (``check_crc``)."""
        info = self.info(part)
        if info is None:
            raise refuse(self.path, "book.corrupt",
                         f"the workbook part {part!r} is missing; {SAVE_AS}")
        try:
            yield from _inflate(self.fh, info, head, crc)
        except ZipLie as exc:
            raise self._lie(info, exc) from None

    def _lie(self, info: zipfile.ZipInfo, exc: ZipLie) -> Refused:
        return refuse(self.path, "book.too_large" if exc.too_big else "book.corrupt",
                      f"the part {info.filename!r} {exc}; the file is damaged or crafted to "
                      "exhaust memory, and is not read")

    def check_crc(self, part: str, crc: int) -> None:
        """Refuse the part unless ``crc`` (of all its bytes) is the checksum it declares."""
        info = self.info(part)
        if info is not None and crc != info.CRC:
            raise self._lie(info, ZipLie("fails its checksum (CRC)"))

    def read(self, part: str, limit: int | None = None) -> bytes:
        """The whole part (refused above ``limit`` bytes)."""
        info = self.info(part)
        if info is not None and limit is not None and info.file_size > limit:
            raise refuse(self.path, "book.too_large",
                         f"the part {info.filename!r} is {info.file_size:,} bytes, more than the "
                         f"limit of {limit:,} for such a part")
        return b"".join(self.chunks(part))

    def head(self, part: str, n: int) -> bytes:
        return b"".join(self.chunks(part, head=n))


@contextmanager
def open_package(path: str) -> Iterator[Package]:
    """The package at ``path``, checked as the module says (``Refused`` otherwise)."""
    size = _check_file(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head.startswith(CFB_MAGIC):
            raise _cfb_refusal(path, fh)
        if not head.startswith(b"PK"):
            raise refuse(path, "book.not_workbook",
                         "the file is not an Excel workbook (.xlsx/.xlsm is a zip file; this one "
                         f"is not); {SAVE_AS}")
        n_entries = _zip_entry_count(fh, size)
        if n_entries is None:
            raise refuse(path, "book.not_workbook",
                         "the file starts like a zip but has no zip directory (it is damaged or "
                         f"not a workbook); {SAVE_AS}")
        if n_entries > MAX_MEMBERS:
            raise refuse(path, "book.too_large",
                         f"the workbook has {n_entries:,} parts, more than the limit of "
                         f"{MAX_MEMBERS:,}; it is damaged or not an input workbook")
        fh.seek(0)
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                NotImplementedError) as exc:
            raise refuse(path, "book.not_workbook",
                         f"the file is not a readable workbook ({exc}); {SAVE_AS}") from None
        with zf:
            yield Package(path, fh, _members(path, zf.infolist()))


def _check_file(path: str) -> int:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise refuse(path, "book.not_found",
                     "the workbook file does not exist; check the path and file name") from None
    except OSError as exc:
        raise refuse(path, "book.not_found",
                     f"the workbook file cannot be opened ({exc.strerror or exc}); check the path "
                     "and its permissions") from None
    if not os.path.isfile(path):
        raise refuse(path, "book.not_workbook",
                     "the path is not a file (a folder?); give the path of the .xlsx file")
    if st.st_size > MAX_FILE_BYTES:
        raise refuse(path, "book.too_large",
                     f"the file is {st.st_size:,} bytes, more than the limit of "
                     f"{MAX_FILE_BYTES:,} bytes (MAX_FILE_BYTES); split the data or remove unused "
                     "sheets")
    if st.st_size == 0:
        raise refuse(path, "book.not_workbook", f"the file is empty; {SAVE_AS}")
    return st.st_size


def _cfb_refusal(path: str, fh) -> Refused:
    # An OLE2 compound file: an encrypted OOXML package has EncryptionInfo and
    # EncryptedPackage streams; directory entry names are stored as UTF-16LE.
    with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        encrypted = (data.find("EncryptionInfo".encode("utf-16-le")) >= 0
                     or data.find("EncryptedPackage".encode("utf-16-le")) >= 0)
    if encrypted:
        return refuse(path, "book.encrypted",
                      "the workbook is password-protected (encrypted), so it cannot be read; open "
                      "it in Excel, remove the password (File > Info > Protect Workbook > Encrypt "
                      "with Password, clear it) and save it as .xlsx")
    return refuse(path, "book.xls",
                  "the file is a legacy binary Excel workbook (.xls), not .xlsx; open it in Excel "
                  "and save it as Excel Workbook (.xlsx)")


def _members(path: str, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > MAX_MEMBERS:
        raise refuse(path, "book.too_large",
                     f"the workbook has {len(infos):,} parts, more than the limit of "
                     f"{MAX_MEMBERS:,}")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        key = member_key(info.filename)
        if key in members:
            raise refuse(path, "book.corrupt",
                         f"the workbook's zip holds the part {info.filename!r} twice (as "
                         f"{members[key].filename!r} too), so different programs would read "
                         f"different parts; the file is damaged or tampered with; {SAVE_AS}")
        members[key] = info
        if info.file_size > MAX_MEMBER_BYTES:
            raise refuse(path, "book.too_large",
                         f"the part {info.filename!r} unpacks to {info.file_size:,} bytes, more "
                         f"than the per-part limit of {MAX_MEMBER_BYTES:,} (MAX_MEMBER_BYTES)")
        if info.file_size > RATIO_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO:
                raise refuse(path, "book.too_large",
                             f"the part {info.filename!r} is compressed {ratio:,.0f} to 1 (limit "
                             f"{MAX_RATIO} to 1 above {RATIO_MIN_BYTES:,} bytes, MAX_RATIO): this "
                             "looks like a zip bomb and is not read")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise refuse(path, "book.too_large",
                     f"the workbook unpacks to {total:,} bytes, more than the limit of "
                     f"{MAX_TOTAL_BYTES:,} (MAX_TOTAL_BYTES)")
    return members


def _zip_entry_count(fh, size: int) -> int | None:
    """The number of entries the zip's end record announces (zip64 aware), or None."""
    tail_len = min(size, 65536 + 22)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        return None
    (_, _, _, _, n_total, _, _, _) = struct.unpack("<4sHHHHIIH", tail[pos:pos + 22])
    if n_total == 0xFFFF:
        loc = tail.rfind(b"PK\x06\x07", 0, pos)
        if loc >= 0 and pos - loc >= 20:
            (_, _, z64_off, _) = struct.unpack("<4sIQI", tail[loc:loc + 20])
            if z64_off < size:
                fh.seek(z64_off)
                rec = fh.read(56)
                if len(rec) >= 56 and rec[:4] == b"PK\x06\x06":
                    return struct.unpack("<Q", rec[32:40])[0]
            return None
    return n_total


def _data_offset(fh, info: zipfile.ZipInfo) -> int:
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise ZipLie("has a damaged zip header")
    n, e = struct.unpack("<HH", local[26:30])
    return info.header_offset + 30 + n + e


def _inflate(fh, info: zipfile.ZipInfo, head: int | None, check: bool) -> Iterator[bytes]:
    """Inflate one member from the raw file in pieces, never producing more than its declared
    size; the whole member must end exactly there (with the CRC its header declares, when
    ``check``).  ``head``: only its first bytes (no end or CRC check)."""
    if info.flag_bits & 0x1:
        raise ZipLie("is encrypted inside the zip")
    declared = info.file_size
    cap = declared if head is None else min(head, declared)
    check = check and head is None
    start = _data_offset(fh, info)
    d = None
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size < declared:
            raise ZipLie("is shorter than its zip header says")
        pieces = _stored_bytes(fh, start, cap, CHUNK)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        d = zlib.decompressobj(-15)
        # a head read feeds small pieces and asks for no more than it wants: the prolog of a
        # 100 MB sheet costs microseconds, not the whole inflation
        pieces = _decompressed(_stored_bytes(fh, start, info.compress_size,
                                             _IN_CHUNK if head is None else _HEAD_IN), d)
    else:
        raise ZipLie(f"uses an unsupported compression method ({info.compress_type})")
    produced = crc = 0
    try:
        for out in pieces:
            produced += len(out)
            if produced > declared:
                raise ZipLie(f"unpacks to more than the {declared:,} bytes its zip header "
                             "declares", too_big=True)
            if head is not None and produced >= cap:
                yield out[:len(out) - (produced - cap)]
                return
            if out:
                if check:
                    crc = zlib.crc32(out, crc)
                yield out
    except zlib.error as exc:
        raise ZipLie(f"cannot be decompressed ({exc})") from None
    if head is not None:
        return
    if (d is not None and not d.eof) or produced != declared:
        raise ZipLie(f"unpacks to {produced:,} bytes, not the {declared:,} its zip header "
                     "declares")
    if check and crc != info.CRC:
        raise ZipLie("fails its checksum (CRC)")


def _stored_bytes(fh, pos: int, size: int, chunk: int) -> Iterator[bytes]:
    """``size`` bytes of the file from ``pos``, as stored, in pieces of at most ``chunk``."""
    while size > 0:
        fh.seek(pos)
        data = fh.read(min(chunk, size))
        if not data:
            raise ZipLie("is truncated")
        pos += len(data)
        size -= len(data)
        yield data


def _decompressed(pieces: Iterator[bytes], d) -> Iterator[bytes]:
    """The raw deflate stream ``pieces`` inflated by ``d``, at most CHUNK bytes at a time, up
    to the end of the stream (then nothing more is read)."""
    for data in pieces:
        buf = data
        while buf and not d.eof:
            out = d.decompress(buf, CHUNK)
            yield out
            buf = d.unconsumed_tail
            if not out and buf:
                break                       # no progress possible without more input
        if d.eof:
            return
    yield d.flush()
