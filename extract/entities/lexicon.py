"""The compiled entity lexicon: ``rules/entities/*.toml`` and the gazetteers, built once per process.

Each topic file compiles into its own part (character classes, gazetteer, organisations, places, persons,
works and events); a table of a file with a ``name`` is a rule, and its ``source`` and ``tier`` say what the
records it makes carry and how its candidates weigh in overlap resolution (``resolve.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np
import spacy
from spacy.matcher import Matcher

from extract.entities.barriers import Chars
from extract.entities.barriers import load as load_chars
from extract.entities.gazetteer import Gazetteer
from extract.entities.gazetteer import load as load_gazetteer
from extract.entities.words import JiebaTokenizer, Literals, alternation, literals, pair_bits, trie_pattern
from extract.lexicon import tokenizer
from extract.rules import load_list, load_surnames, load_toml

_FILES = ("boundaries", "gazetteers", "organisations", "places", "persons", "works_events", "resolve")


@dataclass
class Orgs:
    """``organisations.toml``: the head words by kind, what a name part is and where a name may start."""

    kind: dict[str, str]  # head word -> legal | named | weak | brand
    rule: dict[str, str]  # kind -> rule name
    suffixes: tuple[str, ...]  # every head word
    heads: Literals  # the head words: ``heads.regex`` matches one, ``words.find_literals`` finds them in a text
    max_len: int
    min_name: int
    bad_start: str
    not_before: dict[str, str]
    follow_ok: str  # a head glued by jieba to one of these characters still ends the name (常州队|后)
    paren: re.Pattern[str]  # （集团） right before a company suffix is part of the name
    name_tags: frozenset[str]
    name_tag_max_freq: dict[str, int]  # tag -> highest frequency of a name so tagged
    unknown_len: tuple[int, int]
    latin: re.Pattern[str]
    ordinal_unit: re.Pattern[str]
    national: frozenset[str]
    regions: tuple[str, ...]  # generic region words: a word ending so names nothing by itself (沿海地区)
    local: str
    stop_words: frozenset[str]
    stop_tags: frozenset[str]
    verb_tags: frozenset[str]
    clause_tags: frozenset[str]  # a weak head's middle holding one is a clause (see orgs._verb_inside)
    stop_chars: str
    not_in_unknown: str  # an unknown word holding one of these is no name (另据, 仍为: function words jieba missed)
    word_tags: frozenset[str]  # a dictionary word holding the head with one of these tags is an organisation
    generic_words: frozenset[str]  # ... unless it is one of these descriptions (上市公司 nt)
    close: frozenset[str]
    bodies: frozenset[str]  # words of a body between two places before a close head (浙江|交警|金华|支队)
    abbreviation_heads: frozenset[str]  # named heads a rare abbreviation may name (上汽|集团)
    abbreviation_tags: frozenset[str]  # a rare word so tagged right before one of them is its name
    abbreviation_max_freq: int
    numbered_heads: frozenset[str]  # one-character heads of numbered units (中建|三局)
    numerals: str
    numbered_len: int  # the numeral of a numbered unit is at most this long
    numbered_tags: frozenset[str]  # the short name before the numeral is a word so tagged ...
    numbered_max_freq: int  # ... and used at most this often
    max_middle: int
    near_extra: int  # a weak head's name part is first looked for in max_middle + near_extra characters
    single_min_middle: int
    single_word_freq: int
    brand_max_middle: int
    brand_max_name: int
    brand_tags: frozenset[str]
    freq: dict[str, int]  # jieba's word frequencies
    place_like: frozenset[str]  # weak heads that make a LOC after a bare proper name (上海虹桥站)
    place_like_max: int
    place_like_label: str
    rule_place_like: str
    outlet: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]  # (pattern, a word of which the text must hold)
    place_heads: dict[str, tuple[str, ...]]  # an organisation head -> the place heads ending with it (发射中心)
    outlet_not: frozenset[str]
    rule_outlet: str
    alias_re: re.Pattern[str]  # （以下简称“X”）: group 1 is the short form
    alias_needs: str  # a word every alias match holds (the pattern is tried only in a text holding it)
    ticker_re: re.Pattern[str]  # （股票代码：603001）: group 1 is the code
    alias_legal: tuple[str, ...]  # legal suffixes a short form drops, longest first
    alias_prefix_min: int
    rule_alias: str
    rule_propagated: str


@dataclass
class Facility:
    """``[loc.facility]``: facility and landmark heads after a name part."""

    scan: Literals  # the heads, for finding them in a text
    heads: tuple[str, ...]
    max_middle: int
    middle_not_tags: frozenset[str]
    name_tags: frozenset[str]
    word_tags: frozenset[str]
    long_word_tags: frozenset[str]
    word_max_freq: int
    rule: str


@dataclass
class DictPlaces:
    """``[loc.dictionary]``: jieba's place words and the context words that vote for them."""

    words: frozenset[str]
    pairs: np.ndarray  # pair_bits of the words
    shape: str
    after: tuple[str, ...]
    before: tuple[str, ...]
    separators: tuple[str, ...]
    rule: str


