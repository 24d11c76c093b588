"""Repeated-passage removal (extract/passages.py): whole sentences or nothing, never the only copy, linear.

The rules' whole answers are rules/passages/corpus.toml; here, the properties every removal must have on
any document (hypothesis); the cost as the input doubles is measured by benchmarks/scaling.py.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract import passages
from extract.model import Doc
from extract.offsets import MappedText

# Sentences of our own (farming news), with their end marks; clauses to make fragments of them.
SENTENCES = [
    "春季农业生产全面展开，各地抢抓农时推进春耕备耕。",
    "截至3月底，全省已完成早稻育秧面积120万亩，同比增加6.5%。",
    "当地气象部门提醒，本周后期将有一次明显降温过程，请农户做好防范！",
    "农业农村部门组织技术人员下沉一线，指导农户科学施肥、合理用药。",
    "今年以来，全市新建高标准农田8.2万亩，灌溉条件明显改善。",
    "“种粮有补贴，心里更踏实。”种粮大户李春生说。",
    "据介绍，今年全市计划完成粮食播种面积560万亩；其中春播粮食面积达到210万亩。",
    "专家表示，合理轮作能够有效改善土壤结构，减少病虫害的发生？",
    "图为",
    "问：",
]
ENDS = "。！？!?；;…"
CLOSERS = "”’」』）)】》\""


def _sentence_cuts(text: str) -> set[int]:
    """Positions where a sentence may start or end: line ends and starts, and after an end mark (with closers)."""
    cuts = {0, len(text)}
    for m in re.finditer(r"\n", text):
        cuts.update((m.start(), m.end()))
    for m in re.finditer(f"[{re.escape(ENDS)}]+[{re.escape(CLOSERS)}]*", text):
        cuts.add(m.end())
    out = set(cuts)
    for c in cuts:  # blanks between sentences belong to neither
        i = c
        while i < len(text) and text[i] in " \t":
            i += 1
        out.add(i)
    return out


def _pieces(text: str) -> list[str]:
    """The keys of the sentences (and line fragments) of ``text``."""
    out = []
    for line in text.split("\n"):
        pos = 0
        for m in [*re.finditer(f"[{re.escape(ENDS)}]+[{re.escape(CLOSERS)}]*", line), None]:
            end = m.end() if m else len(line)
            k = passages.key(line[pos:end])
            if k:
                out.append(k)
            pos = end
    return out


def _units(text: str) -> set[str]:
    """Keys of every whole unit of ``text``: pieces, paragraphs, and sentences running across broken lines."""
    units = set(_pieces(text))
    units.update(passages.key(p) for p in text.split("\n"))
    joined = re.sub(r"(?<![" + re.escape(ENDS + CLOSERS) + r"])\n", "", text)  # broken lines joined
    units.update(_pieces(joined))
    lines = text.split("\n")  # a sentence broken once, after a fragment line (图为\n展开，各\n地抢抓…): that pair alone
    units.update(k for a, b in zip(lines, lines[1:], strict=False) for k in _pieces(a + b))
    return units - {""}


@st.composite
def documents(draw) -> str:
    """Paragraphs of sentences, with repeated paragraphs and blocks, lines broken mid-sentence, fragments."""
    paras: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["new", "new", "repeat", "block", "broken", "fragment", "glued"]))
        if kind == "new" or not paras:
            paras.append("".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3))))
        elif kind == "repeat":
            paras.append(draw(st.sampled_from(paras)))
        elif kind == "block":
            i = draw(st.integers(0, len(paras) - 1))
            paras.extend(paras[i:i + draw(st.integers(1, 3))])
        elif kind == "broken":
            p = draw(st.sampled_from(paras))
            cut = draw(st.integers(1, max(1, len(p) - 1)))
            paras.extend([p[:cut], p[cut:]])
        elif kind == "fragment":
            p = draw(st.sampled_from(paras))
            paras.append(p[draw(st.integers(0, max(0, len(p) - 2))):])
        else:  # a repeated sentence glued before or after new text
            s = draw(st.sampled_from(SENTENCES))
            paras.append(s + draw(st.sampled_from(SENTENCES)) if draw(st.booleans()) else draw(st.sampled_from(
                SENTENCES)) + s)
    return "\n".join(p for p in paras if p.strip())


def _run(text: str) -> tuple[list[passages.Drop], str]:
    drops = passages.find_repeats(text)
    d = Doc(source="x", raw=text, mapped=MappedText.identity(text))
    passages.dedup_passages(d)
    return drops, d.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example('春季农业生产全面展开，各地抢抓农时推进春耕备耕。\n展开，各地抢抓农时推进春耕备耕。\n'
         '春季农业生产全面展开，各地抢抓农时推进春耕备耕。\n春季农业生产全面展开，各地抢抓农时推进春耕备耕。图为\n'
         '春季农业生产全面展开，各地抢抓农时推进春耕备耕。\n春季农业生产全面展开，各地抢抓农时推进春耕备耕。\n'
         '展开，各\n地抢抓农时推进春耕备耕。\n'
         '展开，各地抢抓农时推进春耕备耕。')  # the kept copy broken once, after a fragment line (found by CI)
def test_removals_are_whole_sentences_never_the_only_copy_and_repeat_a_whole_sentence(text):
    drops, final = _run(text)
    cuts = _sentence_cuts(text)
    final_key = passages.key(final)
    units = _units(final)
    names = passages.passage_rules().names
    near = (names["near"], names["near_corrupt"])
    for d in drops:
        removed = text[d.start:d.end]
        # whole or not at all: a removal starts and ends where sentences (or lines) start and end
        assert d.start in cuts and d.end in cuts, (d, removed)
        # never the only copy: every sentence removed is still in the text (as a whole or inside one); a near
        # copy loses the few characters it differs by, by definition
        if d.rule not in near:
            for k in _pieces(removed):
                assert k in final_key, (d, k, final)
    # a removed passage (adjacent removals together) repeats at least one whole sentence of what stays
    groups: list[list[passages.Drop]] = []
    for d in sorted(drops, key=lambda d: d.start):
        if d.rule == names["part"]:
            continue
        if groups and not text[groups[-1][-1].end:d.start].strip():
            groups[-1].append(d)
        else:
            groups.append([d])
    for g in groups:
        removed = "\n".join(text[d.start:d.end] for d in g)
        keys = _pieces(removed) + [passages.key(removed)] + _pieces(re.sub(r"\n", "", removed))
        assert any(d.rule in near for d in g) or any(len(k) >= 6 and k in units for k in keys), (g, final)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_nothing_is_lost(text):
    """Every sentence (or line fragment) of the input is still in the output, whole or inside a larger one;
    only a near copy loses the few characters it differs by."""
    drops, final = _run(text)
    final_key = passages.key(final)
    names = passages.passage_rules().names
    near = [d for d in drops if d.rule in (names["near"], names["near_corrupt"])]
    for line in text.split("\n"):
        for k in _pieces(line):
            if k not in final_key:
                at = text.index(line)
                assert any(d.start <= at < d.end for d in near), (k, final)
