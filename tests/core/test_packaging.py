"""The bundled data: byte-identical seeds, and found from a non-editable install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def test_corpus_holds_the_seeds_byte_identical_with_a_manifest() -> None:
    manifest = json.loads((ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    files = [entry["file"] for entry in manifest["documents"]]
    assert sorted(files) == sorted(p.name for p in (ROOT / "corpus").glob("*.txt"))
    if SHARED_SEEDS.is_dir():
        for name in files:
            assert (ROOT / "corpus" / name).read_bytes() == (SHARED_SEEDS / name).read_bytes()
    assert all(entry["title"] for entry in manifest["documents"])


_CHECK = """
import json, sys, tempfile, pathlib
import briefer
from briefer.resources import corpus_dir, templates_dir, resources_dir
from briefer.core.project import create_project, open_project
path = create_project(pathlib.Path(tempfile.mkdtemp()) / "w.briefer")
svc = open_project(path, readonly=True)
print(json.dumps({"package": briefer.__file__, "corpus": str(corpus_dir()),
                  "templates": str(templates_dir()), "resources": str(resources_dir()),
                  "documents": len(svc.store.list_documents())}))
"""


@pytest.mark.skipif(os.environ.get("BRIEFER_SKIP_WHEEL_TEST") == "1", reason="explicitly skipped")
def test_wheel_install_finds_bundled_data(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    [wheel] = wheels.glob("briefer-*.whl")
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-c", _CHECK], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    info = json.loads(result.stdout)
    assert info["package"].startswith(str(target))
    for key in ("corpus", "templates", "resources"):
        assert info[key].startswith(str(target / "briefer" / "_bundled")), info
    assert info["documents"] == 5
    assert (target / "briefer" / "_bundled" / "templates").is_dir()
