"""Web pages (extract/pages.py): the article and its metadata from pages in the shapes of big Chinese news sites.

The pages in tests/fixtures/pages/ are written for these tests (every name, outlet, date and figure is
made up), each in the shape of one kind of site:

| file | shape | what it tests |
| --- | --- | --- |
| portal_meta | a portal (sina-like): article:published_time, a date-and-source block, related list with dates, hot list, comments | meta tags win; title suffix; no related dates; furniture not in the body |
| daily_dateline | a party daily (people.com.cn-like): no structured date, `date | 来源：` under the headline, editors in brackets | the visible dateline; `--频道--站名` suffix |
| agency_url | a news agency (xinhuanet-like): the date split over spans, only the URL (/20210308/) has it | the URL's date |
| netease_jsonld | a portal (163-like): JSON-LD only, 跟贴/热帖/热词/加载更多 boxes | JSON-LD date, author and publisher |
| tw_dateline | a Taiwanese site (traditional script): `記者X／台中報導` byline, slashes date | a traditional dateline |
| wechat | a WeChat article: hidden #js_content, epoch `ct`, account name | the article, its time and outlet |
| stats_meta | a statistics bureau: a PubDate meta tag only, a table | meta tags only; the table kept |
| related_only | a page whose only dates are in its related list and foot | no publication date from them |
| script_data | a portal (ifeng-like): time and source only in the script's data | script variables |
| held_textarea | a portal (huanqiu-like): the article held in hidden textareas, epoch milliseconds | held title, time, outlet, body |
| no_h1 | a commentary site (guancha-like): the headline in an h3, a date-only meta tag, time and source spans | the headline found by the title; the dateline's time of the same day |
| empty | navigation and scripts, no article | reported as a bad input, the batch goes on |
"""  # noqa: E501

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from extract import batch, pipeline
from extract.ingest import read_inputs
from extract.model import Doc
from extract.pages import read_page, url_date

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "fixtures" / "pages"

# what each page must give: title, published, where that came from, outlet, authors, editors
EXPECTED = {
    "portal_meta": ("东岭港上半年集装箱吞吐量增长12.5%", "2023-06-14T09:12:00", "page", "东岭日报", [], []),
    "daily_dateline": ("西岭镇高山茶园迎来春茶开采", "2022-11-03T08:16:00", "dateline", "西岭日报",
                       ["甘雨桐", "韩立新"], ["葛一鸣", "苏晓"]),
    "agency_url": ("北岸新区推出十项惠企措施", "2021-03-08", "url", "新华社", ["钟晓岚", "邓子航"], ["余思雨"]),
    "netease_jsonld": ("南湖新能源汽车产业园首批企业投产", "2021-12-20T16:45:00", "page", "南湖晚报", ["武文轩"], []),
    "tw_dateline": ("台中港货柜量前两月成长9.4%", "2023-03-05T10:15:00", "dateline", "东岭新闻网", ["林美君"], []),
    "wechat": ("东岭市上线“一网通办”2.0版", "2024-03-05T11:30:00", "page", "东岭发布", ["卫东来"], []),
    "stats_meta": ("2022年东岭市国民经济和社会发展统计公报", "2023-03-20T10:00:00", "page", "东岭市统计局", [], []),
    "related_only": ("北岸湿地公园开园", None, None, None, [], []),
    "script_data": ("东岭新区发布人才新政", "2022-08-16T19:05:42", "page", "东岭晚报", [], []),
    "held_textarea": ("东岭至北岸高铁全线贯通", "2022-09-01T12:00:00", "page", "东岭日报", ["邹明远"], []),
    "no_h1": ("北岸港开通至东盟新航线", "2022-04-27T14:38:02", "dateline", "北岸商报", ["于晓彤"], []),
}

# text that is on the page but not the article (menus, related and hot lists, comment and share boxes, feet)
FURNITURE = ["首页", "相关新闻", "西岭港口岸通关时间压缩三成", "热帖", "16310345", "文明上网", "加载更多", "版权所有",
             "ICP", "热点推荐", "北岸大桥合龙", "推荐阅读", "跟贴", "热词", "特别声明", "东岭新区挂牌成立", "网友评论",
             "延伸阅读", "高雄港转运量回升", "微信扫一扫", "阅读原文", "相关阅读", "南湖公园完成改造", "2020-09-21",
             "分享到", "打印", "纠错", "大家都在看", "南湖高铁站改造", "2022-08-28", "请先登录", "查看更多评论"]

# a sentence of each article that must be in its text
BODY = {
    "portal_meta": "外贸集装箱吞吐量241.7万标准箱，增长15.3%",
    "daily_dateline": "全镇茶园面积已达2.8万亩",
    "agency_url": "设立规模20亿元的产业引导基金",
    "netease_jsonld": "目前已签约项目23个",
    "tw_dateline": "预计全年货柜量可望突破170万TEU",
    "wechat": "首批上线政策46项，惠及企业约1.2万家",
    "stats_meta": "全年一般公共预算收入412.5亿元",
    "related_only": "每日限流8000人次",
    "script_data": "五年内建设人才公寓5000套",
    "held_textarea": "两地最快通行时间由3小时缩短至58分钟",
    "no_h1": "北岸港对东盟集装箱吞吐量同比增长23.6%",
}


