"""The number parser reads every way agencies write a figure back to that figure.

Written forms are generated here, independently of the parser's own rules.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dagster_project.ingest.parsing.numbers import number_text, parse_number

SPACES = st.sampled_from(["", " ", "  ", "\u00a0", " \u00a0"])


def grouped(n: int, sep: str) -> str:
    digits = str(n)
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


@given(n=st.integers(0, 10**10), sep=st.sampled_from([".", ",", " ", "\u00a0", ""]), pad=SPACES, tail=SPACES)
def test_whole_numbers_in_any_thousands_style_read_back(n, sep, pad, tail):
    assert parse_number(f"{pad}{grouped(n, sep)}{tail}") == n


@given(
    n=st.integers(0, 10**9),
    frac=st.integers(0, 99),
    digits=st.sampled_from([1, 2]),
    style=st.sampled_from(["vi", "en", "bare_comma", "bare_dot"]),
    pad=SPACES,
)
def test_decimals_with_comma_or_dot_read_back(n, frac, digits, style, pad):
    frac_text = str(frac % 10**digits).zfill(digits)
    expected = float(f"{n}.{frac_text}")
    written = {
        "vi": f"{grouped(n, '.')},{frac_text}",
        "en": f"{grouped(n, ',')}.{frac_text}",
        "bare_comma": f"{n},{frac_text}",
        "bare_dot": f"{n}.{frac_text}",
    }[style]
    assert parse_number(pad + written + pad) == expected


@given(n=st.integers(1, 10**9))
def test_negative_numbers_keep_their_sign(n):
    assert parse_number(f"-{grouped(n, '.')}") == -n


@given(word=st.sampled_from(["", "-", " - ", "x", "X", "không", "Không", "KHÔNG", "khong", "0"]))
def test_words_for_none_mean_zero(word):
    assert parse_number(word) == 0


@given(word=st.sampled_from(["có", "Có", "CÓ", "co"]))
def test_co_means_one(word):
    assert parse_number(word) == 1


@given(text=st.sampled_from(["#REF!", "#VALUE!", "#DIV/0!", "abc", "12a", "1.234.5", "1,2,3", "n/a"]))
def test_non_numbers_are_none(text):
    assert parse_number(text) is None


def test_single_separator_before_three_digits_is_thousands():
    assert parse_number("1.234") == 1234 and parse_number("1,234") == 1234
    assert parse_number("12,5") == 12.5 and parse_number("0,125") == 0.125


@given(value=st.one_of(st.integers(-(10**12), 10**12), st.floats(-1e9, 1e9, allow_nan=False)))
def test_numeric_cell_text_is_faithful(value):
    assert float(number_text(value)) == float(value)
    if float(value).is_integer():
        assert "." not in number_text(value)
