"""The project's word list: jieba's dictionary plus the user words of ``rules/``.

One tokenizer per process, shared by the stages that need words: cleaning asks whether two
characters around a line break form a word (:func:`frequency`), segmentation cuts the text
(:func:`tokenizer`).  Both import this module, so cleaning does not depend on the later
segmentation stage.  The user words are ``rules/segment/userdict.txt`` and the gazetteer names
of ``rules/entities/gazetteers/``, so that 霍尔果斯, 阿拉山口, 综合保税区 come out as single words; the
large generated gazetteers (``[jieba_words] skip_files`` of ``rules/entities/gazetteers.toml``) are not user
words: thousands of short place names would change segmentation everywhere and slow start-up.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

import jieba
import numpy as np

from extract.jieba_fast import FastTokenizer
from extract.rules import load_list, load_toml, rule_path, rules_dir
from extract.tablecache import file_stamp, load_or_build

jieba.setLogLevel(logging.WARNING)

GAZETTEER_MIN_FREQ = 2000  # a gazetteer name is at least this frequent, so it wins over its parts
GAZETTEER_MAX_LEN = 12  # longer names are phrases jieba would never reach as one word


def load_user_words(tk: jieba.Tokenizer) -> jieba.Tokenizer:
    """Load jieba's dictionary, then the project's user words, into ``tk`` (returned)."""
    tk.initialize()
    user = rule_path("segment/userdict.txt")
    if user.is_file():
        tk.load_userdict(str(user))
    gaz = rules_dir() / "entities" / "gazetteers"
    if gaz.is_dir():
        skip = set(load_toml("entities/gazetteers").get("jieba_words", {}).get("skip_files", ()))
        for path in sorted(p for p in gaz.glob("*.txt") if p.name not in skip):
            for name in load_list(f"entities/gazetteers/{path.name}"):
                word = name.split("\t")[0].split()[0]
                if 1 < len(word) <= GAZETTEER_MAX_LEN:
                    tk.add_word(word, freq=max(tk.suggest_freq(word), GAZETTEER_MIN_FREQ))
    return tk


@cache
def tokenizer() -> FastTokenizer:
    """The project's tokenizer with its user words (once per process; the finished dictionary and score tables
    come from :mod:`extract.tablecache` when a run before made them from the same code, rules and jieba)."""
    tk = FastTokenizer()
    tk.restore(load_or_build("tokenizer", jieba_inputs(), lambda: load_user_words(FastTokenizer()).state()))
    return tk


DICT_BLANK = r"[^\S\n]"  # whitespace within a line: a dictionary line is ``word freq tag``


@cache
def jieba_dict_text() -> str:
    """jieba's dictionary file, read once; lines are matched with regexes (no per-line Python loop)."""
    with _jieba_dict_path().open(encoding="utf-8") as f:
        return f.read()


@cache
def jieba_tags() -> dict[str, str]:
    """word -> part-of-speech tag of jieba's dictionary (a look-up table, never posseg), for the names and the
    facts; one regex pass over the file, kept between runs by :mod:`extract.tablecache`."""
    b = DICT_BLANK
    line = rf"^{b}*(\S+){b}+\d+{b}+(\S+){b}*$"
    return load_or_build("jieba-tags", jieba_inputs(), lambda: dict(re.findall(line, jieba_dict_text(), re.M)))


def _jieba_dict_path() -> Path:
    return Path(jieba.__file__).resolve().parent / "dict.txt"


def jieba_inputs() -> tuple[str, ...]:
    """What the tokenizer's tables are made from besides the code and rules: jieba, its dictionary, numpy."""
    return (f"jieba {jieba.__version__}", file_stamp(_jieba_dict_path()),
            f"numpy {np.__version__}")


def stock_tokenizer() -> jieba.Tokenizer:
    """A plain ``jieba.Tokenizer`` with the same words: the reference for FastTokenizer (not cached)."""
    return load_user_words(jieba.Tokenizer())


def frequency(word: str) -> int:
    """How often ``word`` occurs in the dictionary; 0 when it is no word (or only the prefix of one)."""
    return tokenizer().FREQ.get(word) or 0