@dataclass
class Places:
    """``places.toml``: place suffixes and what may stand before them."""

    strong: frozenset[str]
    regex: re.Pattern[str]
    org_heads: tuple[str, ...]  # organisation heads that end a place's head word (卫星发射中心)
    not_before: tuple[str, ...]  # a gazetteer place right before one of these is none (北京时间)
    admin_names: frozenset[str]  # full names of China's divisions (loc.admin)
    # their last two characters -> the lengths of the names ending so, longest first: a division is looked for only
    # where one of them may start (a name of 12 characters at most, tried at every start, cost more)
    admin_lengths: dict[str, tuple[int, ...]]
    admin_regex: re.Pattern[str]
    admin_max: int
    rule_admin: str
    facility: Facility
    dictionary: DictPlaces
    rule_propagated: str
    window: int
    max_middle: int
    follow_ok: re.Pattern[str]  # a time word that may follow a suffix jieba glued to it (港|前三季度)
    tight: frozenset[str]
    tight_middle: tuple[str, ...]
    broad: frozenset[str]
    broad_ok: frozenset[str]  # tight suffixes a province-level place may carry (上海港)
    named: frozenset[str]  # tight suffixes a known place + an unknown name may carry (青岛港|董家口|港区)
    name_len: tuple[int, int]
    bad_start: str  # verbs and function words an unknown place name never starts with (占全港)
    descriptors: frozenset[str]  # words between an unknown place name and its suffix (洋山深水港区)
    generic: frozenset[str]
    generic_multi: tuple[str, ...]
    station: str
    station_middle: str  # direction characters between a city and 站 (成都东站)
    area_words: frozenset[str]  # weak suffixes a country or region never takes into its name (中东|地区)
    rule_suffix: str
    rule_named: str
    rule_unknown: str
    rule_after: str


@dataclass
class Persons:
    """``persons.toml``: titles, what a name may be, dotted names and bylines."""

    titles: frozenset[str]
    title_re: re.Pattern[str]
    title_pairs: np.ndarray  # pair_bits of the titles
    chain: str
    chain_window: int
    org_gap: int
    max_len: int
    max_len_surname: int
    surname_word_lengths: tuple[int, ...]
    first_not_tags: frozenset[str]  # a name of no surname never opens with a one-character word so tagged (后)
    name_len: tuple[int, int]
    triggers: tuple[str, ...]
    not_in_name: frozenset[str]
    surnames: frozenset[str]
    ambiguous: frozenset[str]  # surnames that are common characters too (高, 万, 文)
    compound: frozenset[str]  # compound surnames, all of compound_len characters
    compound_len: int
    speaker_verbs: tuple[str, ...]  # longest first
    speaker_before: str
    given_max: int
    speaker_not_tags: frozenset[str]
    speaker_scan: Literals  # the speech verbs, for finding them in a text
    addressee_re: re.Pattern[str]  # an addressee phrase ending where the pattern's search ends (对记者|说)
    addressee_last: tuple[str, ...]  # the text before the verb ends so when an addressee may stand there
    addressee_max: int
    glued_not_tags: frozenset[str]  # a given name's last character glued to the verb is no word so tagged
    anon_re: re.Pattern[str]  # a surname then the mark once or twice
    surname_table: np.ndarray  # per code point: True for a single-character surname
    anon_mark: str
    list_separators: tuple[str, ...]  # longest first
    dict_tags: frozenset[str]
    dict_len: int
    dict_max_freq: int
    given_common_freq: int
    given_not: str  # the second character of a two-character name after an ambiguous surname is none of these
    after_tags: frozenset[str]  # a one-character word so tagged may follow a name (顾天翊|跑出)
    dot: str
    dot_re: re.Pattern[str]
    dot_part_max: int
    dot_title_window: int
    dot_not_last: tuple[str, ...]
    byline_re: re.Pattern[str]
    byline_names: re.Pattern[str]  # one name of a byline's names
    byline_pairs: np.ndarray | None  # pair_bits of the roles when every byline opens with one (else None: a full scan)
    roles: frozenset[str]
    rule_title: str
    rule_title_word: str
    rule_dot: str
    rule_byline: str
    rule_propagated: str
    rule_speaker: str
    rule_anonymised: str
    rule_list: str
    rule_dictionary: str
    subject: Subject


