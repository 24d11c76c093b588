"""Loading the data files in ``rules/``: rules are data, this is the mechanism.

Rule files are TOML (readable, comment-friendly, parsed by the standard library) or plain
word lists (one entry a line, ``#`` comments), one folder per dimension (``rules/numbers/``,
``rules/dates/`` ...) beside that dimension's whole-answer corpora, which ``tests/test_corpora.py``
runs (see :mod:`extract.corpus` and ``rules/README.md``).
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path


def rules_dir() -> Path:
    """The rules folder: $ZH_EXTRACT_RULES, else the repository's ``rules/``, else the installed copy."""
    env = os.environ.get("ZH_EXTRACT_RULES")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parent.parent / "rules"
    if repo.is_dir():
        return repo
    return Path(__file__).resolve().parent / "rules"


@cache
def load_toml(name: str) -> dict:
    """Parse ``rules/NAME.toml`` (cached: rules load once per process)."""
    with (rules_dir() / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


@cache
def load_list(name: str) -> tuple[str, ...]:
    """Read ``rules/NAME`` as a word list: one entry a line, blank lines and ``#`` comments skipped."""
    out = []
    with (rules_dir() / name).open(encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(line)
    return tuple(out)


def rule_path(name: str) -> Path:
    return rules_dir() / name


@cache
def load_surnames(name: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(single-character surnames, the ambiguous ones among them, two-character surnames) of a surname
    file (``surname<TAB>names<TAB>clear|ambiguous`` a line): the person rules and the dateline reader share it."""
    rows = [line.split("\t") for line in load_list(name)]
    single = frozenset(r[0] for r in rows if len(r[0]) == 1)
    ambiguous = frozenset(r[0] for r in rows if len(r[0]) == 1 and r[2].strip() == "ambiguous")
    return single, ambiguous, frozenset(r[0] for r in rows if len(r[0]) == 2)
