"""The UK block cache of `phone_normalise` agrees with phonenumbers' own verdict, number by number."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.services import _uk_blocks, phone_normalise


def test_block_cache_matches_phonenumbers_on_random_uk_numbers():
    rng = random.Random(12)
    numbers = [f"0{rng.randint(1, 9)}{rng.randint(0, 10**9 - 1):09d}" for _ in range(3000)]
    numbers += [f"07{rng.randint(0, 10**9 - 1):09d}" for _ in range(3000)]
    _uk_blocks.clear()
    for number in numbers + numbers[::-1]:  # the second pass answers from the cache
        parsed = phonenumbers.parse(number, "GB")
        expected = phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in {
            phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
        try:
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            got = phone_normalise(phone=number) == e164
        except OutreachRefusal:
            got = False
        assert got == expected, number
    assert len(_uk_blocks) < len(numbers)


@pytest.mark.parametrize(("raw", "e164"), [("07911 123456", "+447911123456"), ("+44 7911 123456", "+447911123456"),
                                           ("0044 7911 123456", "+447911123456"), ("+92 300 1234567", "+923001234567")])
def test_formats(raw, e164):
    assert phone_normalise(phone=raw) == e164