@dataclass
class Subject:
    """``[person.subject]``: a name opening a clause before a verb, a transliterated or an unknown native one."""

    next_tags: frozenset[str]  # the word after the name is so tagged
    next_not: frozenset[str]  # ... and none of these verbs of organisations (成立, 位于)
    max_len: int
    native_len: int
    native_not_second: frozenset[str]  # the second character of an unknown native name is none of these (巴方|愿)
    translit_max_freq: int
    translit: frozenset[str]  # the characters of transliterated names
    first_table: np.ndarray  # per code point: True for a transliteration character or an unambiguous surname
    rule: str


@dataclass
class Works:
    """``works_events.toml``: the Matcher's token patterns (WORK), event patterns and names, currencies."""

    nlp: spacy.Language
    matcher: Matcher  # patterns added under their rule names
    labels: dict[str, str]  # rule name of a Matcher pattern -> label
    brackets: dict[str, frozenset[str]] | None  # Matcher patterns 《 …+ 》: opening word -> words a match stops at
    event_re: re.Pattern[str]
    event_prefixes: tuple[tuple[re.Pattern[str], str], ...]  # (prefix regex, rule name)
    event_fixed: re.Pattern[str]
    event_names: tuple[str, ...]  # the known event names of ``event_fixed`` (tried only in a text holding one)
    rule_fixed: str
    currency_label: str
    rule_currency: str


@dataclass
class Rules:
    """Every part of the lexicon, and per rule name its record ``source``, its tier and its source's rank."""

    chars: Chars
    gaz: Gazetteer
    org: Orgs
    loc: Places
    per: Persons
    work: Works
    source: dict[str, str]
    tier: dict[str, int]
    rank: dict[str, int]
    gaz_rules: frozenset[str]  # the rules of the gazetteer lists (their names match everywhere)


@cache
def rules() -> Rules:
    """Compile the lexicon once (the spaCy pipeline, the suffix, title and name regexes, the gazetteer)."""
    cfg = {name: load_toml(f"entities/{name}") for name in _FILES}
    chars = load_chars(cfg["boundaries"])
    source, tier, rank = _rule_table(cfg)
    gaz = load_gazetteer(cfg["gazetteers"])
    return Rules(chars=chars, gaz=gaz, org=_orgs(cfg["organisations"], chars, cfg["places"]["loc"]["org_heads"]),
                 loc=_places(cfg["places"], gaz, _org_heads(cfg["organisations"])), per=_persons(cfg["persons"], chars),
                 work=_works(cfg["works_events"]), source=source, tier=tier, rank=rank,
                 gaz_rules=frozenset(gaz.rule.values()))


def _rule_table(cfg: dict[str, dict]) -> tuple[dict[str, str], dict[str, int], dict[str, int]]:
    """Per rule name (every table with a ``name``): its records' source, its tier (1 when not given) and the
    rank of its source in overlap resolution (a source ``resolve.toml`` does not rank comes last)."""
    ranks = cfg["resolve"]["resolve"]["source_rank"]
    last = max(ranks.values()) + 1
    source, tier, rank = {}, {}, {}
    for t in (t for part in cfg.values() for t in _named_tables(part)):
        source[t["name"]] = t["source"]
        tier[t["name"]] = t.get("tier", 1)
        rank[t["name"]] = ranks.get(t["source"], last)
    return source, tier, rank


def _named_tables(node: object) -> Iterator[dict]:
    """The tables of a parsed TOML file that have a ``name`` (the rules), depth first."""
    if isinstance(node, dict):
        if isinstance(node.get("name"), str):
            yield node
        for v in node.values():
            yield from _named_tables(v)
    elif isinstance(node, list):
        for v in node:
            yield from _named_tables(v)


