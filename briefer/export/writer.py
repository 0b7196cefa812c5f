"""Writing an export atomically, so an existing briefing is never left half-written."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

from briefer.export.errors import ExportError


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder")
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: the folder {folder} does not exist")
    _remove_stale_temporaries(folder, target.name)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            # mkstemp creates 0600; keep the permissions the old file had.
            os.chmod(tmp_name, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ExportError(f"cannot write {target}: {reason}") from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


# An export killed between mkstemp and os.replace leaves its temporary file
# (".NAME.XXXXXXXX.tmp") beside the output. The next export to the same path
# removes such leftovers, but only ones older than this: another export to the
# same path may be writing its own right now, and an export takes seconds (its
# template has a 10 s deadline), so a file untouched for ten minutes belongs to
# no running export. Only regular files named exactly as mkstemp names them for
# this target are touched; anything else in the folder is left alone.
STALE_TEMPORARY_SECONDS = 10 * 60


def _remove_stale_temporaries(folder: Path, name: str) -> None:
    pattern = re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp")
    cutoff = time.time() - STALE_TEMPORARY_SECONDS
    try:
        with os.scandir(folder) as entries:
            candidates = [entry for entry in entries if pattern.fullmatch(entry.name)]
    except OSError:
        return
    for entry in candidates:
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                os.unlink(entry.path)
        except OSError:  # gone already, or not ours to remove: the export goes on
            pass
