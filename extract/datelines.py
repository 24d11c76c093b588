"""Datelines: when an article was published, by which outlet and by whom, as its first and last lines say.

The rules are ``rules/clean/datelines.toml`` (fields such as a timestamp, 来源：X, 记者 X, 责任编辑：X,
新华社北京3月5日电, each a named pattern); this module is their mechanism: a small tokenizer that reads
a line as a sequence of fields (the longest field at each place), and the four places a dateline is
read (a whole line, an opener at the start of a first line, a bracketed credit at the end of a last
line, a photo credit at the end of any line).  It runs on the normalised simplified text (the
``clean_lines`` stage), so one rule reads both scripts.  Nothing is removed here: the lines stay in the
text, the document gets their fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from extract import lexicon, timestamps
from extract.rules import load_surnames, load_toml
from extract.tailsearch import TailSearch, tail_search

_PART = re.compile(r"\{([a-z_]+)\}")


class FieldRule(NamedTuple):
    """One kind of dateline field (datelines.toml ``[[dateline.field]]``)."""

    name: str
    field: str
    pattern: re.Pattern[str]
    needs: str | None  # a field the line must also state for this one to count


class _Rules(NamedTuple):
    """datelines.toml, compiled."""

    fields: tuple[FieldRule, ...]
    separator: re.Pattern[str]
    brackets: dict[str, str]
    own_outlet: frozenset[str]
    name_word: re.Pattern[str]  # one name of a list of names
    head: int
    tail: int
    max_len: int
    sentence_marks: frozenset[str]
    photo: TailSearch  # (anchored at the line end: searched from the run of characters a credit is made of)
    surnames: frozenset[str]
    compound_surnames: tuple[str, ...]
    plain_name_len: int
    skipped: frozenset[str]  # the names of the rules of fields that state nothing (skip, place)
    openers: tuple[re.Pattern[str], ...]  # the patterns of the opener fields (read_lead's pre-check)


def _expand(pattern: str, parts: dict[str, str]) -> str:
    """A pattern with its ``{part}`` references replaced (recursively) by the parts' patterns."""
    for _ in range(8):
        new = _PART.sub(lambda m: parts.get(m[1], m[0]), pattern)
        if new == pattern:
            return new
        pattern = new
    raise ValueError(f"datelines.toml: parts nest too deep in {pattern[:60]}")


@cache
def _rules() -> _Rules:
    d = load_toml("clean/datelines")["dateline"]
    parts = {**d["parts"], "timestamp": timestamps.pattern()}
    fields = tuple(FieldRule(f["name"], f["field"], re.compile(_expand(f["pattern"], parts)), f.get("needs"))
                   for f in d["field"])
    photo = next(f for f in fields if f.name == "dateline.photo_credit")
    names = d["names"]
    single, _, compound = load_surnames(names["surnames_file"])
    return _Rules(fields, re.compile(d["separator"]), dict(d["brackets"]), frozenset(d["own_outlet"]),
                  re.compile(f"[^{names['separators']}]+"), d["head_lines"], d["tail_lines"], d["max_len"],
                  frozenset(d["sentence_marks"]), tail_search(rf"(?:{photo.pattern.pattern})\s*[)）]?\s*$"),
                  single, tuple(sorted(compound)), names["plain_max_len"],
                  frozenset(f.name for f in fields if f.field in _STATES_NOTHING),
                  tuple(f.pattern for f in fields if f.field == "opener"))


def is_name(word: str) -> bool:
    """Whether a word read after a credit label can be a person's name (datelines.toml ``[dateline.names]``):
    it opens with a known surname, or is a transcribed name with a middle dot, or is a short word that is
    no word of the dictionary (记者手记 is a heading, 手记 no reporter)."""
    r = _rules()
    if "·" in word or word[0] in r.surnames or word.startswith(r.compound_surnames):
        return True
    return len(word) <= r.plain_name_len and not lexicon.frequency(word)


