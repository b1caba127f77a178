"""The import contracts (pyproject.toml, checked by `lint-imports` in `make lint`) name
the family area module by module, as every module of citizen/ but accounts: a module
added to citizen/ and left off those lists would escape them."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def family_area_modules() -> set[str]:
    names = {path.stem for path in (ROOT / "citizen").glob("*.py") if path.stem != "__init__"}
    names |= {path.name for path in (ROOT / "citizen").iterdir() if (path / "__init__.py").exists()}
    names -= {"accounts", "apps", "migrations"}
    return {f"citizen.{name}" for name in names}


def test_the_contracts_name_every_module_of_the_family_area():
    by_id = contracts()
    family = family_area_modules()
    assert family  # citizen/ was found
    assert family <= set(by_id["identity"]["forbidden_modules"])
    assert family <= set(by_id["domain"]["forbidden_modules"])
    assert family <= set(by_id["api-door"]["forbidden_modules"])
    assert family <= set(by_id["family-door"]["source_modules"])


def test_nothing_below_config_may_import_it():
    assert set(contracts()["config-on-top"]["source_modules"]) == {"tenants", "themes", "citizen", "casework", "api"}
