"""Line breaking: 避头尾 rules, mixed scripts, long words, empty text, ellipsis."""

from __future__ import annotations

import pytest

from shopbuilder.posters.linebreak import NO_END, NO_START, fit_lines, units, wrap


def width(text: str) -> float:
    """Full-width characters 2 units, everything else 1 (like a real CJK font)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


@pytest.mark.parametrize("text", [
    "今天天气很好，我们去公园散步。然后回家吃饭！好吗？",
    "「限时特惠」全场商品《五折》起，欢迎选购：（数量有限）",
    "这是一段很长的中文文本，用来测试标点符号不会出现在行首，也不会出现在行尾。",
    "买一送一！！！赶快行动……先到先得。",
])
@pytest.mark.parametrize("line_width", [10, 12, 14, 20, 26])
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(
        text: str, line_width: int) -> None:
    lines = wrap(text, line_width, width)
    assert "".join(lines) == text.replace(" ", "")
    for line in lines:
        assert width(line) <= line_width or len(units(line)) == 1
    for line in lines[1:]:
        assert line[0] not in NO_START, lines
    for line in lines[:-1]:
        assert line[-1] not in NO_END, lines


def test_latin_words_and_numbers_are_kept_whole() -> None:
    lines = wrap("新款Apple iPhone 15 Pro Max手机壳，支持MagSafe磁吸充电3.5mm", 16, width)
    joined = " ".join(lines)
    for word in ("Apple", "iPhone", "Pro", "Max", "MagSafe", "3.5mm"):
        assert any(word in line for line in lines), (word, joined)
    assert all(width(line) <= 16 for line in lines)


def test_mixed_scripts_are_measured_with_the_real_widths() -> None:
    # 10 full-width characters = 20 units: fits exactly, one more does not
    assert wrap("一二三四五六七八九十", 20, width) == ["一二三四五六七八九十"]
    # "a" overflows; a lone "a" on the last line would be a widow: 九十 come along
    assert wrap("一二三四五六七八九十a", 20, width) == ["一二三四五六七八", "九十a"]
    assert wrap("一二三四五六七八九十abc", 20, width) == ["一二三四五六七八九十", "abc"]


def test_a_word_longer_than_the_line_is_broken_by_characters() -> None:
    word = "Supercalifragilisticexpialidocious"
    lines = wrap(f"超长单词{word}结束", 12, width)
    assert "".join(lines) == f"超长单词{word}结束"
    assert all(width(line) <= 12 for line in lines)
    assert len(lines) >= 3


def test_empty_and_blank_text() -> None:
    assert wrap("", 10, width) == [""]
    assert fit_lines("", 10, width, 2) == ([""], False)
    assert wrap("   ", 10, width) == [""]


def test_newlines_start_new_lines_and_spaces_are_trimmed() -> None:
    assert wrap("第一行\n第二行", 40, width) == ["第一行", "第二行"]
    assert wrap("hello world again", 11, width) == ["hello world", "again"]


def test_max_lines_cuts_with_an_ellipsis_that_fits() -> None:
    text = "这是一个非常非常长的商品标题，需要被截断成两行并且以省略号结尾才可以"
    lines, cut = fit_lines(text, 20, width, 2)
    assert cut
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert width(lines[-1]) <= 20
    assert lines[-1][-2] not in NO_END and lines[-1][-2] not in "，、"
    lines, cut = fit_lines("短标题", 20, width, 2)
    assert (lines, cut) == (["短标题"], False)


def test_a_lone_last_character_is_not_left_alone() -> None:
    lines = wrap("限量秒杀每人限购两件", 18, width)
    assert lines == ["限量秒杀每人限", "购两件"]
    lines = wrap("限量秒杀每人限购2件", 17, width)  # "2" fits on the first line, "件" not
    assert lines == ["限量秒杀每人限", "购2件"]
