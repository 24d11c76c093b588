"""Generate the place gazetteers and the surname list of ``rules/entities/`` from real data.

    pip install --no-deps jionlp==1.5.31   # only to regenerate (its data files are read, it is not imported)
    python tools/gen_gazetteers.py [--jionlp DIR]

Sources (each written file records its source and licence in its header):

* JioNLP 1.5.31 (Apache License 2.0): ``dictionary/china_location.zip`` (China's administrative divisions:
  provinces, prefectures, counties and their short forms, towns) and ``dictionary/world_location.txt``
  (countries with their full names, capitals and major cities);
* CLDR via ``babel`` (Unicode licence): Chinese names of territories and of the exemplar cities of time zones;
* JioNLP's surname tables (``rule/rule_pattern.py``: the Hundred Family Surnames, the unambiguous ones, the
  two-character ones), read as data;
* jieba's dictionary (MIT): the tags that keep common words out (a short form tagged as a common noun or verb
  is no place name: 和平, 城区) and the weight of each surname (how many words it tags as personal names it starts).

Run again after a data update; the output is sorted and stable.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]
GAZ = ROOT / "rules" / "entities" / "gazetteers"
JIONLP = "JioNLP 1.5.31 (https://pypi.org/project/jionlp/), Apache License 2.0"
CLDR = "CLDR via babel (https://pypi.org/project/babel/), Unicode License v3"
JIEBA = "jieba 0.42.1 dict.txt (https://pypi.org/project/jieba/), MIT License"
NAME_TAGS = frozenset(("ns", "nr", "nrt", "nrfg", "nz"))
ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "街道", "苏木", "林区", "地区", "新区", "省",
                  "市", "县", "区", "旗", "州", "盟", "镇", "乡")
TOWN_SUFFIXES = ("街道", "苏木", "镇", "乡")
# a surname starts at least this many of jieba's three-character personal names
SURNAME_MIN_NAMES = 40
# a word jieba tags as a name (nr, nz) this frequent is a common word too (和平, 文明)
COMMON_NAME_FREQ = 1000
# a county's short form this frequent in jieba's dictionary is mostly another word (古城, 新建)
COUNTY_SHORT_MAX_FREQ = 1000
# below this, jieba's tag of a short form is no evidence (彰化 v 31: a mis-tag)
SHORT_COMMON_FREQ = 50
# a foreign name that is a common word at least this frequent is left out (世界)
WORLD_COMMON_FREQ = 500
# CLDR territories that are no places: pseudo-locales, the unknown region, and unions (organisations)
CLDR_NOT_PLACES = frozenset(("XA", "XB", "ZZ", "EU", "EZ", "UN", "QO"))


def jieba_tags() -> dict[str, tuple[str, int]]:
    """word -> (tag, frequency) of jieba's dictionary."""
    out = {}
    with (Path(jieba.__file__).parent / "dict.txt").open(encoding="utf-8") as f:
        for line in f:
            w, freq, tag = line.split()
            out[w] = (tag, int(freq))
    return out


def jionlp_dir(arg: str | None) -> Path:
    """The folder of the jionlp package (its data files only are read)."""
    if arg:
        return Path(arg)
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("jionlp is not installed: pip install --no-deps jionlp==1.5.31, or pass --jionlp DIR")
    return Path(next(iter(spec.submodule_search_locations)))


def divisions(pkg: Path) -> list[tuple[int, str, str | None]]:
    """(level, full name, short form or None) of China's divisions: 0 province, 1 prefecture, 2 county, 3 town."""
    with zipfile.ZipFile(pkg / "dictionary" / "china_location.zip") as z:
        text = io.TextIOWrapper(z.open("china_location.txt"), encoding="utf-8").read()
    out = []
    for line in text.splitlines():
        level = len(line) - len(line.lstrip("\t"))
        if level > 3 or not line.strip():
            continue
        parts = line.strip().split("\t")
        name = parts[0]
        if "直辖" in name or not re.fullmatch(r"[\u4e00-\u9fff]+", name):
            continue
        short = parts[2] if len(parts) > 2 and parts[2] != name else None
        out.append((level, name, short))
    return out


