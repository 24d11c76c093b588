"""One entity per thing (``rules/entities/organisations.toml``, ``places.toml``): the other mentions of the
organisations and places found, their short forms, and the entity each mention belongs to.

* an alias given in brackets after a name (润澜控股集团有限公司（以下简称“润澜控股”）) is a mention of that name,
  and so is every later use of it;
* a company's full name less its legal suffix, or a prefix of that (联嘉 ← 联嘉电子, 苏源新材 ← 苏源新材料股份有限公司,
  凯斯勒 ← 德国凯斯勒传动技术公司), standing alone elsewhere is a mention of the company;
* every other whole-word mention of a place or organisation a rule found is one too (the gazetteers match
  everywhere anyway);
* mentions of one thing share an ``entity_id``; ``canonical`` is its full name (the longest name the document
  gives it, or the full name of the place lists: 桑植 → 桑植县);
* a stock code in brackets after a company (（股票代码：603001）) is the ``norm`` of all its mentions.
"""

from __future__ import annotations

import operator
from functools import lru_cache

from extract.entities.candidate import Cand
from extract.entities.context import Ctx
from extract.entities.lexicon import rules

_NAME_LABELS = ("ORG", "LOC")
_GAZETTEER_RULES = "gazetteer."  # the names of the lists match everywhere already
_START_END = operator.attrgetter("start", "end")  # a C-level sort key (no Python call per candidate)


def expand(ctx: Ctx, ents: list[Cand], taken: bytearray | None = None) -> list[Cand]:
    """``ents`` (resolved, in text order) with the aliases, short forms and other mentions of their organisations
    and places that overlap none of them, in text order; each new mention carries its ``canonical`` name.
    ``taken``: a byte per position 0..n, 1 inside ``ents`` (as ``resolve.resolve_taken`` leaves it; it is
    written to), made here when not given."""
    text, r = ctx.text, ctx.r
    if taken is None:
        taken = bytearray(len(text) + 1)
        for c in ents:
            taken[c.start:c.end] = b"\x01" * (c.end - c.start)
    new = _aliases(ctx, ents, taken)
    forms: dict[str, tuple[str, str, str]] = {}  # a surface form -> (label, rule, canonical)
    for c in ents + new:
        if c.label in _NAME_LABELS and not c.rule.startswith(_GAZETTEER_RULES):
            name = text[c.start:c.end]
            if name in forms:
                continue
            full = c.canonical or name
            rule = r.org.rule_propagated if c.label == "ORG" else r.loc.rule_propagated
            forms[name] = (c.label, rule, full)
            if c.label == "ORG" and c.canonical is None:
                for short in _short_forms(ctx, c):
                    forms.setdefault(short, ("ORG", r.org.rule_propagated, full))
    new += _mentions(ctx, forms, taken)
    out = sorted(ents + new, key=_START_END)
    _tickers(ctx, out)
    return out


def _tickers(ctx: Ctx, ents: list[Cand]) -> None:
    """A stock code in brackets right after an organisation is the ``norm`` of every mention of it."""
    text, ticker = ctx.text, ctx.r.org.ticker_re
    codes: dict[str, str] = {}
    for c in ents:
        if c.label == "ORG" and text.startswith(("（", "("), c.end):
            m = ticker.match(text, c.end)
            if m:
                codes.setdefault(c.canonical or text[c.start:c.end], m.group(1))
    if codes:
        for c in ents:
            if c.label == "ORG":
                c.norm = codes.get(c.canonical or text[c.start:c.end])


def _aliases(ctx: Ctx, ents: list[Cand], taken: bytearray) -> list[Cand]:
    """（以下简称“X”） right after an organisation: X, a mention of it (canonical: the name before the bracket)."""
    text, org = ctx.text, ctx.r.org
    if org.alias_needs not in text:
        return []  # the usual case: no alias in the text (a substring search, not a regex scan)
    by_end = {c.end: c for c in ents if c.label in _NAME_LABELS}
    out = []
    for m in org.alias_re.finditer(text):
        owner = by_end.get(m.start())
        s, e = m.span(1)
        if owner is None or taken.find(1, s, e) >= 0:
            continue
        full = owner.canonical or text[owner.start:owner.end]
        out.append(Cand(s, e, owner.label, org.rule_alias, canonical=full))
        taken[s:e] = b"\x01" * (e - s)
    return out


def _short_forms(ctx: Ctx, c: Cand) -> tuple[str, ...]:
    """Short forms of a company name (see :func:`short_forms`)."""
    return short_forms(ctx.text[c.start:c.end], c.rule == ctx.r.org.rule["brand"])


@lru_cache(maxsize=8192)
def short_forms(name: str, brand: bool) -> tuple[str, ...]:
    """Short forms of a company name, longest first: the name less its legal suffix (or, for a brand-headed name,
    its head word: 联嘉 of 联嘉电子) and less a place it opens with, and the prefixes of that of
    ``alias_prefix_min``+ characters that are no known name or common word.  None for a name without a legal
    suffix or brand head.  The same name gives the same forms in every document, so they are computed once."""
    r = rules()
    org, gaz = r.org, r.gaz
    legal = next((x for x in org.alias_legal if name.endswith(x) and len(name) > len(x)), None)
    if legal is None and not brand:
        return ()
    if legal:
        core = name[:len(name) - len(legal)]
    else:
        heads = [m for m in org.heads.regex.finditer(name) if m.end() == len(name)]
        core = name[:min(m.start() for m in heads)] if heads else name
    place = next((k for k in range(len(core) - 1, 1, -1) if gaz.label.get(core[:k]) == "LOC"), 0)
    core = core[place:]
    return tuple(short for k in range(len(core), org.alias_prefix_min - 1, -1) if (short := core[:k]) != name
                 and gaz.label.get(short) is None and short not in gaz.common and r.chars.is_han.match(short))


def _mentions(ctx: Ctx, forms: dict[str, tuple[str, str, str]], taken: bytearray) -> list[Cand]:
    """Every free whole-word occurrence of the forms (longest forms first): starting where a word starts and
    ending where one ends or a non-Han character follows."""
    text, bnd = ctx.text, ctx.bnd
    out = []
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        label, rule, full = forms[form]
        i = text.find(form)
        if i >= 0 and text.find(form, i + 1) < 0 and taken[i]:
            continue  # the one mention, already found: the usual case
        while i >= 0:
            e = i + len(form)
            if taken.find(1, i, e) < 0 and (bnd[i] or not ctx.r.chars.is_han.match(text[i - 1])) \
                    and (bnd[e] or e == len(text) or not ctx.r.chars.is_han.match(text[e])):
                out.append(Cand(i, e, label, rule, canonical=None if full == form else full))
                taken[i:e] = b"\x01" * (e - i)
            i = text.find(form, i + 1)
    return out
