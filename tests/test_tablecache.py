"""The start-up table cache: a table is built once, read back equal, rebuilt when its inputs change or its file is
bad, and the tokenizer made from a cached table cuts exactly as one built from the dictionary."""

from __future__ import annotations

import os
import pickle

import pytest

from extract import lexicon, tablecache
from extract.jieba_fast import FastTokenizer


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ZH_EXTRACT_CACHE", str(tmp_path))
    return tmp_path


class Builder:
    """A table builder that counts its calls."""

    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_built_once_then_read(folder):
    build = Builder({"词": 3, "list": [1, 2.5, None]})
    assert tablecache.load_or_build("t", ("a",), build) == build.value
    assert tablecache.load_or_build("t", ("a",), build) == build.value
    assert build.calls == 1
    assert len(list(folder.glob("t-*.pickle"))) == 1


def test_new_inputs_new_file_oldest_ones_removed(folder):
    for k in range(tablecache.KEEP + 2):
        build = Builder(k)
        assert tablecache.load_or_build("t", (str(k),), build) == k
        assert build.calls == 1
        os.utime(next(folder.glob(f"t-{tablecache.cache_key((str(k),))}.pickle")), (k, k))  # distinct ages
    kept = sorted(pickle.loads(p.read_bytes()) for p in folder.glob("t-*.pickle"))
    assert kept == list(range(2, tablecache.KEEP + 2))  # the newest KEEP
    again = Builder(9)
    assert tablecache.load_or_build("t", (str(tablecache.KEEP + 1),), again) == tablecache.KEEP + 1
    assert again.calls == 0  # a kept table is read, not built


def test_other_tables_are_left_alone(folder):
    tablecache.load_or_build("t", ("a",), Builder(1))
    for k in range(tablecache.KEEP + 1):
        tablecache.load_or_build("u", (str(k),), Builder(k))
    assert len(list(folder.glob("t-*.pickle"))) == 1


def test_corrupt_file_is_rebuilt(folder):
    tablecache.load_or_build("t", ("a",), Builder(1))
    (path,) = folder.glob("t-*.pickle")
    path.write_bytes(b"\x80\x05not a pickle")
    build = Builder(1)
    assert tablecache.load_or_build("t", ("a",), build) == 1
    assert build.calls == 1
    assert pickle.loads(path.read_bytes()) == 1  # written again


@pytest.mark.parametrize("off", ["off", "0", "no", "FALSE"])
def test_off_builds_every_time_and_writes_nothing(tmp_path, monkeypatch, off):
    monkeypatch.setenv("ZH_EXTRACT_CACHE", off)
    monkeypatch.chdir(tmp_path)
    build = Builder(1)
    tablecache.load_or_build("t", ("a",), build)
    tablecache.load_or_build("t", ("a",), build)
    assert build.calls == 2
    assert tablecache.cache_dir() is None
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_still_builds(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("ZH_EXTRACT_CACHE", str(blocker / "sub"))  # under a file: cannot be made
    assert tablecache.load_or_build("t", ("a",), Builder(7)) == 7


def test_default_folder_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("ZH_EXTRACT_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert tablecache.cache_dir() == tmp_path / "zh-extract"


def test_file_stamp_changes_with_the_file(tmp_path):
    p = tmp_path / "dict.txt"
    p.write_text("一 1 m\n", encoding="utf-8")
    a = tablecache.file_stamp(p)
    p.write_text("一 1 m\n二 2 m\n", encoding="utf-8")
    assert tablecache.file_stamp(p) != a
    assert tablecache.file_stamp(tmp_path / "none").endswith("missing")


TEXTS = [
    "2024年1月，新疆霍尔果斯口岸进出口货运量达836.8万吨，同比增长12.5%。",
    "据海关统计，中国铁路成都局集团有限公司与阿拉山口综合保税区签约。Apple发布iPhone 15。",
    "\r\n混合 text 与 emoji 😀，以及一些不常见的字：龘靐齉。",
]


def test_restored_tokenizer_cuts_as_built(folder):
    """A tokenizer restored from a pickled state (what the cache holds) has the same dictionary and words."""
    built = lexicon.load_user_words(FastTokenizer())
    state = pickle.loads(pickle.dumps(built.state(), protocol=pickle.HIGHEST_PROTOCOL))
    restored = FastTokenizer()
    restored.restore(state)
    assert restored.FREQ == built.FREQ and restored.total == built.total
    assert restored.user_word_tag_tab == built.user_word_tag_tab
    for text in TEXTS:
        assert restored.lcut(text) == built.lcut(text)
        assert restored.lcut(text, HMM=False) == built.lcut(text, HMM=False)
    restored.add_word("霍尔果斯测试词", freq=5)  # a restored tokenizer still takes new words
    assert "霍尔果斯测试词" in restored.lcut("霍尔果斯测试词来了")


def test_project_tokenizer_is_cached_between_processes(folder):
    """lexicon.tokenizer() leaves its tables in the cache; a second build reads them instead of building."""
    lexicon.tokenizer.cache_clear()
    try:
        first = lexicon.tokenizer()
        assert list(folder.glob("tokenizer-*.pickle"))
        lexicon.tokenizer.cache_clear()
        again = lexicon.tokenizer()
        assert again is not first and again.FREQ == first.FREQ
        assert again.lcut(TEXTS[1]) == first.lcut(TEXTS[1])
    finally:
        lexicon.tokenizer.cache_clear()