_ORG_KINDS = (("legal", "strong"), ("named", "named"), ("weak", "weak"), ("brand", "brand"))


def _org_heads(cfg: dict) -> list[str]:
    """Every organisation head word of ``organisations.toml``."""
    return [h for _, table in _ORG_KINDS for h in cfg["org"][table]["suffixes"]]


def _orgs(cfg: dict, chars: Chars, place_heads: list[str]) -> Orgs:
    org, like, weak, brand = cfg["org"], cfg["org"]["place_like"], cfg["org"]["weak"], cfg["org"]["brand"]
    paren = rf"[{re.escape(chars.open_brackets)}][{chars.han}]{{1,{org['paren_max']}}}" \
            rf"[{re.escape(chars.close_brackets)}](?=(?:{alternation(org['paren_before'])}))"
    kind: dict[str, str] = {}
    for k, table in _ORG_KINDS:
        for head in org[table]["suffixes"]:
            kind.setdefault(head, k)
    return Orgs(
        kind=kind, rule={k: org[table]["name"] for k, table in _ORG_KINDS}, suffixes=tuple(sorted(kind)),
        heads=literals(list(kind)), max_len=org["max_len"], min_name=org["min_name"],
        bad_start=org["bad_start"], not_before=dict(org["not_before"]), follow_ok=org["follow_ok"],
        paren=re.compile(paren),
        name_tags=frozenset(org["name_tag_max_freq"]), name_tag_max_freq=dict(org["name_tag_max_freq"]),
        unknown_len=tuple(org["unknown_len"]), latin=_substring_regex(org["latin"]),
        ordinal_unit=_substring_regex(org["ordinal_unit"]), national=frozenset(org["national"]),
        regions=tuple(org["regions"]),
        local=org["local"], stop_words=frozenset(org["stop_words"]), stop_tags=frozenset(org["stop_tags"]),
        verb_tags=frozenset(org["verb_tags"]), clause_tags=frozenset(org["clause_tags"]),
        stop_chars=org["stop_chars"], not_in_unknown=org["stop_chars"] + org["not_in_unknown"],
        word_tags=frozenset(org["word_tags"]), generic_words=frozenset(org["generic_words"]),
        close=frozenset(weak["close"]), bodies=frozenset(weak["bodies"]),
        abbreviation_heads=frozenset(org["named"]["abbreviation_heads"]),
        abbreviation_tags=frozenset(org["named"]["abbreviation_tags"]),
        abbreviation_max_freq=org["named"]["abbreviation_max_freq"],
        numbered_heads=frozenset(weak["numbered_heads"]), numerals=weak["numerals"], numbered_len=weak["numbered_len"],
        numbered_tags=frozenset(weak["numbered_tags"]), numbered_max_freq=weak["numbered_max_freq"],
        max_middle=weak["max_middle"], near_extra=weak["near_extra"], single_min_middle=weak["single_min_middle"],
        single_word_freq=weak["single_word_freq"], brand_max_middle=brand["max_middle"],
        brand_max_name=brand["max_name"], brand_tags=frozenset(brand["name_tags"]), freq=tokenizer().FREQ,
        place_like=frozenset(like["suffixes"]), place_like_max=like["max_middle"], place_like_label=like["label"],
        rule_place_like=like["name"],
        outlet=tuple((re.compile(p["regex"], re.M), tuple(p["needs"])) for p in org["outlet"]["pattern"]),
        place_heads={h: ends for h in kind if (ends := tuple(x for x in place_heads if x.endswith(h)))},
        outlet_not=frozenset(org["outlet"]["not_names"]), rule_outlet=org["outlet"]["name"],
        alias_re=re.compile(org["alias"]["pattern"]), alias_needs=org["alias"]["needs"],
        ticker_re=re.compile(org["ticker"]["pattern"]),
        alias_legal=tuple(sorted(org["alias"]["legal"], key=len, reverse=True)),
        alias_prefix_min=org["alias"]["prefix_min"], rule_alias=org["alias"]["name"],
        rule_propagated=org["propagated"]["name"])


_ANCHORS = re.compile(r"[$^]|\(\?[=!<]|\\[bBAZ]")


def _substring_regex(pattern: str) -> re.Pattern[str]:
    """A pattern whose matches depend on the characters they span alone (no anchor, no lookaround), so a text with no
    match has none in any window of it either (``Ctx.has_latin``: the name-part scans skip such documents)."""
    if _ANCHORS.search(pattern):
        raise ValueError(f"a name-part pattern may hold no anchor or lookaround: {pattern}")
    return re.compile(pattern)