def common(word: str, tags: dict[str, tuple[str, int]], min_freq: int = 0, names: bool = True) -> bool:
    """A word of jieba's dictionary tagged as something other than a place, at least ``min_freq`` frequent
    (a short form such as 和平 or 城区 is no place name; jieba tags some foreign places oddly, 也门 d, 平壤 n, so
    the world list drops only frequent common words such as 世界).  With ``names``, frequent nr/nz words are common
    too (和平, 文明: short forms of Chinese places; jieba tags 柏林, 伊拉克 nr/nrt, so not for the world list)."""
    tag, freq = tags.get(word, ("", 0))
    if not tag or freq < min_freq:
        return False
    return tag not in NAME_TAGS or (names and tag != "ns" and freq >= COMMON_NAME_FREQ)


def admin_lines(divs: list[tuple[int, str, str | None]], tags: dict[str, tuple[str, int]]) -> list[str]:
    """``name<TAB>canonical[<TAB>county]`` of provinces, prefectures and counties: full names (canonical = itself)
    and short forms (canonical = the full name; ``county`` marks a county's short form; a short form shared by two
    places points at the higher-level one, and one shared at the same level keeps itself).  A short form is kept
    when it is the full name less an administrative suffix, is no common word of jieba's dictionary and, for a
    county, is no frequent word (古城, 新建, 长安: county short forms that are mostly something else)."""
    full: dict[str, int] = {}
    short: dict[str, list[tuple[int, str]]] = {}
    for level, name, alias in divs:
        if level > 2:
            continue
        full[name] = min(level, full.get(name, 9))
        if alias and _short_form_ok(level, name, alias, tags):
            short.setdefault(alias, []).append((level, name))
    lines = {f"{n}\t{n}" for n in full if not common(n, tags, SHORT_COMMON_FREQ)}  # 城区, 郊区, 矿区: common words
    for alias, owners in short.items():
        if alias in full:
            continue
        top = min(lv for lv, _ in owners)
        names = sorted({n for lv, n in owners if lv == top})
        level = "\tcounty" if top == 2 else ""  # a county's short form needs a vote from its context (大关, 江海)
        lines.add(f"{alias}\t{names[0] if len(names) == 1 else alias}{level}")
    return sorted(lines)


def _short_form_ok(level: int, name: str, alias: str, tags: dict[str, tuple[str, int]]) -> bool:
    """A short form worth matching alone (see ``admin_lines``)."""
    if len(alias) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", alias) or not name.startswith(alias):
        return False
    rest = name[len(alias):]
    if not (rest in ADMIN_SUFFIXES or re.fullmatch(r"[\u4e00-\u9fff]*族?自治[区州县旗]", rest)) or alias.endswith("区"):
        return False
    if common(alias, tags, SHORT_COMMON_FREQ):
        return False
    return level < 2 or tags.get(alias, ("", 0))[1] < COUNTY_SHORT_MAX_FREQ


def town_lines(divs: list[tuple[int, str, str | None]]) -> list[str]:
    """Full names of towns, townships and sub-districts (镇, 乡, 街道, 苏木): matched only with their suffix."""
    return sorted({name for level, name, _ in divs if level == 3 and name.endswith(TOWN_SUFFIXES) and len(name) >= 3})


def world_lines(pkg: Path, tags: dict[str, tuple[str, int]]) -> list[str]:
    """Countries (short and full names), capitals and major cities (JioNLP), CLDR's territories and the exemplar
    cities of its time zones (Chinese names); common words of jieba's dictionary left out."""
    from babel import Locale

    names: set[str] = set()
    for line in (pkg / "dictionary" / "world_location.txt").read_text(encoding="utf-8").splitlines():
        if line.endswith(":") or not line.strip():
            continue
        for field in line.split("\t"):
            names.update(field.split("/"))
    zh = Locale.parse("zh")
    names.update(v for k, v in zh.territories.items() if k not in CLDR_NOT_PLACES)
    names.update(v["city"] for v in zh.time_zones.values() if v.get("city"))
    keep = set()
    for n in names:
        n = n.strip()
        if len(n) >= 2 and re.fullmatch(r"[\u4e00-\u9fff·]+", n) \
                and not common(n, tags, WORLD_COMMON_FREQ, names=False):
            keep.add(n)
    return sorted(keep)


