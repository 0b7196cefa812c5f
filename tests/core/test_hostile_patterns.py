"""Catastrophic patterns in autotag: bounded time, nothing stored, the project released, Ctrl-C honoured.

Real CLI runs in subprocesses. The waits below are bounds that keep a hung run
from hanging the suite, not timing assertions.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefer.core.errors import BrieferError
from briefer.core.patterns import TOO_SLOW, PatternTooSlowError, compile_pattern, find_spans

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SLOW = "(a|aa)+$"  # backtracks exponentially even in regex: 45 a's and a b take hours
NESTED = "(a+)+$"  # the classic one; regex's engine finishes it at once, re's would not


def briefer(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefer", *map(str, args)], capture_output=True, text=True, env=ENV, timeout=60
    )


def passage_count(project: Path) -> int:
    with sqlite3.connect(project) as conn:
        return int(conn.execute("SELECT count(*) FROM passages").fetchone()[0])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.briefer"
    assert briefer("new", path, "--empty").returncode == 0
    for name, count in (("a31.txt", 31), ("a45.txt", 45)):
        (tmp_path / name).write_text("a" * count + "b\n", encoding="utf-8")
        assert briefer("import", path, tmp_path / name).returncode == 0
    return path


def test_slow_pattern_exits_1_stores_nothing_and_releases_the_project(project: Path) -> None:
    result = briefer("autotag", project, "--pattern", SLOW, "--tag", "Semiconductors")
    assert result.returncode == 1
    assert result.stderr.strip() == f"briefer: error: {TOO_SLOW}"
    assert result.stdout == ""
    assert passage_count(project) == 0
    # The project is free again at once: another writer gets in.
    tagged = briefer("tag", project, "--doc", "1", "--quote", "aaab", "--tag", "Semiconductors")
    assert tagged.returncode == 0, tagged.stderr
    assert passage_count(project) == 1


def test_nested_quantifier_on_31_as_ends_with_no_match(project: Path) -> None:
    result = briefer("autotag", project, "--pattern", NESTED, "--tag", "Semiconductors", "--doc", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
    assert passage_count(project) == 0


def test_ctrl_c_during_a_slow_match_ends_the_run(project: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefer", "autotag", project, "--pattern", SLOW, "--tag", "Semiconductors"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        time.sleep(1.0)  # started and matching (the limit is 3 s)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    # 130 when Python's handler ran; -SIGINT if the signal came before it was installed.
    assert proc.returncode in (130, -signal.SIGINT), err
    assert passage_count(project) == 0
    assert briefer("tag", project, "--doc", "1", "--quote", "aaab", "--tag", "Semiconductors").returncode == 0


def test_ctrl_c_interrupts_a_match_with_a_long_limit(tmp_path: Path) -> None:
    # Ctrl-C must not wait for the time limit: with a 120 s limit, only honouring
    # the signal ends this run within the 10 s bound.
    script = (
        "import sys\n"
        "from briefer.core.patterns import compile_pattern, find_spans\n"
        "print('ready', flush=True)\n"
        "try:\n"
        f"    find_spans(compile_pattern({SLOW!r}), ['a' * 45 + 'b'], limit=120)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    sys.exit(130)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert out.strip() == "interrupted"


def test_find_spans_in_process() -> None:
    compiled = compile_pattern("(?i)晶片|chip")
    assert find_spans(compiled, ["Chip 晶片", "", "none"]) == [[(0, 4), (5, 7)], [], []]
    assert find_spans(compile_pattern("x*"), ["axxb"]) == [[(1, 3)]]  # empty matches dropped
    with pytest.raises(PatternTooSlowError, match="^pattern too slow: simplify it$"):
        find_spans(compile_pattern(SLOW), ["a" * 45 + "b"], limit=0.2)
    # One deadline for the whole run, not one per text.
    with pytest.raises(PatternTooSlowError):
        find_spans(compile_pattern(SLOW), ["a" * 26 + "b"] * 200, limit=0.3)


@pytest.mark.parametrize("bad", ["(", "a{2,1}", "[z-a]", "a**", "(?P<1>a)"])
def test_invalid_patterns_are_one_line_errors(bad: str) -> None:
    with pytest.raises(BrieferError, match="^invalid pattern"):
        compile_pattern(bad)


def test_words_pattern_matches_whole_words_in_any_case_and_chinese_anywhere() -> None:
    from briefer.core.patterns import compile_pattern, words_pattern

    compiled = compile_pattern(words_pattern("chip, export controls\n晶片"))
    text = "Chips? No: CHIP bans, chipset, export\ncontrols and 美國晶片法案."
    assert [m.group() for m in compiled.finditer(text)] == ["CHIP", "export\ncontrols", "晶片"]
    assert words_pattern(" , ") == ""
    assert compile_pattern(words_pattern("a+b (c)")).search("x A+B (C) y")
