"""Shared fixtures: where the ccsig command, the source tree, the sample
crawl and the installed prefix are. python/tests/run.sh (ctest
python.pytest) sets the environment; run by hand:

    CCSIG_LIBRARY=PREFIX/lib CCSIG_CLI=build/programs/ccsig CCSIG_SOURCE=. \
    CCSIG_SAMPLE=build/sample CCSIG_PREFIX=PREFIX /usr/bin/python3 -m pytest python/tests
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest


def _env(name: str) -> str:
    v = os.environ.get(name)
    if not v:
        pytest.exit(f"{name} is not set (see python/tests/conftest.py)", returncode=2)
    return v


@pytest.fixture(scope="session")
def cli() -> str:
    return _env("CCSIG_CLI")


@pytest.fixture(scope="session")
def source() -> Path:
    return Path(_env("CCSIG_SOURCE"))


@pytest.fixture(scope="session")
def sample() -> Path:
    return Path(_env("CCSIG_SAMPLE"))


@pytest.fixture(scope="session")
def prefix() -> Path:
    return Path(_env("CCSIG_PREFIX"))


def run_cli(cli: str, args: list[str], cwd=None, stdin: bytes = b"", env=None) -> subprocess.CompletedProcess:
    """The ccsig command (a sanitized build runs without the Python
    process's LD_PRELOAD)."""
    e = dict(os.environ if env is None else env)
    e.pop("LD_PRELOAD", None)
    return subprocess.run([cli, *args], cwd=cwd, input=stdin, capture_output=True, env=e)


def json_lines(out: bytes) -> list[dict]:
    return [json.loads(l) for l in out.splitlines() if l.strip()]
