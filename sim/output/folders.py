"""The one place that decides what may be written or replaced on disk.

Every folder the tool writes (results, comparison, calibration, sweep, report) goes
through :func:`claim`:

1. **Check before any work.** The target must not be empty, the current folder, one of its
   parents, the file-system root or the home folder, nor a folder holding one of the
   command's input files. An existing target is replaced only with ``force``, and only if
   the tool wrote it (it holds the tool's marker file, or only files of that kind of
   folder): ``--force`` never deletes a user's own folder. Its parent must be writable.
2. **Claim it.** A lock file beside the target (``.NAME.lock``, held with ``flock``) makes
   a second run into the same folder fail at once instead of silently replacing the first
   one's results. The lock ends with the process that holds it: a file left by a process
   that no longer runs is taken over, and the temporary folders it left are removed.
3. **Write whole or not at all.** Files go into a temporary folder beside the target, which
   gets the marker and the user's umask and is then renamed into place. An error or an
   interruption removes it and leaves the target as it was.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError
from sim.output.interrupts import Interrupted, held

MARKER = ".caseflow-sim.json"
"""File in every folder the tool writes: ``{"kind": ...}``; only such folders are replaced."""

KNOWN_FILES = {
    "results": {
        "manifest.json", "scenario.yaml", "summary.json", "summary.csv", "replications.csv",
        "timeseries.csv", "replication_timeseries.csv", "cases.csv", "report.html", "figures",
    },
    "comparison": {
        "comparison.json", "comparison.csv", "comparison.md", "manifest.json", "report.html",
        "figures",
    },
    "calibration": {
        "fitted.yaml", "calibration.csv", "history.csv", "calibration.json", "report.html",
        "figures",
    },
    "sweep": {
        "points.csv", "runs.csv", "runs.parquet", "summary.csv", "sensitivity.csv",
        "manifest.json", "scenario.yaml", "sweep.yaml", "report.html", "figures",
    },
    "report": {"report.html", "figures"},
}  # fmt: skip
"""What each kind of folder holds: a folder of only these files is the tool's own (one
written before folders carried the marker)."""

_TMP_INFIX = ".tmp-"


@dataclass(frozen=True)
class OutputTarget:
    """Where to write a folder, whether an old one may be replaced, the command (for the
    manifest) and the command's input files (a folder holding one is never written)."""

    path: Path
    force: bool = False
    command: tuple[str, ...] | None = None
    inputs: tuple[Path, ...] = ()

    @classmethod
    def of(
        cls,
        out: str | os.PathLike[str] | OutputTarget | None,
        *,
        force: bool = False,
        command: Sequence[str] | None = None,
        inputs: Iterable[str | os.PathLike[str]] = (),
    ) -> OutputTarget | None:
        """An :class:`OutputTarget` from a path (or ``None``), or the target itself."""
        if out is None or isinstance(out, OutputTarget):
            return out
        return cls(
            Path(out),
            force,
            tuple(command) if command is not None else None,
            tuple(Path(i) for i in inputs),
        )


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _tools_kind(path: Path, wanted: str) -> str | None:
    """The kind of output folder the tool wrote at ``path`` (``None``: not the tool's).

    A folder without the marker counts as ``wanted`` (or another kind) when it holds only
    files that kind of folder has: one written before folders carried the marker.
    """
    try:
        marker = json.loads((path / MARKER).read_text(encoding="utf-8"))
        return str(marker["kind"])
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError):
        return None
    names = {p.name for p in path.iterdir()}
    if not names:
        return wanted  # an empty folder loses nothing
    for kind in (wanted, *KNOWN_FILES):
        if names <= KNOWN_FILES.get(kind, set()):
            return kind
    return None


def check_target(target: OutputTarget, *, kind: str, inputs: Iterable[Path] = ()) -> None:
    """Raise :class:`InputError` (naming the folder and why) unless ``target`` may be written.

    See the module docstring for the rules. Nothing is created or changed.
    """
    raw = str(target.path)
    if not raw.strip():
        raise InputError("expected a folder path, got an empty one", key="--out")
    path = target.path
    resolved = path.resolve()
    cwd = Path.cwd().resolve()
    protected = {Path(resolved.anchor), Path.home().resolve()}
    if resolved == cwd or resolved in cwd.parents or resolved in protected:
        raise InputError(
            "is the current folder, one of its parents, the home folder or the root: "
            "the tool never writes over those (give a new folder)",
            file=raw,
        )
    for item in (*target.inputs, *inputs):
        item = Path(item)
        if _same(item, resolved):
            raise InputError(
                "is one of the command's inputs: choose another output folder", file=raw
            )
        if _same(item.parent, resolved) or resolved in item.resolve().parents:
            raise InputError(
                f"holds an input file ({item}): choose another output folder", file=raw
            )
    if path.exists() or path.is_symlink():
        if not path.is_dir() or path.is_symlink():
            raise InputError("exists and is not a folder: choose another output folder", file=raw)
        if not target.force:
            raise InputError(
                "output folder already exists (use --force to overwrite, or another --out)",
                file=raw,
            )
        found = _tools_kind(path, kind)
        if found is None:
            raise InputError(
                f"exists and was not written by this tool (no {MARKER}); not replacing it even "
                "with --force: choose another output folder",
                file=raw,
            )
        if found != kind:
            raise InputError(
                f"holds the tool's {found} folder, not a {kind} folder; not replacing it: "
                "choose another output folder",
                file=raw,
            )
    _check_parent_writable(path, raw)


