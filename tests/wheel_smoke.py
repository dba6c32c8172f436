"""Wheel smoke test: build the wheel, install it (not editable) into a fresh virtualenv, and convert the
shipped sample with it from a folder outside the checkout.

    python tests/wheel_smoke.py [--keep]       # run by .ci/run after the tests; 2-7 min here (installs the deps)

It builds from a copy of the package sources (so the checkout gets no ``build/`` folder whose stale files could
slip into a later wheel), installs the wheel with its dependencies into ``<tmp>/venv``, and from ``<tmp>`` runs
``yusuan --help``, ``yusuan convert <repo>/examples/ --db <tmp>/x.duckdb``, ``yusuan check --db <tmp>/x.duckdb``,
then requires: the package imported from the venv (not the checkout), every stored document ``ok`` (at least
one), line items stored, and ``check`` exiting 1 exactly when error findings are stored (0 when none). Any
failure prints one line naming the step and exits 1. Needs only the standard library, so any Python 3.10+ with
``venv`` and ``pip`` runs it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What the build reads: pyproject.toml names README.md as the readme, the package and its two data folders.
SOURCES = ("pyproject.toml", "README.md", "extractor", "schemas", "prompts")
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
MIN_SETUPTOOLS = 77  # as pyproject.toml's build-system requires


class SmokeError(RuntimeError):
    """A step of the smoke test failed; the message names the step."""


def copy_sources(dest: Path) -> Path:
    """Copy what the build needs from the checkout into ``dest``; return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=_IGNORED)
        else:
            shutil.copy2(source, dest / name)
    return dest


def build_wheel(out_dir: Path, python: str = sys.executable) -> Path:
    """Build the project's wheel into ``out_dir`` from a copy of its sources; return the wheel's path.

    Without build isolation (fast, offline) when ``python`` has a recent enough setuptools, else isolated."""
    with tempfile.TemporaryDirectory(prefix="yusuan-src-") as tmp:
        source = copy_sources(Path(tmp) / "src")
        isolation = ["--no-build-isolation"] if _has_setuptools(python) else []
        command = [python, "-m", "pip", "wheel", "--quiet", "--no-deps", *isolation, "-w", str(out_dir), str(source)]
        _run("build the wheel", command, cwd=Path(tmp))
    wheels = sorted(out_dir.glob("yusuan-*.whl"))
    if len(wheels) != 1:
        raise SmokeError(f"build the wheel: expected one yusuan wheel in {out_dir}, found {len(wheels)}")
    return wheels[0]


def _has_setuptools(python: str) -> bool:
    """Whether ``python`` can build without isolation (setuptools new enough for pyproject.toml)."""
    probe = "import importlib.metadata as m; print(m.version('setuptools'))"
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    return done.returncode == 0 and int(done.stdout.split(".")[0]) >= MIN_SETUPTOOLS


def install_wheel(wheel: Path, venv: Path) -> Path:
    """Create a fresh virtualenv at ``venv``, install ``wheel`` (not editable) with its dependencies; return
    the venv's ``bin`` folder."""
    _run("create the virtualenv", [sys.executable, "-m", "venv", str(venv)], cwd=venv.parent)
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    _run("install the wheel", [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=venv.parent)
    return bin_dir


def smoke(bin_dir: Path, work: Path) -> dict[str, int]:
    """Run the installed ``yusuan`` from ``work`` on the shipped sample and check the store; return its counts."""
    yusuan, python, db = str(bin_dir / "yusuan"), str(bin_dir / "python"), work / "x.duckdb"
    where = _run("import the package", [python, "-c", "import extractor; print(extractor.__file__)"], cwd=work)
    if Path(where.strip()).resolve().is_relative_to(ROOT):
        raise SmokeError(f"import the package: extractor comes from the checkout ({where.strip()}), not the wheel")
    prompts = "from extractor.extract.llm.prompts import PROMPT_VERSION; print(len(PROMPT_VERSION))"
    _run("load the prompts", [python, "-c", prompts], cwd=work)
    _run("yusuan --help", [yusuan, "--help"], cwd=work)
    _run("yusuan convert", [yusuan, "convert", str(ROOT / "examples"), "--db", str(db), "-q"], cwd=work)
    counts = {
        "documents": _count(yusuan, db, work, "select count(*) from documents"),
        "documents_ok": _count(yusuan, db, work, "select count(*) from documents where status = 'ok'"),
        "line_items": _count(yusuan, db, work, "select count(*) from line_items"),
        "error_findings": _count(yusuan, db, work, "select count(*) from findings where severity = 'error'"),
    }
    # check exits 1 when error findings are stored (the sample's own arithmetic error), 0 when there are none.
    expected = 1 if counts["error_findings"] else 0
    _run(f"yusuan check (exit {expected}: {counts['error_findings']} error finding(s) stored)",
         [yusuan, "check", "--db", str(db)], cwd=work, expected=expected)
    if counts["documents_ok"] < 1 or counts["documents_ok"] != counts["documents"]:
        raise SmokeError(f"check the store: {counts['documents_ok']} of {counts['documents']} documents ok")
    if counts["line_items"] < 1:
        raise SmokeError("check the store: no line items stored")
    return counts


def _count(yusuan: str, db: Path, work: Path, sql: str) -> int:
    """Return the single number ``sql`` selects, through ``yusuan query``."""
    out = _run(f"yusuan query {sql!r}", [yusuan, "query", "--db", str(db), "--format", "json", sql], cwd=work)
    [row] = json.loads(out)
    return int(next(iter(row.values())))


def _run(step: str, command: list[str], cwd: Path, expected: int = 0) -> str:
    """Run ``command`` in ``cwd``; return its stdout, or raise SmokeError naming the step and its last output
    when it exits other than ``expected``."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != expected:
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-5:]
        raise SmokeError(f"{step} exited {done.returncode}: " + " | ".join(tail))
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (printed) for inspection")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="yusuan-wheel-"))
    try:
        wheel = build_wheel(work / "dist")
        counts = smoke(install_wheel(wheel, work / "venv"), work)
    except SmokeError as error:
        print(f"wheel smoke test FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"wheel smoke test ok: {wheel.name}, {counts['documents_ok']} document(s) ok, {counts['line_items']} line "
          f"items, {counts['error_findings']} error finding(s) reported by check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