def _facility(cfg: dict) -> Facility:
    return Facility(scan=literals(cfg["heads"]), heads=tuple(cfg["heads"]),
                    max_middle=cfg["max_middle"],
                    middle_not_tags=frozenset(cfg["middle_not_tags"]),
                    name_tags=frozenset(cfg["name_tags"]), word_tags=frozenset(cfg["word_tags"]),
                    long_word_tags=frozenset(cfg["long_word_tags"]),
                    word_max_freq=cfg["word_max_freq"], rule=cfg["name"])


def _dict_places(cfg: dict, gaz: Gazetteer, heads: tuple[str, ...], generic: tuple[str, ...],
                 org_heads: frozenset[str]) -> DictPlaces:
    """jieba's words tagged as places, of the configured lengths, used rarely enough, not in the gazetteer, no
    organisation head (jieba tags 海关 ns), not a known place and a suffix or facility head (the rules of those
    decide: 北京西站) and holding no generic word (周边城市)."""
    freq = tokenizer().FREQ
    tags, lo, hi, top = frozenset(cfg["tags"]), cfg["min_len"], cfg["max_len"], cfg["max_freq"]
    generic_re = re.compile(alternation([g for g in generic if len(g) > 1] + cfg["generic"]))
    not_places = frozenset(cfg["not_places"])
    words = frozenset(w for w, t in gaz.tag.items()
                      if t in tags and lo <= len(w) <= hi and w not in gaz.label and w not in not_places
                      and w not in org_heads
                      and freq.get(w, 0) <= top and not generic_re.search(w)
                      and not (w.endswith(heads) and _opens_with_place(w, gaz)))
    return DictPlaces(words=words, pairs=pair_bits(sorted(words)), shape=cfg["shape"], after=tuple(cfg["after"]),
                      before=tuple(cfg["before"]), separators=tuple(cfg["list"]), rule=cfg["name"])


def _opens_with_place(word: str, gaz: Gazetteer) -> bool:
    """True when a known place opens ``word`` (北京西站: the station rules decide)."""
    return any(gaz.label.get(word[:k]) == "LOC" for k in range(2, len(word)))


def _places(cfg: dict, gaz: Gazetteer, heads: list[str]) -> Places:
    loc = cfg["loc"]
    suffix, named, unknown, after = (loc[k] for k in ("suffix", "place_and_name", "unknown_name", "after_place"))
    admin = loc["admin"]
    broad = frozenset(n.split()[0] for f in suffix["broad_files"] for n in load_list(f"entities/gazetteers/{f}"))
    return Places(
        strong=frozenset(loc["strong"]), regex=re.compile(trie_pattern(loc["strong"] + loc["weak"])),
        org_heads=tuple(loc["org_heads"]), not_before=tuple(loc["not_before"]),
        admin_names=(names := _admin_names(admin["files"], tuple(admin["suffixes"]))),
        admin_lengths=_lengths_by_tail(names),
        admin_regex=re.compile(trie_pattern(admin["suffixes"])), admin_max=admin["max_len"], rule_admin=admin["name"],
        facility=_facility(loc["facility"]), rule_propagated=loc["propagated"]["name"],
        dictionary=_dict_places(loc["dictionary"], gaz, tuple(loc["facility"]["heads"] + loc["strong"] + loc["weak"]),
                                tuple(unknown["generic"]), frozenset(heads)),
        window=loc["window"], max_middle=loc["max_middle"], follow_ok=re.compile(loc["follow_ok"]),
        tight=frozenset(suffix["tight"]), tight_middle=tuple(suffix["tight_middle"]), broad=broad,
        broad_ok=frozenset(suffix["broad_ok"]), named=frozenset(named["suffixes"]),
        name_len=(unknown["min_len"], unknown["max_len"]), bad_start=unknown["bad_start"],
        descriptors=frozenset(unknown["descriptors"]), generic=frozenset(unknown["generic"]),
        generic_multi=tuple(sorted({g for g in unknown["generic"] if len(g) > 1})), station=after["station"],
        station_middle=after["station_middle"], area_words=frozenset(after["area_words"]),
        rule_suffix=suffix["name"], rule_named=named["name"],
        rule_unknown=unknown["name"], rule_after=after["name"])


