"""Output files as a set (SPEC §5 "Output paths"): all or nothing, never an input, no clobber.

A command declares the names it may write into one folder (``OutputSet``), writes each output
into a hidden staging folder beside them, and ``commit`` moves the new set into place under a
lock: names of the set that this run did not write (results of an earlier run, e.g.
``accruals.csv`` beside a new ``checks.csv`` with errors) are removed, so the folder always holds
one consistent set.  Nothing is moved before every output is written, so a full disk or a
failing writer leaves the previous set untouched; a folder that cannot be written is a
``UsageError`` with a one-line message (exit status 2).

An output path that is an input of the command (by any path: ``same_file``), or a folder entry
the set would replace or remove that is an input, is refused before anything is written.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import OutputExists, UsageError, WouldOverwriteInput

STAGING_PREFIX = ".fee12b1-"


def same_file(a, b) -> bool:
    """True when two paths name the same file (so an output would overwrite the input)."""
    try:
        pa, pb = Path(a), Path(b)
        if pa.resolve() == pb.resolve():
            return True
        return pa.exists() and pb.exists() and os.path.samefile(pa, pb)
    except OSError:
        return False


def sha256_file(path) -> str:
    """The SHA-256 of a file (an input's fingerprint in run records and covers), read in
    1 MiB pieces."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cannot_write(path, exc: OSError) -> UsageError:
    """The one-line message for an output that the system refuses (read-only, full, not a folder)."""
    reason = exc.strerror or type(exc).__name__
    return UsageError(f"cannot write {path}: {reason}")


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (its directory handle on POSIX; a lock file where
    directories cannot be opened) while a set is moved into place."""
    try:
        import fcntl
    except ImportError:                                  # Windows: a lock file in the folder
        lock = folder / f"{STAGING_PREFIX}lock"
        with open(lock, "a+b") as fh:
            import msvcrt
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)                                     # closing releases the lock


class OutputSet:
    """The outputs of one command run in one folder.

    folder: where the outputs go (created if missing); names: every top-level name the command
    may write there (files, or folders such as ``statements``); inputs: the command's input
    files, never written, replaced or removed; force: replace existing outputs.

    Use as a context manager: ``path(name)`` gives a staging path to write a file to (its folder
    is made), ``write(name, data)`` writes bytes; leaving the block without an exception commits
    the set, with one discards the staging folder and changes nothing.
    """

    def __init__(self, folder, names: Iterable[str], inputs: Iterable = (), force: bool = False):
        self.folder = Path(folder)
        self.names = tuple(names)
        self.inputs = tuple(Path(p) for p in inputs)
        self.force = force
        self.written: list[str] = []
        self._staging: Path | None = None

    # -- before anything is written
    def check(self) -> None:
        """Refuse (UsageError) an input among the outputs, or existing outputs without force."""
        if self.folder.exists() and not self.folder.is_dir():
            raise UsageError(f"{self.folder} is a file; give a folder for the outputs")
        existing = []
        for name in self.names:
            target = self.folder / name
            if not (target.exists() or target.is_symlink()):
                continue
            for inp in self.inputs:
                if same_file(target, inp) or (target.is_dir() and _inside(inp, target)):
                    raise WouldOverwriteInput(
                        f"{target} is an input of this command ({inp}); outputs never replace "
                        "or remove an input: write them to another folder")
            existing.append(target)
        if existing and not self.force:
            raise OutputExists(f"{', '.join(map(str, existing))} exist(s); use --force to replace")

    def __enter__(self) -> OutputSet:
        self.check()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".tmp",
                                                  dir=self.folder))
        except OSError as exc:
            raise cannot_write(self.folder, exc) from None
        return self

    # -- writing
    def path(self, name: str) -> Path:
        """A staging path for output ``name`` (``statements/P001.xlsx`` makes ``statements``)."""
        top = Path(name).parts[0]
        if top not in self.names:
            raise ValueError(f"{name!r} is not one of this set's outputs {self.names}")
        if self._staging is None:
            raise RuntimeError("OutputSet.path outside its with-block")
        p = self._staging / name
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise cannot_write(self.folder, exc) from None
        if top not in self.written:
            self.written.append(top)
        return p

    def write(self, name: str, data: bytes) -> Path:
        """Write ``data`` as output ``name`` (staged); returns where it will be."""
        p = self.path(name)
        try:
            _fsync_write(p, data)
        except OSError as exc:
            raise cannot_write(self.folder / name, exc) from None
        return self.folder / name

    # -- the end
    def __exit__(self, exc_type, exc, tb) -> None:
        staging, self._staging = self._staging, None
        try:
            if exc_type is None and staging is not None:
                self._commit(staging)
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)

    def _commit(self, staging: Path) -> None:
        """Move the staged set into place under the folder's lock: first every existing target
        of the set is moved aside (into the staging folder), then the new outputs are moved in;
        if any step fails, what was moved is moved back, so the folder holds either the whole
        new set or the whole previous one."""
        try:
            with _locked(self.folder):
                self.check()            # another run may have written meanwhile
                self._swap(staging)
        except OSError as exc:
            raise cannot_write(self.folder, exc) from None

    def _swap(self, staging: Path) -> None:
        aside = staging / f"{STAGING_PREFIX}previous"
        aside.mkdir()
        moved_aside: list[str] = []
        moved_in: list[str] = []
        try:
            for name in self.names:
                target = self.folder / name
                if target.exists() or target.is_symlink():
                    os.replace(target, aside / name)
                    moved_aside.append(name)
            for name in self.written:
                new = staging / name
                _fix_mode(new)
                os.replace(new, self.folder / name)
                moved_in.append(name)
        except BaseException:
            for name in moved_in:                  # undo: the previous set comes back whole
                with contextlib.suppress(OSError):
                    os.replace(self.folder / name, staging / name)
            for name in moved_aside:
                with contextlib.suppress(OSError):
                    os.replace(aside / name, self.folder / name)
            raise


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _fix_mode(path: Path) -> None:
    """Staged files get the mode a plainly created file would have (mkstemp/mkdtemp use 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~umask)


def write_one(path, data: bytes, inputs: Iterable = (), force: bool = False) -> Path:
    """Write one output file as a set of one (atomic, no clobber, never an input)."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the output's file name")
    with OutputSet(path.parent, [path.name], inputs, force) as out:
        out.write(path.name, data)
    return path
