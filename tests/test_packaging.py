"""The rules ship inside the package: a non-editable install (a wheel) reads the same rules as a checkout.

``extract/rules`` links to ``rules/`` and pyproject's package data takes it whole (a wheel built from the
checkout holds every rule file, and runs the sample corpus to the same outputs).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_package_links_the_rules_folder():
    assert (ROOT / "extract" / "rules").resolve() == (ROOT / "rules").resolve()


def test_package_data_takes_the_rules_at_every_depth():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(cfg["tool"]["setuptools"]["package-data"]["extract"]) >= {"rules/*", "rules/**/*"}