def _lengths_by_tail(names: frozenset[str]) -> dict[str, tuple[int, ...]]:
    """Per last two characters of ``names``: the lengths of the names ending so, longest first."""
    lengths: dict[str, set[int]] = {}
    for n in names:
        lengths.setdefault(n[-2:], set()).add(len(n))
    return {tail: tuple(sorted(ks, reverse=True)) for tail, ks in lengths.items()}


def _admin_names(files: list[str], suffixes: tuple[str, ...]) -> frozenset[str]:
    """The full names (``name`` or ``name<TAB>name``: not a short form) ending with an administrative suffix."""
    out = set()
    for f in files:
        for line in load_list(f"entities/gazetteers/{f}"):
            cols = line.split("\t")
            if (len(cols) == 1 or cols[1].strip() == cols[0]) and cols[0].endswith(suffixes):
                out.add(cols[0])
    return frozenset(out)


def _template(pattern: str, **parts: str) -> str:
    """``pattern`` with each ``{key}`` of ``parts`` replaced (regex quantifiers such as ``{2,4}`` stay)."""
    return re.sub(r"\{(\w+)\}", lambda m: parts.get(m.group(1), m.group(0)), pattern)


def _byline_pairs(pattern: str, roles: list[str]) -> np.ndarray | None:
    """``pair_bits`` of the byline roles when the byline pattern opens with them (so the pattern is tried only where
    a role's first two characters stand, not at each of their frequent first characters: 记, 本, 编 ...); None when
    it opens otherwise or a role is one character long."""
    if not pattern.startswith("({roles})") or any(len(w) < 2 for w in roles):
        return None
    return pair_bits(roles)


def _persons(cfg: dict, chars: Chars) -> Persons:
    per = cfg["person"]
    title, names, dot, byline = per["title"], per["names"], per["dot"], per["byline"]
    speaker, anon, lst, dic = per["speaker"], per["anonymised"], per["list"], per["dictionary"]
    han, k = chars.han, dot["part_max"]
    part = f"[{han}]{{1,{k}}}"
    single, ambiguous, compound = load_surnames(names["surnames_file"])
    return Persons(
        titles=frozenset(title["titles"]), title_re=re.compile(trie_pattern(title["titles"])),
        title_pairs=pair_bits(title["titles"]), chain=title["chain"], chain_window=title["chain_window"],
        org_gap=title["org_gap"], max_len=title["max_len"], max_len_surname=title["max_len_surname"],
        surname_word_lengths=tuple(title["surname_word_lengths"]), first_not_tags=frozenset(title["first_not_tags"]),
        name_len=(names["min_len"], names["max_len"]),
        triggers=tuple(sorted(names["triggers"], key=len, reverse=True)), not_in_name=frozenset(names["not_in_name"]),
        surnames=single, ambiguous=ambiguous, compound=compound, compound_len=_one_length(sorted(compound)),
        speaker_verbs=tuple(sorted(speaker["verbs"], key=len, reverse=True)), speaker_before=speaker["before"],
        given_max=speaker["given_max"], speaker_not_tags=frozenset(speaker["not_tags"]),
        speaker_scan=literals(speaker["verbs"]),
        addressee_re=re.compile(f"(?:{speaker['addressee']})$"), addressee_last=tuple(speaker["addressee_last"]),
        addressee_max=speaker["addressee_max"], glued_not_tags=frozenset(speaker["glued_not_tags"]),
        anon_re=re.compile(f"[{''.join(sorted(single))}]{re.escape(anon['mark'])}{{1,2}}"),
        surname_table=_char_table(single), anon_mark=anon["mark"],
        list_separators=tuple(sorted(lst["separators"], key=len, reverse=True)), dict_tags=frozenset(dic["tags"]),
        dict_len=dic["length"], dict_max_freq=dic["max_freq"], given_common_freq=dic["given_common_freq"],
        given_not=names["given_not"], after_tags=frozenset(names["after_tags"]),
        dot=dot["dot"], dot_re=re.compile(f"{part}{re.escape(dot['dot'])}{part}(?:{re.escape(dot['dot'])}{part})?"),
        dot_part_max=k, dot_title_window=dot["title_window"], dot_not_last=tuple(dot["not_last"]),
        byline_re=re.compile(_template(byline["pattern"], roles=alternation(byline["roles"]), han=han)),
        byline_names=re.compile(f"[^{re.escape(byline['separators'])}]+"), roles=frozenset(byline["roles"]),
        byline_pairs=_byline_pairs(byline["pattern"], byline["roles"]),
        rule_title=title["name"], rule_title_word=cfg["title"]["name"], rule_dot=dot["name"],
        rule_byline=byline["name"], rule_propagated=per["propagated"]["name"], rule_speaker=speaker["name"],
        rule_anonymised=anon["name"], rule_list=lst["name"], rule_dictionary=dic["name"],
        subject=_subject(per["subject"], single - ambiguous))


