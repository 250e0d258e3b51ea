"""`srs completion bash|zsh|fish`: the printed script, and completions answered for real.

bash runs the printed script and calls its completion function, which starts `srs` (a wrapper
on PATH running this checkout) exactly as an interactive shell would. zsh and fish are not
installed here; their protocol (the variables their scripts set) is driven directly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from srs.cli.app import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def srs_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH has an `srs` that runs this checkout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "srs"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m srs "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env["PYTHONPATH"] = str(ROOT)
    env["SRS_DB"] = str(tmp_path / "c.db")
    return env


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_script_is_printed(shell: str) -> None:
    result = CliRunner().invoke(app, ["completion", shell])
    assert result.exit_code == 0, result.output
    assert "_SRS_COMPLETE" in result.output and "srs" in result.output


def test_unknown_shell_is_refused() -> None:
    result = CliRunner().invoke(app, ["completion", "tcsh"])
    assert result.exit_code == 2
    assert "tcsh" in result.output


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_and_options(srs_on_path: dict[str, str]) -> None:
    def complete(*words: str) -> list[str]:
        script = (
            'eval "$(srs completion bash)"\n'
            f"COMP_WORDS=({' '.join(words)}); COMP_CWORD={len(words) - 1}\n"
            "_srs_completion srs\n"
            'printf "%s\\n" "${COMPREPLY[@]}"\n'
        )
        done = subprocess.run(
            ["bash", "-c", script], env=srs_on_path, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert sorted(complete("srs", "ex")) == ["exam", "explain", "export"]
    assert "--questions" in complete("srs", "exam", "--q")
    assert complete("srs", "completion", "") == ["bash", "zsh", "fish"]


@pytest.mark.parametrize(
    ("shell", "variables"),
    [
        ("zsh", {"_TYPER_COMPLETE_ARGS": "srs sta"}),
        ("fish", {"_TYPER_COMPLETE_ARGS": "srs sta", "_TYPER_COMPLETE_FISH_ACTION": "get-args"}),
    ],
)
def test_zsh_and_fish_protocol(
    srs_on_path: dict[str, str], shell: str, variables: dict[str, str]
) -> None:
    env = dict(srs_on_path, _SRS_COMPLETE=f"complete_{shell}", **variables)
    done = subprocess.run(["srs"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "stats" in done.stdout


def test_help_lists_completion() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "completion" in result.output
