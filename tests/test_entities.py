"""Tests of extract/entities/: invariants, rule names, and the fast paths held to the plain computations.

What each rule finds is in the whole-answer corpus, ``rules/entities/corpus_*.toml`` (run by
tests/test_corpora.py); these tests check what holds for every text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import entities, pipeline
from extract.entities import gazetteer, lexicon
from extract.entities.context import Ctx
from extract.entities.words import JiebaTokenizer, Pairs, boundaries, codes, spans_boundaries, word_spans
from extract.entities.works import spacy_doc, work_matches
from extract.model import Doc, Entity, content_id
from extract.offsets import MappedText
from extract.segment import segment

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CRAFTED = ("喀什海关物流监管处副处长张力介绍，《政府工作报告》提出，新疆自贸试验区霍尔果斯片区、阿拉山口综合保税区"
           "和霍尔果斯口岸①号站台2023年11月1日新疆维吾尔自治区人民政府在乌鲁木齐（新疆）国际陆港区《未闭合的标题。")


def _prepared(text: str) -> Doc:
    doc = Doc(source="t", raw=text, mapped=MappedText.identity(text))
    doc.doc_id = "t"
    return segment(doc)


def ents(text: str) -> list[Entity]:
    return entities.extract(_prepared(text))


def _texts() -> list[str]:
    return [CRAFTED] + [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[1:3]]


# ---------------------------------------------------------------- invariants

def test_spans_offsets_and_no_overlap() -> None:
    text = ("喀什海关物流监管处副处长张力介绍，阿拉山口海关监管一科科长马鹏飞说：“阿拉山口公路口岸的进口通关环节由9项"
            "压缩为4项。”\n本报记者 耿丹丹 乔文汇\n")
    es = ents(text)
    assert es == sorted(es, key=lambda e: (e.start, e.end, e.label))
    for e in es:
        assert text[e.start:e.end] == e.text
        assert (e.raw_start, e.raw_end) == (e.start, e.end)
    flat = [e for e in es if e.label != "TITLE"]
    for a, b in zip(flat, flat[1:], strict=False):
        assert a.end <= b.start
    assert ents(text) == es  # deterministic


def test_every_record_names_its_rule_and_keeps_its_source() -> None:
    """Every record carries a rule of the lexicon, and the ``source`` that rule gives (as before the rules had
    names: gazetteer, suffix, pattern, title, byline, propagated, units)."""
    r = entities.rules()
    seen = set()
    for text in [CRAFTED, *(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))]:
        doc = Doc(source="t", raw=text)
        doc.doc_id = content_id(text)
        for e in pipeline.run(doc, pipeline.Options(ref_date="2024-03-01"), pipeline.stages(stop="entities")).entities:
            assert e.rule in r.source, e
            assert e.source == r.source[e.rule], e
            seen.add(e.rule)
    assert {"gazetteer.loc", "org.suffix", "org.anchored", "loc.suffix", "person.title", "title.job"} <= seen


def test_rule_sources_are_the_old_source_values() -> None:
    r = entities.rules()
    assert set(r.source.values()) == {"gazetteer", "suffix", "pattern", "title", "byline", "propagated", "units"}
    assert {r.tier[n] for n in ("person.title", "title.job", "person.byline", "person.dot", "work.brackets")} == {0}
    assert r.tier["person.propagated"] == 2 and r.tier["org.suffix"] == 1


MENTIONS = ("青禾农业科技股份有限公司（以下简称“青禾农业”）发布公告。青禾农业表示，桑植县和桑植的茶叶远销海外，"
            "董事长王建华说，王建华在湖南省和湖南都有工厂。")


@pytest.mark.parametrize("text", [MENTIONS, CRAFTED, *(p.read_text(encoding="utf-8")
                                                      for p in sorted(CORPUS.glob("*.txt")))])
def test_mentions_of_one_thing_share_one_entity_id(text: str) -> None:
    """entity_id and (label, canonical) name the same groups of mentions; ids are numbered in text order."""
    doc = Doc(source="t", raw=text)
    doc.doc_id = content_id(text)
    found = pipeline.run(doc, pipeline.Options(ref_date="2024-03-01"), pipeline.stages(stop="entities")).entities
    by_key: dict[tuple[str, str], set[str]] = {}
    by_id: dict[str, set[tuple[str, str]]] = {}
    for e in found:
        assert e.canonical and e.entity_id and e.entity_id.startswith(f"{doc.doc_id}:n"), e
        by_key.setdefault((e.label, e.canonical), set()).add(e.entity_id)
        by_id.setdefault(e.entity_id, set()).add((e.label, e.canonical))
    assert all(len(v) == 1 for v in by_key.values()) and all(len(v) == 1 for v in by_id.values())
    firsts = list(dict.fromkeys(e.entity_id for e in found))
    assert firsts == [f"{doc.doc_id}:n{k}" for k in range(len(firsts))]


def test_aliases_and_short_forms_point_at_the_full_name() -> None:
    found = {(e.text, e.start): e for e in ents(MENTIONS)}
    full = found[("青禾农业科技股份有限公司", 0)]
    assert found[("青禾农业", 18)].entity_id == found[("青禾农业", 29)].entity_id == full.entity_id
    assert found[("青禾农业", 29)].canonical == "青禾农业科技股份有限公司"
    short, county = found[("桑植", 40)], found[("桑植县", 36)]
    assert short.canonical == "桑植县" and short.entity_id == county.entity_id
    short, province = found[("湖南", 66)], found[("湖南省", 62)]
    assert short.canonical == "湖南省" and short.entity_id == province.entity_id
    assert found[("王建华", 53)].entity_id == found[("王建华", 58)].entity_id != full.entity_id


def test_generated_gazetteers_record_their_source_and_licence() -> None:
    """Every generated data file says where its names come from and under which licence."""
    root = Path(lexicon.__file__).resolve().parents[2] / "rules" / "entities"
    for path in (root / "gazetteers" / "loc_cn_admin.txt", root / "gazetteers" / "loc_world.txt",
                 root / "gazetteers" / "suffixed" / "loc_cn_towns.txt", root / "surnames.txt"):
        head = [ln for ln in path.read_text(encoding="utf-8").splitlines()[:5] if ln.startswith("#")]
        assert any("Source" in ln for ln in head) and any("License" in ln for ln in head), path
        assert any("tools/gen_gazetteers.py" in ln for ln in head), path


def test_generated_gazetteers_are_no_jieba_user_words() -> None:
    """The large generated lists match as whole words but do not change segmentation (lexicon.py skips them)."""
    from extract.lexicon import tokenizer

    skip = set(lexicon.load_toml("entities/gazetteers")["jieba_words"]["skip_files"])
    assert {"loc_cn_admin.txt", "loc_world.txt"} <= skip
    r = entities.rules()
    hand = {n for n, rule in r.gaz.rule.items() if rule == "gazetteer.loc"}
    admin = [ln.split("\t")[0] for ln in lexicon.load_list("entities/gazetteers/loc_cn_admin.txt")]
    jieba_dict = gazetteer.jieba_tags()
    folder = Path(lexicon.__file__).resolve().parents[2] / "rules" / "entities" / "gazetteers"
    others = {ln.split("\t")[0].split()[0] for p in folder.glob("*.txt") if p.name not in skip
              for ln in lexicon.load_list(f"entities/gazetteers/{p.name}")}
    unknown = [n for n in admin if n not in jieba_dict and n not in others and len(n) > 2][:50]
    assert unknown and all(n in hand for n in unknown)
    assert not any(tokenizer().FREQ.get(n) for n in unknown)


def test_corrupt_spans_are_skipped() -> None:
    text = "乌鲁木齐海关副关长李开益说，"
    doc = Doc(source="t", raw=text, mapped=MappedText.identity(text))
    doc.doc_id = "t"
    doc.corrupt = [(0, 6)]
    segment(doc)
    assert all(e.end <= 0 or e.start >= 6 for e in entities.extract(doc))


def test_spacy_doc_covers_text() -> None:
    text = "第一段\n\n第二段 喀什"
    doc = Doc(source="t", raw=text, mapped=MappedText.identity(text))
    segment(doc)
    sp = spacy_doc(doc)
    assert sp.text == text
    assert [t.idx for t in sp] == sorted(t.idx for t in sp)


def test_empty() -> None:
    assert ents("") == []


# ---------------------------------------------------------------- speed paths give the plain answers
# find() shows spaCy only the stretches of words where a match can start, builds barriers with array
# operations and tiles words with C-level comparisons.  These tests hold each fast path to the plain
# computation it replaces (the whole document through an EntityRuler and the Matcher, a loop per character).


def _gaz_and_works(doc: Doc, spans: list[tuple[int, int]]) -> tuple[list, list]:
    """Gazetteer names and token-pattern matches of a document cut into ``spans``."""
    r, text = entities.rules(), doc.text
    bnd = spans_boundaries(spans, len(text))
    return gazetteer.matches(r.gaz, text, bnd, Pairs(codes(text))), work_matches(r, doc, bnd)


@pytest.fixture(scope="module")
def whole_doc_ruler():
    """An EntityRuler over every gazetteer name, run on the whole document (the plain mechanism)."""
    import spacy

    r = entities.rules()
    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab)
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns([{"label": label, "pattern": name, "id": name} for name, label in sorted(r.gaz.label.items())])
    return ruler


@pytest.mark.parametrize("k", range(3))
def test_region_matching_equals_whole_document_matching(whole_doc_ruler, k: int) -> None:
    doc = _prepared(_texts()[k])
    spans = word_spans(doc)
    gaz, works = _gaz_and_works(doc, spans)
    sp = spacy_doc(doc, spans)
    plain = [(sp[e.start].idx, sp[e.end - 1].idx + len(sp[e.end - 1].text), e.label_) for e in whole_doc_ruler(sp).ents]
    assert [(c.start, c.end, c.label) for c in gaz] == plain
    work = entities.rules().work
    plain_works = sorted((sp[i].idx, sp[j - 1].idx + len(sp[j - 1].text), work.labels[work.nlp.vocab.strings[m]])
                         for m, i, j in work.matcher(sp))
    assert sorted((c.start, c.end, c.label) for c in works) == plain_works
    if k == 0:
        assert ("《政府工作报告》", "WORK") in [(doc.text[c.start:c.end], c.label) for c in works]


def test_other_matcher_patterns_run_on_the_whole_document(monkeypatch) -> None:
    want = [(e.text, e.label, e.rule) for e in ents(CRAFTED)]
    monkeypatch.setattr(entities.rules().work, "brackets", None)  # a pattern shape the stretch logic does not know
    assert [(e.text, e.label, e.rule) for e in ents(CRAFTED)] == want


def test_bracket_shapes() -> None:
    pat = [{"ORTH": "《"}, {"ORTH": {"NOT_IN": ["《", "》", "\n"]}, "OP": "+"}, {"ORTH": "》"}]
    assert lexicon.brackets([{"label": "WORK", "pattern": pat}]) == {"《": frozenset({"《", "》", "\n"})}
    assert lexicon.brackets([{"label": "X", "pattern": [{"LOWER": "a"}]}]) is None
    loose = [{"ORTH": "《"}, {"ORTH": {"NOT_IN": ["\n"]}, "OP": "+"}, {"ORTH": "》"}]  # 》 not a stop: unknown
    assert lexicon.brackets([{"label": "WORK", "pattern": loose}]) is None


def _plain_word_spans(doc: Doc) -> list[tuple[int, int]]:
    out, pos = [], 0
    for s, e in doc.tokens:
        if s > pos:
            out.append((pos, s))
        if e > s:
            out.append((s, e))
        pos = max(pos, e)
    if pos < len(doc.text):
        out.append((pos, len(doc.text)))
    return out


@pytest.mark.parametrize("tokens", [
    [(2, 4), (4, 5), (7, 9)],  # gaps before, between and after
    [(0, 3), (3, 10)],  # tiles exactly
    [(0, 3), (2, 5), (5, 5), (6, 8)],  # overlapping and empty: the general loop
    [(1, 2)],
])
def test_word_spans_fast_path(tokens: list[tuple[int, int]]) -> None:
    doc = Doc(source="t", raw="一二三四五六七八九十", mapped=MappedText.identity("一二三四五六七八九十"))
    doc.tokens = tokens
    assert word_spans(doc) == _plain_word_spans(doc)


@pytest.mark.parametrize("text", ["  一带一路沿线\n\n \n喀什口岸。\n  ", "阿拉山口口岸", "\n\n", ""])
def test_boundaries_from_the_word_cut_equal_those_from_the_tokens(text: str) -> None:
    doc = _prepared(text)
    assert doc.word_cut is not None and doc.word_cut.tokens is doc.tokens
    from_cut = boundaries(doc)
    doc.word_cut = None  # the tokens' own pairs
    assert from_cut == boundaries(doc) == spans_boundaries(word_spans(doc), len(text))


def test_boundaries_from_the_word_cut_of_every_seed() -> None:
    for text in _texts():
        doc = _prepared(text)
        from_cut = boundaries(doc)
        doc.tokens = list(doc.tokens)  # another list than the cut's: the cut is stale and not read
        assert boundaries(doc) == from_cut


def _plain_barriers(ctx: Ctx, spans: list[tuple[int, int]]) -> bytearray:
    """The per-character barrier loop the array version replaces."""
    text, r = ctx.text, ctx.r
    chars = r.chars
    n = len(text)
    bar = bytearray(n + 1)
    bar[0] = 1
    inside = bytearray(n + 1)
    for c in ctx.gaz:
        for k in range(c.start + 1, c.end):
            inside[k] = 1
    paren_ok = set()
    for c in ctx.gaz:
        if c.label == "LOC" and c.start > 0 and c.end < n and text[c.start - 1] in chars.open_brackets \
                and text[c.end] in chars.close_brackets:
            paren_ok.update((c.start - 1, c.end))
    for m in r.org.paren.finditer(text):
        paren_ok.update((m.start(), m.end() - 1))
    for i, ch in enumerate(text):
        if (ch in chars.punct or ch.isdigit()) and i not in paren_ok and not inside[i]:
            bar[i] = bar[i + 1] = 1
        elif ch in "年月日号" and i and text[i - 1].isdigit():
            bar[i + 1] = 1
    for m in chars.bound_multi.finditer(text):
        if not inside[m.start()] and not inside[m.end()]:
            bar[m.end()] = 1
    gaz_ends = {c.end for c in ctx.gaz} - {c.start for c in ctx.gaz if c.end - c.start > 1}
    words = set(spans)
    for i, ch in enumerate(text):
        if ch in chars.bound_single and not inside[i] and ((i, i + 1) in words
                                                             or (i in gaz_ends and ch in chars.after_name)):
            bar[i] = bar[i + 1] = 1
    return bar


@pytest.mark.parametrize("text", [CRAFTED, "²号楼的⑤号口岸在𝟙年，一带一路沿线的阿拉山口口岸", "", "喀什"])
def test_barriers_equal_the_character_loop(text: str) -> None:
    doc = _prepared(text)
    spans = word_spans(doc)
    gaz, _ = _gaz_and_works(doc, spans)
    bnd = spans_boundaries(spans, len(text))
    points = codes(text)
    ctx = Ctx(entities.rules(), text, gaz, bnd, points, Pairs(points))
    assert ctx.barrier == _plain_barriers(ctx, spans)


def test_byline_pairs_only_when_the_pattern_opens_with_the_roles() -> None:
    # the pair filter is a superset of a byline's start only when the role opens it and every role has two characters
    assert lexicon._byline_pairs("({roles})[ ：]*", ["记者", "编辑"]) is not None
    assert lexicon._byline_pairs("[ ]*({roles})", ["记者"]) is None
    assert lexicon._byline_pairs("({roles})", ["记者", "摄"]) is None


def test_bylines_and_company_brackets_as_full_scans_find_them() -> None:
    r = entities.rules()
    text = "本报记者 耿丹丹 乔文汇\n上海国际港务（集团）股份有限公司和（甲）有限公司。（责任编辑：王薇薇）"
    doc = _prepared(text)
    found = {(e.text, e.rule) for e in entities.extract(doc)}
    assert ("耿丹丹", r.per.rule_byline) in found and ("王薇薇", r.per.rule_byline) in found
    assert any(t == "上海国际港务（集团）股份有限公司" for t, _ in found)
