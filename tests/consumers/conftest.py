"""Shared fixtures: the notes-export binary and the repository paths."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures" / "seed"
CORPUS = ROOT / "fixtures" / "corpus" / "logseq-docs"


def binary() -> str:
    path = os.environ.get("NOTES_EXPORT_BIN") or str(ROOT / "target" / "debug" / "notes-export")
    if not pathlib.Path(path).exists():
        pytest.fail(f"{path} is missing: build with `cargo build` or run `cargo xtask test`")
    return path


def run(*args, check=True, env=None):
    """Runs notes-export and returns the completed process."""
    proc = subprocess.run([binary(), *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"notes-export {' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stderr}")
    return proc
