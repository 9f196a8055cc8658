"""What the Action installs: exact pins in pyproject.toml, and constraints.txt for the rest."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")


def _name(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines: list[str]) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in lines:
        found = PIN.match(line.strip())
        assert found, f"{line!r} is not an exact pin (name==version)"
        pins[_name(found[1])] = found[2]
    return pins


def _runtime() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return _pins(project["dependencies"])


def _constraints() -> dict[str, str]:
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    return _pins([line for line in text.splitlines() if line and not line.startswith("#")])


def test_every_runtime_dependency_is_pinned_exactly() -> None:
    """pyproject.toml names each runtime dependency with one exact version."""
    assert "arxiv" in _runtime()


def test_the_constraints_agree_with_the_runtime_pins() -> None:
    """constraints.txt holds every runtime dependency at the version pyproject.toml pins."""
    constraints = _constraints()
    assert {name: constraints.get(name) for name in _runtime()} == _runtime()


def test_the_constraints_pin_more_than_the_direct_dependencies() -> None:
    """constraints.txt also pins what the dependencies pull in (urllib3 under requests)."""
    constraints = _constraints()
    assert {"urllib3", "pydantic-core", "markupsafe"} <= set(constraints)
    assert "arxiv-daily-list" not in constraints
