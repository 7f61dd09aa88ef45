"""Properties of the intervention rule over many generated seats (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from swingfund.scorecards.rules import RuleConfig, SeatCandidate, alignment, decide_seat, needed

STANCE = st.sampled_from(["agree", "disagree", "mixed", "unknown"])


@st.composite
def seats(draw):
    count = draw(st.integers(min_value=1, max_value=5))
    n = draw(st.integers(min_value=1, max_value=6))
    ranked = draw(st.booleans())
    places = draw(st.permutations(range(1, n + 1)))
    cands = [
        SeatCandidate(
            candidacy_id=100 + i,
            label=f"Candidate {i}",
            place=places[i] if ranked else None,
            stances=tuple(draw(st.lists(STANCE, min_size=count, max_size=count))),
            standing=draw(st.booleans()) or i == 0,
        )
        for i in range(n)
    ]
    config = RuleConfig(
        competitive=draw(st.sampled_from(["top_n", "all"])),
        top_n=draw(st.integers(min_value=1, max_value=3)),
        min_agree=draw(st.one_of(st.none(), st.integers(min_value=1, max_value=count))),
        tie_break=draw(st.sampled_from(["most_likely_to_win", "stay_out"])),
        split_vote=draw(st.sampled_from(["stay_out", "warn"])),
    )
    return cands, config, count


def decide(cands, config, count):
    return decide_seat(
        constituency_id=1,
        election_id="parl.2029-05-03",
        seat_name="Seat",
        candidates=cands,
        config=config,
        statement_count=count,
    )


@settings(max_examples=400, deadline=None)
@given(seats(), st.randoms(use_true_random=False))
def test_rule_invariants(seat, rnd):
    cands, config, count = seat
    out = decide(cands, config, count)
    need = needed(config=config, statement_count=count)
    by_id = {c.candidacy_id: c for c in cands}
    considered = [by_id[i] for i in out.considered]
    assert all(c.standing for c in considered)  # stood-down candidates are never considered
    assert out.reason.startswith("We back " if out.action == "back" else "We stay out of Seat")
    if out.action == "back":
        chosen = by_id[out.candidacy_id]
        assert chosen.standing and chosen in considered
        assert alignment(stances=chosen.stances, need=need) == "aligned"  # only ever an aligned candidate
        kinds = {alignment(stances=c.stances, need=need) for c in considered}
        assert "unknown" not in kinds  # unknown is never treated as disagreement: we wait instead
        assert "not_aligned" in kinds  # backing only where the competitive candidates differ
    # the outcome depends on ids, places and stances only: shuffling the input and renaming everyone changes nothing
    shuffled = [
        SeatCandidate(c.candidacy_id, f"Someone {rnd.random()}", c.place, c.stances, c.standing)
        for c in rnd.sample(cands, len(cands))
    ]
    again = decide(shuffled, config, count)
    assert (again.action, again.candidacy_id, again.considered, len(again.warnings)) == (
        out.action,
        out.candidacy_id,
        out.considered,
        len(out.warnings),
    )
