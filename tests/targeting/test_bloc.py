"""Blocs and assumptions: parsing, validation and the error messages a user sees."""

import pytest

from swingfund.targeting.bloc import (
    ASSUMPTION_BAD_FORMAT,
    ASSUMPTION_BAD_ORDER,
    ASSUMPTION_DEFAULTS,
    BLOC_BAD_TERM,
    BLOC_DUPLICATE,
    BLOC_EMPTY,
    Assumptions,
    BlocError,
    assumption_parse,
    assumptions_build,
    bloc_parse,
    bloc_validate,
)


def test_single_and_summed_blocs_parse():
    assert bloc_parse(text="religion:muslim").terms == (("religion", "muslim"),)
    bloc = bloc_parse(text="Ethnicity:Black + ethnicity:mixed")
    assert bloc.terms == (("ethnicity", "black"), ("ethnicity", "mixed"))
    assert bloc.label == "ethnicity:black+ethnicity:mixed"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", BLOC_EMPTY),
        ("muslim", BLOC_BAD_TERM.format(term="muslim")),
        ("religion:muslim+religion:muslim", BLOC_DUPLICATE.format(term="religion:muslim")),
    ],
)
def test_bad_blocs_say_what_is_wrong(text, message):
    with pytest.raises(BlocError) as exc:
        bloc_parse(text=text)
    assert str(exc.value) == message


def test_unknown_category_lists_the_available_ones():
    available = {("religion", "muslim"), ("religion", "hindu"), ("ethnicity", "black")}
    with pytest.raises(BlocError) as exc:
        bloc_validate(bloc=bloc_parse(text="religion:nonsense"), available=available, boundary_set="pcon2024")
    assert "religion:nonsense" in str(exc.value)
    assert "ethnicity:black, religion:hindu, religion:muslim" in str(exc.value)


def test_assumption_fixed_and_ranged():
    fixed = assumption_parse(name="cohesion", text="0.6")
    assert (fixed.central, fixed.low, fixed.high, fixed.width) == (0.6, 0.6, 0.6, 0.0)
    ranged = assumption_parse(name="cohesion", text="0.6:0.4:0.9")
    assert (ranged.central, ranged.low, ranged.high) == (0.6, 0.4, 0.9)
    assert str(ranged) == "0.6 (0.4–0.9)"


def test_assumption_errors():
    with pytest.raises(BlocError, match="not a number"):
        assumption_parse(name="cohesion", text="high")
    with pytest.raises(BlocError) as exc:
        assumption_parse(name="cohesion", text="0.2:0.4:0.9")
    assert str(exc.value) == ASSUMPTION_BAD_ORDER.format(name="cohesion", low=0.4, central=0.2, high=0.9)
    with pytest.raises(BlocError) as exc:
        assumption_parse(name="cohesion", text="0.5:0.4")
    assert str(exc.value) == ASSUMPTION_BAD_FORMAT.format(name="cohesion", text="0.5:0.4")
    with pytest.raises(BlocError, match="between 0.0 and 1.0"):
        assumption_parse(name="registration", text="1.2")
    with pytest.raises(BlocError, match="Unknown assumption"):
        assumption_parse(name="charisma", text="1")


def test_defaults_are_documented_ranges_and_outputs_carry_them():
    a = Assumptions()
    for name, (central, low, high) in ASSUMPTION_DEFAULTS.items():
        got = getattr(a, name)
        assert low <= central <= high and (got.central, got.low, got.high) == (central, low, high)
    d = assumptions_build(overrides={"cohesion": "0.7:0.5:0.9"}, count_twice=True).as_dict()
    assert d["cohesion"] == {"central": 0.7, "low": 0.5, "high": 0.9, "label": "cohesion"}
    assert d["count_twice"] is True
    assert a.central_multiplier() == pytest.approx(0.9 * 0.85 * 0.95 * 0.5)
    assert all(x.width == 0 for x in a.fixed().multipliers())
    assert any("counts once" in line for line in a.describe())