@dataclass
class Found:
    """What datelines state, in the order they were read (values of every field, and the rules that read them)."""

    values: dict[str, list[str]] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)  # the characters of the line that were read
    cuts: list[tuple[int, int]] = field(default_factory=list)  # furniture on the line (controls, counters)

    def add(self, other: Found, keep: frozenset[str] | None = None) -> None:
        """Take another reading's values (only the fields in ``keep``, when given) and rules."""
        for k, vs in other.values.items():
            if keep is None or k in keep:
                self.values.setdefault(k, []).extend(vs)
        self.rules.extend(r for r in other.rules if r not in self.rules)
        self.cuts.extend(other.cuts)

    def shifted(self, by: int) -> Found:
        """The same reading with its cuts ``by`` characters further on (read from a part of a line)."""
        self.cuts = [(s + by, e + by) for s, e in self.cuts]
        return self

    def lead_rule(self) -> str:
        """The first rule that read something (not a skipped field): the rule a mark of the line names."""
        skipped = _rules().skipped
        return next((r for r in self.rules if r not in skipped), self.rules[0])

    def first(self, key: str) -> str | None:
        vs = self.values.get(key)
        return vs[0] if vs else None

    def all(self, key: str) -> list[str]:
        return list(dict.fromkeys(self.values.get(key, [])))


_CREDITS = frozenset({"authors", "photographers", "editors"})
_STATES_NOTHING = ("skip", "place", "furniture")
_MEANINGFUL = frozenset({"published", "updated", "site", "outlet", "opener", "authors", "photographers", "editors"})


def read_fields(text: str, start: int = 0, whole: bool = True) -> tuple[Found, int] | None:
    """Read ``text[start:]`` as dateline fields: what they state and where the reading stopped.

    ``whole``: every character must be read (else None); otherwise reading stops at the first
    character no field starts at.  None also when nothing but separators and skipped fields was read.
    """
    r = _rules()
    found, pos, n = Found(), start, len(text)
    while True:
        pos = r.separator.match(text, pos).end()
        if pos >= n:
            break
        step = _field_at(text, pos, r)
        if step is None:
            if whole:
                return None
            break
        pos = step[1]
        found.add(step[0])
    if any(rule.needs and rule.name in found.rules and rule.needs not in found.values for rule in r.fields):
        return None
    return (found, pos) if any(k in _MEANINGFUL for k in found.values) else None


def _field_at(text: str, pos: int, r: _Rules) -> tuple[Found, int] | None:
    """The longest field (or bracketed dateline) starting at ``pos``: what it states and where it ends."""
    best: tuple[Found, int] | None = None
    for rule in r.fields:
        m = rule.pattern.match(text, pos)
        if m and m.end() > pos and (best is None or m.end() > best[1]) and (got := _values(rule, m, r)) and (
                best is None or got[1] > best[1]):
            best = got
    close = r.brackets.get(text[pos])
    if close is not None and (end := text.find(close, pos + 1)) > pos + 1 and (best is None or end + 1 > best[1]):
        inner = read_fields(text[pos + 1:end])
        if inner is not None:
            best = (inner[0].shifted(pos + 1), end + 1)
    return best


def _values(rule: FieldRule, m: re.Match[str], r: _Rules) -> tuple[Found, int] | None:
    """What one field states (its value(s) under its field name; none for skipped fields) and where it
    ends.  A credit keeps its names up to the first word that is no name (记者 张三 浏览次数：…), when
    the names end the field; else a credit with a word that is no name is no field (None).  A credit
    to no person at all (图/新华社) is read and states nothing."""
    found = Found(rules=[rule.name])
    value = m.groupdict().get("value")
    end = m.end()
    if rule.field == "furniture":
        found.cuts.append(m.span())
    if value is None or rule.field in _STATES_NOTHING:
        return found, end
    if rule.field in _CREDITS:
        names, name_end = _names(value, m.start("value"), r)
        if not names and m.end("value") == end:
            return found, end  # 图/新华社: a credit, but to no person
        if not names or (name_end < m.end("value") and m.end("value") < end):
            return None
        found.values[rule.field] = names
        end = min(end, name_end) if m.end("value") == end else end
    elif rule.field in ("published", "updated"):
        iso = timestamps.read(value).iso
        if iso is not None:
            found.values[rule.field] = [iso]
    elif rule.field == "opener":
        found.values["opener"] = [value]
        if value not in r.own_outlet:
            found.values["outlet"] = [value]
    elif rule.field == "site":
        found.values["site"] = found.values["outlet"] = [value]
    else:
        found.values[rule.field] = [value]
    return found, end


def _names(value: str, start: int, r: _Rules) -> tuple[list[str], int]:
    """The names a credit lists, up to the first word that is no name, and where the last one ends."""
    names: list[str] = []
    end = start
    for w in r.name_word.finditer(value):
        if not is_name(w[0]):
            break
        names.append(w[0])
        end = start + w.end()
    return names, end


