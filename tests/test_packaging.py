"""The wheel carries the schemas and prompts, and the loaders read them as package data
(``importlib.resources``), from the editable install and from the built wheel alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from extractor.extract.llm.prompts import PROMPT_NAMES, prompt_files, prompts_dir
from extractor.validate.schema import load_schema, schema_names, schemas_dir
from tests.wheel_smoke import ROOT, build_wheel

tomllib = pytest.importorskip("tomllib")

DATA = {"schemas": "extractor/schemas", "prompts": "extractor/prompts"}


def _source_files(folder: str) -> list[str]:
    """Every file of a top-level data folder, relative to it (caches left out)."""
    root = ROOT / folder
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def _environment_without_overrides() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("YUSUAN_")}


@pytest.fixture(autouse=True)
def _no_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YUSUAN_SCHEMAS_DIR", raising=False)
    monkeypatch.delenv("YUSUAN_PROMPTS_DIR", raising=False)


def test_every_package_under_extractor_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "extractor").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    mapped = set(config["package-dir"])
    assert mapped == {"extractor.schemas", "extractor.prompts"}
    assert {config["package-dir"][name] for name in mapped} == set(DATA)
    assert set(config["packages"]) == on_disk | mapped


def test_loaders_read_package_data_with_importlib_resources() -> None:
    assert schemas_dir() == files("extractor.schemas")
    assert prompts_dir() == files("extractor.prompts")
    expected_schemas = {name.removesuffix(".schema.json") for name in _source_files("schemas") if name.endswith(".json")}
    assert set(schema_names()) == expected_schemas
    assert load_schema("record")["$id"].endswith("/record.schema.json")
    prompts = {f"{name}.v{version}.md" for name, versions in prompt_files().items() for version in versions}
    assert prompts == {name for name in _source_files("prompts") if name.endswith(".md") and name != "README.md"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.mark.slow
def test_wheel_carries_every_schema_and_prompt_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, packaged in DATA.items():
        sources = _source_files(folder)
        assert sources, folder
        missing = [name for name in sources if f"{packaged}/{name}" not in names]
        assert missing == [], f"{folder}/ files not in the wheel: {missing}"
    modules = [p.relative_to(ROOT).as_posix() for p in (ROOT / "extractor").rglob("*.py") if "__pycache__" not in p.parts]
    assert [m for m in modules if m not in names] == []
    assert not any(name.startswith(("schemas/", "prompts/", "tests/")) for name in names)


@pytest.mark.slow
def test_loaders_find_the_data_in_the_unpacked_wheel(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import json, extractor\n"
        "from extractor.validate.schema import schema_names, schemas_dir, load_schema\n"
        "from extractor.extract.llm.prompts import PROMPT_VERSION, prompts_dir\n"
        "print(json.dumps({'package': extractor.__file__, 'schemas': str(schemas_dir()),\n"
        "  'prompts': str(prompts_dir()), 'names': schema_names(), 'versions': PROMPT_VERSION,\n"
        "  'record': load_schema('record')['$id']}))\n"
    )
    # Run outside the checkout with the unpacked wheel first on the path: the checkout cannot be read.
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
        env={**_environment_without_overrides(), "PYTHONPATH": str(site)},
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    for key in ("package", "schemas", "prompts"):
        assert Path(found[key]).is_relative_to(site), (key, found[key])
    assert found["names"] == schema_names()
    assert set(found["versions"]) == set(PROMPT_NAMES)
    assert found["record"] == load_schema("record")["$id"]