def _check_parent_writable(path: Path, raw: str) -> None:
    parent = path.resolve().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"cannot create a folder under {parent} (not a folder)", file=raw)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"cannot write in {parent} (permission denied)", file=raw)


# claiming ------------------------------------------------------------------------------
def _lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


class _Lock:
    """The lock file beside an output folder, held with an exclusive ``flock`` while a run
    writes the folder; the file says which process holds it (``{"pid": N}``).

    The operating system holds the lock, not the file: it is released when its holder ends,
    even by SIGKILL (a file left behind is taken over by the next run), and a lock whose
    holder has not yet written its process id is still held. (An earlier lock made with
    ``O_EXCL`` read an empty file as stale: two runs started together could both take it.)
    POSIX only (``fcntl``).
    """

    def __init__(self, path: Path) -> None:
        """Take the lock of output folder ``path``; :class:`InputError` if a run holds it."""
        self.path = _lock_path(path)
        while True:
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise InputError(
                    f"folder in use: another run{_holder(self.path)} is writing it now; wait "
                    "for it to finish or choose another --out",
                    file=str(path),
                ) from None
            if _names_file(self.path, fd):
                break
            os.close(fd)  # locked a file its holder removed as it let go: open the new one
        self.fd = fd
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid()}).encode())

    def release(self) -> None:
        """Remove the lock file, then let go (so nobody locks the removed file and keeps
        it, see :func:`_names_file`)."""
        self.path.unlink(missing_ok=True)
        os.close(self.fd)


def _names_file(path: Path, fd: int) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _holder(lock: Path) -> str:
    """`` (process N)`` for the process id written in ``lock``, or nothing when it holds
    none yet."""
    try:
        return f" (process {int(json.loads(lock.read_text(encoding='utf-8'))['pid'])})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _remove_stale_temporaries(path: Path) -> None:
    for leftover in path.parent.glob(f".{path.name}{_TMP_INFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)


class Claim:
    """A checked and locked output folder, ready to be written (see :func:`claim`)."""

    def __init__(self, target: OutputTarget, kind: str) -> None:
        self.target = target
        self.kind = kind
        self.written = False  # the folder was renamed into place

    @property
    def path(self) -> Path:
        return self.target.path

    @contextmanager
    def writing(self) -> Iterator[Path]:
        """Yield a temporary folder; on success it gets the marker and replaces the target."""
        path = self.target.path
        tmp: Path | None = None
        try:
            with held():  # a signal here must not leave the new folder unrecorded
                tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}{_TMP_INFIX}", dir=path.parent))
            yield tmp
            (tmp / MARKER).write_text(json.dumps({"kind": self.kind}) + "\n", encoding="utf-8")
            _follow_umask(tmp)
            with held():  # the old folder is never deleted without the new one taking its place
                if path.exists():
                    shutil.rmtree(path)
                os.replace(tmp, path)
                self.written = True
        except BaseException:
            if tmp is not None and not self.written:
                shutil.rmtree(tmp, ignore_errors=True)
            raise


def _follow_umask(folder: Path) -> None:
    """mkdtemp makes a private folder (0700); results follow the user's umask instead."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)


@contextmanager
def claim(target: OutputTarget, *, kind: str, inputs: Iterable[Path] = ()) -> Iterator[Claim]:
    """Check ``target`` (:func:`check_target`), lock it, and yield a :class:`Claim`.

    Hold the claim from before the work starts until its folder is written, so a second run
    into the same folder is refused at once. The lock is released on leaving, also on
    SIGINT/SIGTERM (:mod:`sim.output.interrupts`), which records the folder as left
    unwritten (or written, when the signal came after the rename).
    """
    check_target(target, kind=kind, inputs=inputs)
    target.path.parent.mkdir(parents=True, exist_ok=True)
    claimed = Claim(target, kind)
    lock: _Lock | None = None
    try:
        with held():  # a signal here must not leave the lock behind
            lock = _Lock(target.path)
        _remove_stale_temporaries(target.path)
        yield claimed
    except Interrupted as exc:  # tell the command line what the signal left
        (exc.written if claimed.written else exc.unwritten).append(target.path)
        raise
    finally:
        if lock is not None:
            lock.release()


@contextmanager
def write_folder(target: OutputTarget, *, kind: str, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Claim ``target`` and write it in one step: the temporary folder to fill."""
    with claim(target, kind=kind, inputs=inputs) as claimed, claimed.writing() as tmp:
        yield tmp
