"""Numerals: reading the integers and numbers written in Chinese or Arabic digits.

The one numeral reader shared by the number and date extractors (a date's 二〇二三年 and 十二月
are read here, as is a quantity's 一千二百).
"""

from __future__ import annotations

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "〇○零一二两三四五六七八九十"  # the characters of a date's Chinese numerals


def cn_int(s: str) -> int | None:
    """Integer of an ASCII or Chinese numeral: 12, 十二, 廿三, 二〇二三 (digit by digit), 两千零四."""
    if not s:
        return None
    if s.isascii():
        return int(s) if s.isdigit() else None
    if len(s) > 1 and all(c in _CN_DIGIT for c in s):
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    total, num = 0, 0
    for c in s:
        if c in _CN_DIGIT:
            num = _CN_DIGIT[c]
        elif c in _CN_UNIT:
            total += (num or 1) * _CN_UNIT[c]
            num = 0
        elif c == "廿":
            total += 20
        elif c == "卅":
            total += 30
        else:
            return None
    return total + num
