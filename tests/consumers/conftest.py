"""Shared fixtures: the notes-export binary, the repository paths, and the third-party data
sets read in place from ../shared (or $NOTES_EXPORT_SHARED), never copied into the project."""
import os
import pathlib
import subprocess
import warnings

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures" / "seed"
SHARED = pathlib.Path(os.environ.get("NOTES_EXPORT_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus" / "logseq-docs"
OOXML_SCHEMAS = SHARED / "tools" / "ooxml" / "schemas"


def skipped(why, whole_test=True):
    """Reports a check that cannot run: in $NOTES_EXPORT_SKIP_LOG (which `cargo xtask test`
    counts), then skips the test, or only warns when the rest of the test still runs. Where
    every check must run (NOTES_EXPORT_REQUIRE_SHARED=1, as in CI) it fails instead."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
    if os.environ.get("NOTES_EXPORT_REQUIRE_SHARED", "0") != "0":
        pytest.fail(f"{why}, and NOTES_EXPORT_REQUIRE_SHARED is set: this check must run")
    log = os.environ.get("NOTES_EXPORT_SKIP_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"skipped: {why} ({test})\n")
    if whole_test:
        pytest.skip(why)
    warnings.warn(f"skipped: {why}")


def shared_missing(path):
    """`path` is under ../shared and absent."""
    path = pathlib.Path(path)
    return path.is_relative_to(SHARED) and not path.exists()


@pytest.fixture(autouse=True)
def _shared_params(request):
    """A test parametrized with a data set of ../shared that is absent is skipped, and says so."""
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    for value in params.values():
        if isinstance(value, pathlib.Path) and shared_missing(value):
            skipped(f"../shared/{value.relative_to(SHARED)} not found")


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