def jionlp_surnames(pkg: Path) -> tuple[str, str, list[str]]:
    """JioNLP's surname tables (rule/rule_pattern.py, read as data, not imported): the single-character surnames
    of the Hundred Family Surnames, the ones it keeps as unambiguous, and the two-character surnames."""
    tree = ast.parse((pkg / "rule" / "rule_pattern.py").read_text(encoding="utf-8"))
    vals: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("SINGLE_CHINESE_FAMILY_NAME", "TWO_CHAR_CHINESE_FAMILY_NAME"):
                vals.setdefault(name, []).append(ast.literal_eval(node.value))
    full, clear = vals["SINGLE_CHINESE_FAMILY_NAME"]
    return full, clear, vals["TWO_CHAR_CHINESE_FAMILY_NAME"][0].split("|")


def surname_lines(pkg: Path, tags: dict[str, tuple[str, int]]) -> list[str]:
    """``surname<TAB>names<TAB>clear|ambiguous``: JioNLP's surnames, and the single characters jieba tags as
    personal names (nr) that start at least SURNAME_MIN_NAMES of its three-character personal names (肖, 覃 are not
    in the old list); ``names``: how many of jieba's personal names of 3 (4 for a two-character surname) characters
    it starts; ``clear``: JioNLP keeps it as a surname that is rarely anything else."""
    full, clear, double = jionlp_surnames(pkg)
    count = Counter(w[0] for w, (t, _) in tags.items() if t == "nr" and len(w) == 3)
    count2 = Counter(w[:2] for w, (t, _) in tags.items() if t == "nr" and len(w) == 4)
    single = set(full) | {c for c, k in count.items() if k >= SURNAME_MIN_NAMES and tags.get(c, ("",))[0] == "nr"}
    rows = [(c, count[c], "clear" if c in clear else "ambiguous") for c in single]
    rows += [(d, count2[d], "clear") for d in double]
    return [f"{c}\t{k}\t{flag}" for c, k, flag in sorted(rows, key=lambda r: (len(r[0]), -r[1], r[0]))]


def write(path: Path, header: list[str], lines: list[str]) -> None:
    """A data file: ``#`` header lines (what, source, licence, how made), then one entry a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"# {h}\n" for h in header) + "".join(f"{ln}\n" for ln in lines)
    path.write_text(body, encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(lines)} entries")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jionlp", help="folder of the jionlp package (default: the installed one)")
    args = ap.parse_args()
    pkg = jionlp_dir(args.jionlp)
    tags = jieba_tags()
    divs = divisions(pkg)
    made = "Generated by tools/gen_gazetteers.py: do not edit by hand."
    write(GAZ / "loc_cn_admin.txt",
          ["China's provinces, prefectures, counties and districts: full names and short forms, <TAB> canonical",
           "(<TAB> county: the short form of a county, which needs a vote from its context).",
           f"Source: {JIONLP}, dictionary/china_location.zip; short forms that {JIEBA} tags as common words left out.",
           made], admin_lines(divs, tags))
    write(GAZ / "suffixed" / "loc_cn_towns.txt",
          ["China's towns, townships and sub-districts (镇, 乡, 街道, 苏木), full names: matched with their suffix.",
           f"Source: {JIONLP}, dictionary/china_location.zip.", made], town_lines(divs))
    write(GAZ / "loc_world.txt",
          ["Countries (short and full names), capitals, major cities and CLDR's exemplar cities, Chinese names.",
           f"Sources: {JIONLP}, dictionary/world_location.txt; {CLDR}; common words of {JIEBA} left out.", made],
          world_lines(pkg, tags))
    write(ROOT / "rules" / "entities" / "surnames.txt",
          ["Surnames <TAB> how many personal names (tag nr) of jieba's dictionary they start <TAB> clear|ambiguous.",
           f"Sources: {JIONLP}, rule/rule_pattern.py (the Hundred Family Surnames); {JIEBA}.", made],
          surname_lines(pkg, tags))


if __name__ == "__main__":
    main()
