"""Money: splits sum to the whole, rounding is explicit."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import apply_rate_bp, format_fen, parse_percent_bp, parse_yuan, split_largest_remainder


@given(st.integers(min_value=0, max_value=10**12),
       st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=50).filter(lambda w: sum(w) > 0))
def test_split_sums_to_the_whole_and_is_proportional(total, weights):
    parts = split_largest_remainder(total, weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / weight_sum
        assert abs(part - exact) < 1 + 1e-9
        if weight == 0:
            assert part == 0


def test_split_gives_leftover_fen_to_largest_remainders_deterministically():
    assert split_largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert split_largest_remainder(1000, [199, 299, 502]) == [199, 299, 502]
    assert split_largest_remainder(10, [3, 3, 4]) == [3, 3, 4]


def test_split_refuses_nonsense():
    with pytest.raises(ValueError):
        split_largest_remainder(-1, [1])
    with pytest.raises(ValueError):
        split_largest_remainder(5, [0, 0])
    assert split_largest_remainder(0, [0, 0]) == [0, 0]


def test_rate_rounds_half_up_to_the_fen():
    assert apply_rate_bp(19900, 1200) == 2388
    assert apply_rate_bp(5, 1000) == 1  # 0.5 fen -> 1
    assert apply_rate_bp(4, 1000) == 0  # 0.4 fen -> 0


def test_format_fen():
    assert format_fen(19900) == "199.00"
    assert format_fen(-5) == "-0.05"


def test_parse_yuan_is_exact_and_strict():
    assert [parse_yuan(t) for t in ("99", "99.9", "1,299.00", "¥0.05", " 7.10 ")] == [9900, 9990, 129900, 5, 710]
    for bad in ("", "-1", "1.999", "abc", "1e3", "1.2.3"):
        with pytest.raises(ValueError):
            parse_yuan(bad)
    assert [parse_percent_bp(t) for t in ("12", "0.6%", "12.5", "0")] == [1200, 60, 1250, 0]
    with pytest.raises(ValueError):
        parse_percent_bp("0.125")
