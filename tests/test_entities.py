"""Tests of extract/entities.py: every rule family of the issue, the rule file's examples, invariants."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import entities
from extract.model import Doc, Entity
from extract.offsets import MappedText
from extract.rules import load_toml
from extract.segment import segment


def ents(text: str) -> list[Entity]:
    doc = Doc(source="test", raw=text, mapped=MappedText.identity(text))
    doc.doc_id = "t"
    segment(doc)
    return entities.extract(doc)


def find(es: list[Entity], text: str, label: str | None = None) -> Entity:
    hits = [e for e in es if e.text == text and (label is None or e.label == label)]
    assert hits, f"{text!r}/{label} not in {[(e.text, e.label) for e in es]}"
    return hits[0]


def absent(es: list[Entity], text: str) -> None:
    assert all(e.text != text for e in es), f"{text!r} should not be an entity"


# ---------------------------------------------------------------- the rule file's own examples

def _examples() -> list[tuple[str, dict]]:
    out = []
    for section in load_toml("entities/entities").values():
        if isinstance(section, dict):
            for ex in section.get("examples", []):
                for want in ex["entities"]:
                    out.append((ex["text"], want))
    return out


@pytest.mark.parametrize(("text", "want"), _examples(), ids=lambda v: v if isinstance(v, str) else v["text"])
def test_rule_examples(text: str, want: dict) -> None:
    e = find(ents(text), want["text"], want["label"])
    for k in ("title", "org"):
        if k in want:
            assert getattr(e, k) == want[k]


# ---------------------------------------------------------------- LOC

@pytest.mark.parametrize(("text", "loc"), [
    ("哈萨克斯坦总统表示", "哈萨克斯坦"),
    ("货物从乌鲁木齐发往阿拉木图。", "阿拉木图"),
    ("货物从乌鲁木齐发往阿拉木图。", "乌鲁木齐"),
    ("红其拉甫口岸常年开放", "红其拉甫口岸"),
    ("车辆在霍尔果斯综合保税区排队", "霍尔果斯综合保税区"),
    ("喀什综保区的货物", "喀什综保区"),
    ("新疆自贸试验区霍尔果斯片区出台了措施", "新疆自贸试验区霍尔果斯片区"),
    ("全货机从乌鲁木齐地窝堡国际机场出发", "乌鲁木齐地窝堡国际机场"),
    ("兰新铁路精河至阿拉山口段", "兰新铁路"),
    ("塔城—阿亚古兹铁路前期工作", "塔城—阿亚古兹铁路"),
    ("在阿拉山口站停时缩短", "阿拉山口站"),
    ("走向中亚、欧洲市场", "中亚"),
    ("经吉木乃口岸出境", "吉木乃口岸"),
    ("在昌吉国家农业高新技术产业示范区开幕", "昌吉国家农业高新技术产业示范区"),
    ("在昌吉国家农业高新技术产业示范区新疆农业博览园开幕", "新疆农业博览园"),
    ("中国（新疆）自由贸易试验区喀什片区挂牌后", "中国（新疆）自由贸易试验区喀什片区"),
    ("喀什口岸经济发展突飞猛进", "喀什口岸"),
])
def test_loc(text: str, loc: str) -> None:
    assert find(ents(text), loc).label == "LOC"


def test_unknown_port_by_suffix() -> None:
    """A port not in the gazetteer is found from 口岸 after a rare, boundary-delimited name."""
    es = ents("积极推动卡拉麦里口岸临时开放")
    e = find(es, "卡拉麦里口岸")
    assert e.label == "LOC" and e.source == "suffix"


@pytest.mark.parametrize("text", ["新疆积极推进口岸建设", "不断提升口岸通关效率", "畅通口岸物流", "各公路口岸",
                                  "新疆口岸贸易发展", "经济向口岸经济转型", "紧盯补齐口岸基础设施短板"])
def test_generic_port_phrases_are_not_places(text: str) -> None:
    es = ents(text)
    assert not [e for e in es if e.text.endswith("口岸")], [(e.text, e.label) for e in es]


# ---------------------------------------------------------------- ORG

@pytest.mark.parametrize(("text", "org"), [
    ("喀什海关物流监管处副处长张力介绍", "喀什海关物流监管处"),
    ("据乌鲁木齐海关统计，", "乌鲁木齐海关"),
    ("海关总署表示，", "海关总署"),
    ("国务院批复设立", "国务院"),
    ("新疆锡伯图商贸有限公司厂房内", "新疆锡伯图商贸有限公司"),
    ("南方航空物流股份有限公司新疆分公司总经理王旭说", "南方航空物流股份有限公司新疆分公司"),
    ("位于喀什综合保税区内中顺电子商务（新疆）有限公司总经理张琪告诉记者", "中顺电子商务（新疆）有限公司"),
    ("塔城市源盛和种养殖专业合作社负责人张小平", "塔城市源盛和种养殖专业合作社"),
    ("阿拉山口市委书记左肉拉提说", "阿拉山口市委"),
    ("塔城地区口岸委党组成员、副主任贾兴玲表示", "塔城地区口岸委"),
    ("喀什综保区管委会主任郭树松认为", "喀什综保区管委会"),
    ("新疆维吾尔自治区人民政府出台", "新疆维吾尔自治区人民政府"),
    ("这架全货机由山东航空执飞", "山东航空"),
    ("新疆商贸物流集团打造的品牌", "新疆商贸物流集团"),
    ("塔城海关查检三科科长魏杰介绍说", "塔城海关查检三科"),
    ("中国新疆友好交流访问团出访哈萨克斯坦", "中国新疆友好交流访问团"),
    ("西北大学经济管理学院教授李平认为", "西北大学经济管理学院"),
    ("乌鲁木齐铁路口岸快件中心投入使用", "乌鲁木齐铁路口岸快件中心"),
    ("口岸城市纳入海关总署牵头的行动", "海关总署"),
])
def test_org(text: str, org: str) -> None:
    assert find(ents(text), org).label == "ORG"


def test_nested_org_kept_whole() -> None:
    es = ents("中国铁路乌鲁木齐局集团有限公司阿拉山口站运转车间主任闫华鹏说。")
    find(es, "中国铁路乌鲁木齐局集团有限公司阿拉山口站运转车间", "ORG")
    absent(es, "阿拉山口站")


@pytest.mark.parametrize("text", ["新疆物流整体布局进一步优化", "该公司行政总监雷兵桥说", "第一家境外银行",
                                  "包括中欧班列（乌鲁木齐）集结中心",
                                  "指导西部地区海关充分发挥作用", "海关、边检、铁路等部门"])
def test_not_orgs(text: str) -> None:
    es = ents(text)
    assert not [e for e in es if e.label == "ORG"], [(e.text, e.label) for e in es]


# ---------------------------------------------------------------- PERSON

@pytest.mark.parametrize(("text", "name", "title", "org"), [
    ("喀什海关物流监管处副处长张力介绍，", "张力", "副处长", "喀什海关物流监管处"),
    ("乌鲁木齐海关副关长李开益说，", "李开益", "副关长", "乌鲁木齐海关"),
    ("阿拉山口市委书记左肉拉提说，", "左肉拉提", "书记", "阿拉山口市委"),
    ("中铁一院集团新疆铁道勘察设计院有限公司精阿项目设计总工程师马得祥说。", "马得祥", "精阿项目设计总工程师",
     "中铁一院集团新疆铁道勘察设计院有限公司"),
    ("美林购运营企业新疆合创美新科技发展有限公司董事长再杜拉·图尔松看好新疆", "再杜拉·图尔松", "董事长",
     "新疆合创美新科技发展有限公司"),
    ("塔城市源盛和种养殖专业合作社负责人张小平组织合作社社员", "张小平", "负责人", "塔城市源盛和种养殖专业合作社"),
    ("都拉塔口岸党委委员、管委会副主任关翠英说，", "关翠英", "党委委员、管委会副主任", "都拉塔口岸"),
    ("巴基斯坦总理卡卡尔到访新疆时表示", "卡卡尔", "总理", "巴基斯坦"),
    # city and company officials
    ("成都市委常委、副市长刘筱柳在会上指出，", "刘筱柳", "常委、副市长", "成都市委"),
    ("成都市锦江区区长王钢主持会议。", "王钢", "区长", "锦江区"),
    ("中国银行行长刘金说，", "刘金", "行长", "中国银行"),
    ("商务部新闻发言人束珏婷在例行新闻发布会上表示，", "束珏婷", "新闻发言人", "商务部"),
])
def test_person_with_title_and_org(text: str, name: str, title: str, org: str) -> None:
    e = find(ents(text), name, "PERSON")
    assert (e.title, e.org) == (title, org)


def test_title_is_its_own_entity() -> None:
    es = ents("喀什海关物流监管处副处长张力介绍，")
    assert find(es, "副处长").label == "TITLE"


def test_demonstrative_org_is_not_kept() -> None:
    e = find(ents("该公司行政总监雷兵桥说，"), "雷兵桥", "PERSON")
    assert e.title == "行政总监" and e.org is None


@pytest.mark.parametrize(("text", "names"), [
    ("本报记者 耿丹丹 乔文汇 马呈忠\n今年的报告提出", ["耿丹丹", "乔文汇", "马呈忠"]),
    ("一架客机起飞。记者 蔡增乐 摄\n", ["蔡增乐"]),
    ("本版编辑 王薇薇 美编 吴迪\n", ["王薇薇", "吴迪"]),
    ("发布时间:2023-10-24 来源:石榴云 作者:陈蔷薇\n", ["陈蔷薇"]),
])
def test_bylines(text: str, names: list[str]) -> None:
    es = ents(text)
    got = [e.text for e in es if e.label == "PERSON"]
    assert got == names
    absent(es, "美编")


@pytest.mark.parametrize("text", ["记者通过调研了解到，高效通关模式", "张琪告诉记者，新疆自贸试验区",
                                  "边民互市新篇章。", "各副主任单位，", "总经理办公会议", "书记处的工作", "市长热线。"])
def test_no_false_persons(text: str) -> None:
    es = ents(text)
    assert not [e for e in es if e.label == "PERSON" and e.source != "propagated" and e.text not in ("张琪",)]


def test_dot_names() -> None:
    es = ents("市民阿依古丽·依明边选购化妆品边对记者说。")
    find(es, "阿依古丽·依明", "PERSON")
    es = ents("人民论坛网·国家治理网")
    assert not [e for e in es if e.label == "PERSON"]


def test_later_mentions_are_tagged() -> None:
    es = ents("自治区商务厅党组书记、副厅长李轩说。李轩表示，新疆充分发挥全区口岸优势。")
    assert [e.start for e in es if e.text == "李轩" and e.label == "PERSON"] == [14, 18]


def test_transliterated_leader_from_gazetteer() -> None:
    es = ents("托卡耶夫表示，哈萨克斯坦愿持续深化合作。")
    find(es, "托卡耶夫", "PERSON")


# ---------------------------------------------------------------- WORK, EVENT, PRODUCT

def test_work_event_product() -> None:
    es = ents("今年的《政府工作报告》提出，在第三届“一带一路”国际合作高峰论坛上，葵花籽和摩托车出口。")
    find(es, "《政府工作报告》", "WORK")
    find(es, "第三届“一带一路”国际合作高峰论坛", "EVENT")
    find(es, "葵花籽", "PRODUCT")
    find(es, "摩托车", "PRODUCT")


def test_fixed_event_names() -> None:
    find(ents("中国—亚欧博览会等重大合作平台"), "中国—亚欧博览会", "EVENT")


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
    sp = entities.spacy_doc(doc)
    assert sp.text == text
    assert [t.idx for t in sp] == sorted(t.idx for t in sp)


def test_empty() -> None:
    assert ents("") == []


# ---------------------------------------------------------------- speed paths give the plain answers
# find() shows spaCy only the stretches of words where a match can start, builds barriers with array
# operations and tiles words with C-level comparisons.  These tests hold each fast path to the plain
# computation it replaces (the whole document through an EntityRuler and the Matcher, a loop per character).

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CRAFTED = ("喀什海关物流监管处副处长张力介绍，《政府工作报告》提出，新疆自贸试验区霍尔果斯片区、阿拉山口综合保税区"
           "和霍尔果斯口岸①号站台2023年11月1日新疆维吾尔自治区人民政府在乌鲁木齐（新疆）国际陆港区《未闭合的标题。")


def _prepared(text: str) -> Doc:
    doc = Doc(source="t", raw=text, mapped=MappedText.identity(text))
    doc.doc_id = "t"
    return segment(doc)


def _texts() -> list[str]:
    return [CRAFTED] + [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[1:3]]


@pytest.fixture(scope="module")
def whole_doc_ruler():
    """An EntityRuler over every gazetteer name, run on the whole document (the plain mechanism)."""
    import spacy

    r = entities.rules()
    nlp = spacy.blank("zh")
    nlp.tokenizer = entities.JiebaTokenizer(nlp.vocab)
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns([{"label": label, "pattern": name, "id": name} for name, label in sorted(r.gazetteer.items())])
    return ruler


@pytest.mark.parametrize("k", range(3))
def test_region_matching_equals_whole_document_matching(whole_doc_ruler, k: int) -> None:
    doc = _prepared(_texts()[k])
    spans = entities.word_spans(doc)
    gaz, pats = entities._spacy_cands([doc.text[s:e] for s, e in spans], spans, doc)
    sp = entities.spacy_doc(doc, spans)
    plain = [(sp[e.start].idx, sp[e.end - 1].idx + len(sp[e.end - 1].text), e.label_) for e in whole_doc_ruler(sp).ents]
    assert [(c.start, c.end, c.label) for c in gaz] == plain
    r = entities.rules()
    plain_pats = sorted((sp[i].idx, sp[j - 1].idx + len(sp[j - 1].text), r.nlp.vocab.strings[m])
                        for m, i, j in r.matcher(sp))
    assert sorted((c.start, c.end, c.label) for c in pats) == plain_pats
    if k == 0:
        assert ("《政府工作报告》", "WORK") in [(doc.text[c.start:c.end], c.label) for c in pats]


def test_other_matcher_patterns_run_on_the_whole_document(monkeypatch) -> None:
    monkeypatch.setattr(entities.rules(), "brackets", None)  # a pattern shape the stretch logic does not know
    es = ents("今年的《政府工作报告》提出，")
    find(es, "《政府工作报告》", "WORK")


def test_bracket_shapes() -> None:
    pat = [{"ORTH": "《"}, {"ORTH": {"NOT_IN": ["《", "》", "\n"]}, "OP": "+"}, {"ORTH": "》"}]
    assert entities._brackets([{"label": "WORK", "pattern": pat}]) == {"《": frozenset({"《", "》", "\n"})}
    assert entities._brackets([{"label": "X", "pattern": [{"LOWER": "a"}]}]) is None
    loose = [{"ORTH": "《"}, {"ORTH": {"NOT_IN": ["\n"]}, "OP": "+"}, {"ORTH": "》"}]  # 》 not a stop: unknown
    assert entities._brackets([{"label": "WORK", "pattern": loose}]) is None


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
    assert entities.word_spans(doc) == _plain_word_spans(doc)


def _plain_barriers(ctx) -> bytearray:
    """The per-character barrier loop the array version replaces."""
    text, r = ctx.text, ctx.r
    n = len(text)
    bar = bytearray(n + 1)
    bar[0] = 1
    inside = bytearray(n + 1)
    for c in ctx.gaz:
        for k in range(c.start + 1, c.end):
            inside[k] = 1
    paren_ok = set()
    for c in ctx.gaz:
        if c.label == "LOC" and c.start > 0 and c.end < n and text[c.start - 1] in "（(" and text[c.end] in "）)":
            paren_ok.update((c.start - 1, c.end))
    for m in r.org_paren.finditer(text):
        paren_ok.update((m.start(), m.end() - 1))
    for i, ch in enumerate(text):
        if (ch in r.punct or ch.isdigit()) and i not in paren_ok and not inside[i]:
            bar[i] = bar[i + 1] = 1
        elif ch in "年月日号" and i and text[i - 1].isdigit():
            bar[i + 1] = 1
    for m in r.bound_multi.finditer(text):
        if not inside[m.start()] and not inside[m.end()]:
            bar[m.end()] = 1
    gaz_ends = {c.end for c in ctx.gaz}
    spans = set(ctx.tok_list)
    for i, ch in enumerate(text):
        if ch in r.bound_single and not inside[i] and ((i, i + 1) in spans or i in gaz_ends):
            bar[i] = bar[i + 1] = 1
    return bar


@pytest.mark.parametrize("text", [CRAFTED, "²号楼的⑤号口岸在𝟙年，一带一路沿线的阿拉山口口岸", "", "喀什"])
def test_barriers_equal_the_character_loop(text: str) -> None:
    doc = _prepared(text)
    spans = entities.word_spans(doc)
    gaz, _ = entities._spacy_cands([text[s:e] for s, e in spans], spans, doc)
    ctx = entities._Ctx(doc, spans, gaz)
    assert ctx.barrier == _plain_barriers(ctx)


# ---------------------------------------------------------------- unseen news paragraphs (written for these tests)

NEWS = {
    "economy": "国家统计局15日发布数据显示，前三季度全国规模以上工业增加值同比增长5.8%。国家统计局新闻发言人刘爱华在"
               "国务院新闻办公室举行的发布会上表示，国民经济持续恢复向好。",
    "port": "宁波舟山港前三季度完成货物吞吐量10.5亿吨，位居全球第一。据浙江省海港集团介绍，梅山港区新增航线12条，"
            "占全港新增航线的一半以上。记者从上海国际港务（集团）股份有限公司获悉，洋山深水港区四期自动化码头运行平稳。",
    "transport": "记者从成都铁路局获悉，成渝高铁今年累计发送旅客超过3000万人次。成都东站、重庆北站客流明显增加。"
                 "北京南站至上海虹桥站的复兴号列车运行时间缩短。",
    "city": "广州市人民政府新闻办公室20日举行新闻发布会，广州市发展和改革委员会主任陈杰介绍，今年广州将新开工地铁线路"
            "3条，白云国际机场三期扩建工程进展顺利。",
    "company": "比亚迪股份有限公司28日发布公告称，公司前三季度营业收入同比增长24%。比亚迪董事长王传福表示，海外市场"
               "销量继续增长。招商银行股份有限公司深圳分行表示，房贷需求有所回升。",
    "visit": "应印度尼西亚总统佐科邀请，国务院总理李强于9月6日抵达雅加达。外交部发言人毛宁在例行记者会上宣布，法国总统"
             "马克龙将于下周对中国进行国事访问。",
}

NEWS_WANT = {
    "economy": [("国家统计局", "ORG"), ("刘爱华", "PERSON"), ("国务院新闻办公室", "ORG")],
    "port": [("宁波舟山港", "LOC"), ("浙江省海港集团", "ORG"), ("梅山港区", "LOC"),
             ("上海国际港务（集团）股份有限公司", "ORG"), ("洋山深水港区", "LOC")],
    "transport": [("成都铁路局", "ORG"), ("成都东站", "LOC"), ("重庆北站", "LOC"), ("北京南站", "LOC"),
                  ("上海虹桥站", "LOC")],
    "city": [("广州市人民政府新闻办公室", "ORG"), ("广州市发展和改革委员会", "ORG"), ("陈杰", "PERSON"),
             ("广州", "LOC"), ("白云国际机场", "LOC")],
    "company": [("比亚迪股份有限公司", "ORG"), ("王传福", "PERSON"), ("招商银行股份有限公司深圳分行", "ORG")],
    "visit": [("印度尼西亚", "LOC"), ("佐科", "PERSON"), ("国务院", "ORG"), ("李强", "PERSON"), ("雅加达", "LOC"),
              ("外交部", "ORG"), ("毛宁", "PERSON"), ("法国", "LOC"), ("马克龙", "PERSON"), ("中国", "LOC")],
}

# spans that must not be entities (truncations and verb-led or title-crossing names)
NEWS_NOT = {
    "economy": [],
    "port": ["占全港", "舟山港", "深水港区"],
    "transport": [],
    "city": ["改革委员会"],
    "company": [],
    "visit": ["马克", "印度尼西亚总统佐科"],
}


@pytest.mark.parametrize("topic", sorted(NEWS))
def test_unseen_news_entities(topic: str) -> None:
    es = ents(NEWS[topic])
    for text, label in NEWS_WANT[topic]:
        find(es, text, label)
    for text in NEWS_NOT[topic]:
        absent(es, text)


def test_unseen_news_titles() -> None:
    e = find(ents(NEWS["visit"]), "毛宁", "PERSON")
    assert (e.title, e.org) == ("发言人", "外交部")
    e = find(ents(NEWS["visit"]), "佐科", "PERSON")
    assert (e.title, e.org) == ("总统", "印度尼西亚")
    e = find(ents(NEWS["economy"]), "刘爱华", "PERSON")
    assert (e.title, e.org) == ("新闻发言人", "国家统计局")


@pytest.mark.parametrize("text", ["洋山港区占全港的16%", "货物在该港装卸", "其中向口岸集中"])
def test_no_place_led_by_a_verb(text: str) -> None:
    es = ents(text)
    assert not [e for e in es if e.label == "LOC" and e.text[0] in "占在向从对比由为与和"], \
        [(e.text, e.label) for e in es]


@pytest.mark.parametrize(("text", "country", "title", "name"), [
    ("日本首相岸田文雄会见了来访的越南国家主席武文赏。", "日本", "首相", "岸田文雄"),
    ("越南国家主席武文赏表示，", "越南", "国家主席", "武文赏"),
    ("德国总理朔尔茨说，", "德国", "总理", "朔尔茨"),
])
def test_foreign_leader_with_country(text: str, country: str, title: str, name: str) -> None:
    """jieba glues 日本首相 into one word: the user dictionary splits it so the country and the title are found."""
    es = ents(text)
    find(es, country, "LOC")
    e = find(es, name, "PERSON")
    assert (e.title, e.org) == (title, country)


@pytest.mark.parametrize("text", ["喀什新建口岸去年通关车辆增长", "广东港口吞吐量稳步增长", "全市各港区加强安全检查",
                                  "老油田稳产增产，新气田加快开发", "在该站工作的小李说"])
def test_generic_port_words_stay_unnamed(text: str) -> None:
    es = ents(text)
    ends = ("口岸", "港", "港区", "油田", "气田", "站")
    assert not [e for e in es if e.label in ("LOC", "ORG") and e.text.endswith(ends)], [(e.text, e.label) for e in es]


@pytest.mark.parametrize(("text", "name", "title"), [
    ("中国银行研究院研究员王有鑫认为，", "王有鑫", "研究员"),
    ("村民李有才说，今年收成好。", "李有才", "村民"),
    ("公司总经理张明有信心完成目标。", "张明", "总经理"),
])
def test_names_with_you(text: str, name: str, title: str) -> None:
    """有 may stand inside a given name (王有鑫), yet a name never swallows the verb after it (张明|有信心)."""
    e = find(ents(text), name, "PERSON")
    assert e.title == title


@pytest.mark.parametrize(("text", "org"), [
    ("杭州市文化广电和旅游局发布提示", "杭州市文化广电和旅游局"),
    ("北京市住房和城乡建设委员会表示", "北京市住房和城乡建设委员会"),
    ("国家发展和改革委员会、商务部联合印发通知", "国家发展和改革委员会"),
])
def test_department_names_with_he(text: str, org: str) -> None:
    """和 inside a department name is no boundary (the user dictionary keeps these names whole)."""
    find(ents(text), org, "ORG")


@pytest.mark.parametrize(("text", "want"), [
    ("北京西站、上海南站客流高峰已过。", [("北京西站", "LOC"), ("上海南站", "LOC")]),
    ("沙特国王萨勒曼致电祝贺。", [("沙特", "LOC"), ("萨勒曼", "PERSON")]),
    ("泰国首相赛塔将于本月访华。", [("泰国", "LOC"), ("赛塔", "PERSON")]),
    ("上海洋山港四期码头作业繁忙，广州南沙港区全面投产。", [("上海洋山港", "LOC"), ("广州南沙港区", "LOC")]),
    ("腾讯公司董事会主席兼首席执行官马化腾表示，", [("腾讯公司", "ORG"), ("马化腾", "PERSON")]),
    ("中共中央政治局常委、国务院总理李强会见新加坡总理黄循财。",
     [("中共中央政治局", "ORG"), ("李强", "PERSON"), ("新加坡", "LOC"), ("黄循财", "PERSON")]),
])
def test_more_unseen_sentences(text: str, want: list[tuple[str, str]]) -> None:
    es = ents(text)
    for t, label in want:
        find(es, t, label)