# ----------------------------------------------------------------------------- where datelines are read

def read_line(line: str) -> Found | None:
    """A whole line that is a dateline: what it states, or None."""
    r = _rules()
    s = line.strip()
    if not s or len(s) > r.max_len or (s[0] not in r.brackets and not r.sentence_marks.isdisjoint(s)):
        return None  # (isdisjoint: the characters of the line tested in C, not by a generator)
    got = read_fields(s)
    if got is None:
        return None
    lead = len(line) - len(line.lstrip())
    got[0].span = (lead, lead + len(s))
    return got[0].shifted(lead)


def read_lead(line: str) -> Found | None:
    """A wire or 讯 opener at the start of a line and the bracketed credits right after it (the text goes
    on after them: 新华社北京3月5日电（记者 张三）记者从…).  Credits without brackets are not read there:
    where they end and the text begins is not known (…电 记者今天获悉)."""
    r = _rules()
    lead = len(line) - len(line.lstrip())
    if lead >= len(line) or line[lead] not in r.brackets and not _opener_at(line, lead, r):
        return None  # (most first lines: only an opener field or a bracket can state an opener)
    first = _field_at(line, lead, r)
    if first is None or "opener" not in first[0].values:
        return None
    found, end = first
    pos = r.separator.match(line, end).end()
    if pos < len(line) and line[pos] in r.brackets and (credit := _field_at(line, pos, r)) is not None:
        found.add(credit[0])
        end = credit[1]
    found.span = (lead, end)
    return found


def _opener_at(line: str, pos: int, r: _Rules) -> bool:
    """Whether an opener field matches at ``pos``: without one, the longest field there states no opener."""
    for p in r.openers:
        m = p.match(line, pos)
        if m and m.end() > pos:
            return True
    return False


def read_closing(line: str) -> Found | None:
    """A bracketed credit at the end of a line: …完工。（记者 陈蔷薇）."""
    r = _rules()
    s = line.rstrip()
    if not s or s[-1] not in r.brackets.values():
        return None
    for i in range(len(s) - 2, max(-1, len(s) - r.max_len), -1):
        if s[i] in r.brackets and r.brackets[s[i]] == s[-1]:
            got = read_fields(s[i + 1:-1])
            if got is None:
                return None
            got[0].span = (i, len(s))
            return got[0].shifted(i + 1)
    return None


def read_photo_credit(line: str) -> Found | None:
    """A photo credit that ends a line (a caption): …起飞。记者 张三 摄."""
    r = _rules()
    s = line.rstrip()
    if "摄" not in s[-8:]:
        return None
    m = r.photo.search(s)
    if m is None:
        return None
    names, end = _names(m["value"], 0, r)
    if end < len(m["value"]):
        return None
    return Found({"photographers": names}, ["dateline.photo_credit"], m.span())


_PLACED = frozenset({"published", "updated", "site", "outlet"})


def read_text(lines: list[str]) -> tuple[Found, list[tuple[int, Found]]]:
    """Everything the datelines of an article state, given its non-empty lines in order, and what each
    line that is (or holds) a dateline states, by line index.

    Dates and outlets are taken from the first and last lines only (see datelines.toml), the first
    lines before the last; credits from whole dateline lines anywhere, openers in the first lines,
    bracketed credits in the last, photo credits anywhere.
    """
    r = _rules()
    n = len(lines)
    per_line = []
    for i, line in enumerate(lines):
        got = _read_at(line, i < r.head, i >= n - r.tail)
        if got is not None and (i < r.head or i >= n - r.tail or any(k in got.values for k in _CREDITS)):
            per_line.append((i, got))
    out = Found()
    for i, got in per_line:  # the first lines' dates and outlets before the last lines'
        if i < r.head:
            out.add(got, _PLACED)
    for i, got in per_line:
        if i >= max(r.head, n - r.tail):
            out.add(got, _PLACED)
    for _, got in per_line:
        out.add(got, _CREDITS)
    return out, per_line


def _read_at(line: str, first: bool, last: bool) -> Found | None:
    """What a line states as a dateline, by the readings allowed where it stands."""
    got = read_line(line)
    if got is None and first:
        got = read_lead(line)
    if got is None and last:
        got = read_closing(line)
    return got if got is not None else read_photo_credit(line)
