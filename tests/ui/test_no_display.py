"""`briefer` without a display: one line saying what to do and exit 1, not Qt's abort (exit 134)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from briefer.app import NO_DISPLAY_HINT, display_problem

ROOT = Path(__file__).resolve().parents[2]
UNUSED_DISPLAY = 4321  # nothing listens here (checked below)

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="X11 and Wayland only")


def _listening(number: int) -> bool:
    for address in ("\0" + f"/tmp/.X11-unix/X{number}", f"/tmp/.X11-unix/X{number}"):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.connect(address)
                return True
        except OSError:
            continue
    return False


def _launch(tmp_path: Path, **env_changes: str) -> subprocess.CompletedProcess[str]:
    project = tmp_path / "p.briefer"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    made = subprocess.run(
        [sys.executable, "-m", "briefer", "new", project, "--empty"], capture_output=True, text=True, env=env
    )
    assert made.returncode == 0, made.stderr
    return subprocess.run(
        [sys.executable, "-m", "briefer", str(project)],
        capture_output=True,
        text=True,
        env={**env, **env_changes},
        timeout=60,
    )


def test_no_display_variables(tmp_path: Path) -> None:
    result = _launch(tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"briefer: error: no display: {NO_DISPLAY_HINT}\n"
    assert result.stdout == ""


@pytest.mark.skipif(_listening(UNUSED_DISPLAY), reason=f"something listens on :{UNUSED_DISPLAY}")
def test_display_that_nothing_serves(tmp_path: Path) -> None:
    result = _launch(tmp_path, DISPLAY=f":{UNUSED_DISPLAY}")
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"briefer: error: cannot connect to display :{UNUSED_DISPLAY}: {NO_DISPLAY_HINT}\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's abstract sockets")
def test_a_listening_x_socket_counts_as_a_display() -> None:
    number = next(n for n in range(4400, 4500) if not _listening(n))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind("\0" + f"/tmp/.X11-unix/X{number}")  # where Xorg and Xvfb also listen
        server.listen(1)
        assert display_problem({"DISPLAY": f":{number}"}) is None
        assert display_problem({"DISPLAY": f":{number}.0"}) is None
    assert display_problem({"DISPLAY": f":{number}"}) is not None


def test_what_is_left_to_qt() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert display_problem({"DISPLAY": "/tmp/some-socket:0"}) is None  # a socket path: Qt decides
    assert display_problem({}) == f"no display: {NO_DISPLAY_HINT}"
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}) == f"no display: {NO_DISPLAY_HINT}"
    assert display_problem({"DISPLAY": "nonsense"}) is not None