def _subject(sub: dict, surnames: frozenset[str]) -> Subject:
    translit = frozenset(sub["translit"]) - frozenset(" \n")
    return Subject(next_tags=frozenset(sub["next_tags"]), next_not=frozenset(sub["next_not"]),
                   max_len=sub["max_len"], native_len=sub["native_len"],
                   native_not_second=frozenset(sub["native_not_second"]),
                   translit_max_freq=sub["translit_max_freq"], translit=translit,
                   first_table=_char_table(translit | surnames), rule=sub["name"])


def _char_table(chars: frozenset[str]) -> np.ndarray:
    """A bool per code point: True for the characters of ``chars`` (one look-up classifies a text at once)."""
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


def _one_length(words: list[str]) -> int:
    """The length all ``words`` share (a look-up then slices that many characters)."""
    lengths = {len(w) for w in words}
    if len(lengths) != 1:
        raise ValueError(f"rules/entities/persons.toml: words of one length expected, got lengths {sorted(lengths)}")
    return lengths.pop()


def _works(cfg: dict) -> Works:
    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab)  # never spaCy's own segmenter: patterns cut like documents
    matcher = Matcher(nlp.vocab)
    for pat in cfg["work"]:
        matcher.add(pat["name"], [pat["pattern"]])
    ev = cfg["event"]
    prefixes = tuple((re.compile(p["pattern"]), p["name"]) for p in ev["prefix"])
    # every prefix opens with a literal (19|20 spelt out), so the engine skips to where one may start (a leading
    # character class would be tried at every position)
    event = rf"(?:{'|'.join(p['pattern'] for p in ev['prefix'])})[^{ev['body_not']}]{{0,{ev['max_len']}}}?" \
            rf"(?:{alternation(ev['suffixes'])})"
    return Works(nlp=nlp, matcher=matcher, labels={p["name"]: p["label"] for p in cfg["work"]},
                 brackets=brackets(cfg["work"]), event_re=re.compile(event), event_prefixes=prefixes,
                 event_fixed=re.compile(alternation(ev["fixed"]["names"])), event_names=tuple(ev["fixed"]["names"]),
                 rule_fixed=ev["fixed"]["name"],
                 currency_label=cfg["currency"]["label"], rule_currency=cfg["currency"]["name"])


def brackets(patterns: list[dict]) -> dict[str, frozenset[str]] | None:
    """Opening word and stop words of Matcher patterns shaped ``[{ORTH: open}, {ORTH: {NOT_IN: stops}, OP: +},
    {ORTH: close}]`` with the close word a stop: a match from an opening word ends at the first stop word after
    it, so the Matcher only needs to see that stretch.  None when a pattern has another shape (then the Matcher
    sees the whole document)."""
    out: dict[str, frozenset[str]] = {}
    for pat in patterns:
        toks = pat["pattern"]
        if not _bracket_shaped(toks):
            return None
        stops = frozenset(toks[1]["ORTH"]["NOT_IN"])
        opening = toks[0]["ORTH"]
        out[opening] = out[opening] & stops if opening in out else stops  # a stretch ends where every pattern stops
    return out


def _bracket_shaped(toks: list[dict]) -> bool:
    """True for ``[{ORTH: open}, {ORTH: {NOT_IN: stops}, OP: +}, {ORTH: close}]`` with ``close`` in ``stops``."""
    shape = [sorted(t) for t in toks]
    return len(toks) == 3 and shape == [["ORTH"], ["OP", "ORTH"], ["ORTH"]] and toks[1]["OP"] == "+" \
        and isinstance(toks[0]["ORTH"], str) and isinstance(toks[2]["ORTH"], str) \
        and isinstance(toks[1]["ORTH"], dict) and list(toks[1]["ORTH"]) == ["NOT_IN"] \
        and toks[2]["ORTH"] in toks[1]["ORTH"]["NOT_IN"]