@pytest.fixture(scope="module")
def page_docs() -> tuple[dict[str, Doc], list[str]]:
    """Every fixture page through the whole pipeline, by name, and the messages about bad inputs."""
    messages: list[str] = []
    docs = batch.documents([str(PAGES)], pipeline.Options(), messages.append)
    return {Path(d.source).stem: d for d in docs}, messages


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_metadata(page_docs, name: str) -> None:
    doc = page_docs[0][name]
    title, published, source, outlet, authors, editors = EXPECTED[name]
    assert (doc.title, doc.published, doc.outlet) == (title, published, outlet)
    if published:
        assert doc.ref_date_source == source
    assert (doc.authors, doc.editors) == (authors, editors)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_body_is_the_article_only(page_docs, name: str) -> None:
    doc = page_docs[0][name]
    assert BODY[name] in doc.text
    assert doc.text.startswith(EXPECTED[name][0])
    assert [f for f in FURNITURE if f in doc.text] == []


def test_dates_of_related_lists_and_feet_are_never_the_publication_date(page_docs) -> None:
    doc = page_docs[0]["related_only"]
    assert doc.published is None and doc.ref_date_source != "page"
    assert "2020-09" not in doc.text  # nor are they in the text, to be inferred from


def test_a_page_without_an_article_is_a_bad_input_and_the_batch_goes_on(page_docs) -> None:
    docs, messages = page_docs
    assert messages == [f"{PAGES / 'empty.html'}: no article text found in the page"]
    assert len(docs) == len(EXPECTED)


def test_run_with_pages_and_text(tmp_path: Path) -> None:
    txt = tmp_path / "a.txt"
    txt.write_text("东岭港吞吐量增长\n2024-03-05 08:00 来源：东岭日报 记者 周小川\n"
                   "今年前两个月，东岭港吞吐量增长8.2%。", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "extract", "run", str(PAGES / "empty.html"), str(PAGES / "wechat.html"),
                        str(txt), "--out", str(tmp_path / "o"), "--quiet", "--workers", "1"], capture_output=True,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr.decode()
    assert f"{PAGES / 'empty.html'}: no article text found in the page" in r.stderr.decode()
    docs = [orjson.loads(x) for x in (tmp_path / "o" / "documents.jsonl").read_bytes().splitlines()]
    assert sorted((d["title"], d["outlet"], d["published"]) for d in docs) == [
        ("东岭市上线“一网通办”2.0版", "东岭发布", "2024-03-05T11:30:00"),
        ("东岭港吞吐量增长", "东岭日报", "2024-03-05T08:00:00")]


# ---------------------------------------------------------------- pages that used to lose their article

def test_a_fragment_is_an_article(tmp_path: Path) -> None:
    """A JSONL record whose html is a single paragraph."""
    f = tmp_path / "b.jsonl"
    f.write_text('{"id": "x", "html": true, "text": "<p>东岭港今年前两个月吞吐量增长8.2%。</p>"}\n',
                 encoding="utf-8")
    [doc] = list(read_inputs([str(f)]))
    assert isinstance(doc, Doc) and doc.raw == "东岭港今年前两个月吞吐量增长8.2%。"


def test_deep_nesting_keeps_the_article() -> None:
    article = "<p>东岭港今年前两个月吞吐量增长8.2%，外贸箱量增长11%。</p>"
    html = "<html><body>" + "<div>" * 400 + article + "</div>" * 400 + "</body></html>"
    assert "吞吐量增长8.2%" in read_page(html).text


def test_a_doctype_with_entity_declarations_is_neither_expanded_nor_text() -> None:
    html = ('<!DOCTYPE html [<!ENTITY x "boom">]><html><body><p>东岭港今年前两个月吞吐量增长8.2%，外贸箱量增长11%。'
            '&x;</p></body></html>')
    text = read_page(html).text
    assert text.startswith("东岭港今年前两个月吞吐量增长8.2%") and "]>" not in text and "boom" not in text


def test_unparseable_input_says_why() -> None:
    page = read_page("")
    assert page.text == "" and page.why


def test_jsonl_metadata_is_kept_over_the_page(tmp_path: Path) -> None:
    html = (PAGES / "portal_meta.html").read_text(encoding="utf-8")
    f = tmp_path / "b.jsonl"
    f.write_text(orjson.dumps({"id": "x", "html": True, "text": html, "title": "给定的标题",
                               "published": "2023-06-15"}).decode() + "\n", encoding="utf-8")
    [doc] = list(read_inputs([str(f)]))
    assert (doc.title, doc.published, doc.ref_date_source, doc.outlet) == (
        "给定的标题", "2023-06-15", "jsonl", "东岭日报")


@pytest.mark.parametrize(("url", "iso"), [
    ("http://www.example.cn/local/20210308/3a1b2c/c.html", "2021-03-08"),
    ("https://news.example.com.cn/c/2023-06-14/doc-abc.shtml", "2023-06-14"),
    ("http://www.example.com.cn/n1/2022/1103/c1008-123.html", "2022-11-03"),
    ("https://www.example.gov.cn/xinwen/202403/05/content_1.htm", "2024-03-05"),
    ("http://www.example.gov.cn/sj/zxfb/202401/t20240117_1946624.html", "2024-01-17"),
    ("https://example.com/a/12345678901.html", None),
    ("https://example.cn/20241345/a.html", None),
])
def test_url_dates(url: str, iso: str | None) -> None:
    assert url_date(url) == iso


def test_an_extractor_failure_is_a_bad_input(monkeypatch) -> None:
    import trafilatura

    def broken(*a, **k):
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean")

    monkeypatch.setattr(trafilatura, "extract_metadata", broken)
    page = read_page((PAGES / "wechat.html").read_text(encoding="utf-8"))
    assert page.text == "" and page.why.startswith("HTML extraction failed (ImportError: lxml.html.clean")
