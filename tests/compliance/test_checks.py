"""The refusing checks and the warnings, on hand-worked figures from LAW.md (4 July 2024 general election)."""

from __future__ import annotations

from datetime import date

import pytest

from swingfund.compliance import checks, general, material
from swingfund.compliance.checks import ComplianceRefusal, Situation
from swingfund.compliance.errors import LimitExceeded
from swingfund.compliance.seed import seed_table

POLL_2024 = date(2024, 7, 4)
POLL_2019 = date(2019, 12, 12)
# No database: the law is pure functions over the table of LAW.md's figures, passed in.
LAW = seed_table()


SEATS = {"E": 543, "S": 57, "W": 32, "N": 18}
REGISTERED = general.Status(recorded=True, eligible=True, registered_on=date(2024, 1, 1))
NOT_REGISTERED = general.Status(recorded=True, eligible=True, registered_on=None)


def named(pence: int, *, seat: int = 1, nation: str = "E") -> general.Item:
    return general.Item(amount_pence=pence, incurred_on=date(2024, 6, 1), area="constituencies",
                        seats=((seat, nation),))


def in_part(pence: int, nation: str, **extra) -> general.Item:
    return general.Item(amount_pence=pence, incurred_on=date(2024, 6, 1), area="nation", nation=nation, **extra)


def check(item: general.Item, *earlier: general.Item, status: general.Status = REGISTERED):
    return general.check_item(figures=LAW,
                              item=item, earlier=list(earlier), status=status, seats_per_nation=SEATS, on=POLL_2024,
                              seat_names={1: "Testford (E14000001)"})


def test_spend_that_would_pass_a_seats_constituency_limit_is_refused_naming_limit_amount_and_source():
    with pytest.raises(LimitExceeded) as refused:
        check(named(55_400), named(1_700_000))
    message = str(refused.value)
    assert "spending attributed to Testford (E14000001) to £17,554" in message  # the total it would reach
    assert "constituency limit of £17,553" in message
    assert "PPERA 2000, Sch 10 para 3(2A)" in message and "SI 2023/1235" in message
    assert "https://www.electoralcommission.org.uk/" in message
    assert "[verify]" not in message  # confirmed: 0.05% × 650 × £54,010 = £17,553.25, as the Commission's examples
    assert refused.value.code == "non_party_constituency_limit"
    assert refused.value.figure.value == 1_755_300


def test_spend_exactly_up_to_the_constituency_limit_is_allowed_with_a_warning():
    (warning,) = check(named(755_300, seat=7, nation="S"), named(1_000_000, seat=7, nation="S"))
    assert warning.percent == 100 and not warning.exceeded


def test_constituency_spend_below_80_percent_has_no_warning_and_at_80_percent_warns():
    limit = 1_755_300
    assert check(named(limit * 80 // 100 - 1)) == []
    (warning,) = check(named(-(-limit * 80 // 100)))  # ceiling of 80 %
    assert warning.code == "non_party_constituency_limit" and warning.percent == 80


def test_candidate_limit_is_base_plus_per_elector_and_changes_with_the_election_date():
    # 2024: £11,390 + 8p × 72,000 (borough) = £17,150; + 12p (county) = £20,030.
    assert checks.candidate_spending_limit(figures=LAW,
                                           electorate=72_000, constituency_type="Borough", on=POLL_2024)[0] == 1_715_000
    assert checks.candidate_spending_limit(figures=LAW,
                                           electorate=72_000, constituency_type="County", on=POLL_2024)[0] == 2_003_000
    # 2019: £8,700 + 6p × 72,000 = £13,020; + 9p = £15,180.
    assert checks.candidate_spending_limit(figures=LAW,
                                           electorate=72_000, constituency_type="Borough", on=POLL_2019)[0] == 1_302_000
    assert checks.candidate_spending_limit(figures=LAW,
                                           electorate=72_000, constituency_type="County", on=POLL_2019)[0] == 1_518_000
    # Scottish burghs use the borough rate.
    assert checks.candidate_spending_limit(figures=LAW,
                                           electorate=72_000, constituency_type="Burgh", on=POLL_2024)[0] == 1_715_000


def test_grant_that_fits_2024_candidate_limit_is_refused_under_2019_figures():
    kwargs = {"electorate": 72_000, "constituency_type": "Borough", "spent_pence": 1_300_000,
              "additional_pence": 100_000}
    checks.check_candidate_spend(figures=LAW, **kwargs, on=POLL_2024)  # £14,000 of £17,150: allowed
    with pytest.raises(ComplianceRefusal) as refused:
        checks.check_candidate_spend(figures=LAW, **kwargs, on=POLL_2019)  # £14,000 of £13,020: refused
    assert "£13,020" in str(refused.value)
    assert "6p per elector × 72,000 electors" in str(refused.value)
    assert "Representation of the People Act 1983, s.76" in str(refused.value)


def test_unknown_constituency_type_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown constituency type 'City'"):
        checks.check_candidate_spend(figures=LAW,
                                     electorate=1000, constituency_type="City", spent_pence=0, additional_pence=1,
                                     on=POLL_2024)


def spend_about(pence: int, before: int, authority: material.Authority | None = None, *, spending: bool = True):
    return material.check_candidate_material(figures=LAW, costs={7: pence}, earlier={7: before},
                                             authorities={7: authority}, names={7: "Ann Candidate (Testford)"},
                                             on=POLL_2024, spending=spending)


def test_negative_amounts_are_refused_as_bad_input():
    with pytest.raises(ValueError, match=r"A cost must not be negative \(got -1 pence for Ann Candidate"):
        spend_about(-1, 0)
    with pytest.raises(ValueError, match=r"positive number of pence \(got -1\)"):
        check(named(-1))


def test_local_spend_about_a_candidate_is_capped_at_700_unless_the_agent_authorised_it():
    [charge] = spend_about(10_000, 60_000)  # £600 + £100 = the £700 permitted sum exactly
    assert (charge.spent_before_pence, charge.limit_pence, charge.left_pence, charge.authorised) == (
        60_000, 70_000, 0, False)
    with pytest.raises(ComplianceRefusal) as refused:
        spend_about(10_001, 60_000)
    text = str(refused.value)
    assert "£700" in text and "s.75" in text and "Ann Candidate (Testford)" in text and "£700.01" in text
    assert text.startswith("Refused: this is spending about")  # recorded spending, worded as such
    with pytest.raises(ComplianceRefusal, match="Refused before sending: this material names"):
        spend_about(10_001, 60_000, spending=False)
    agent = material.Authority(limit_pence=560_000, agent_name="Pat Agent", authorised_on=date(2024, 6, 11))
    [charge] = spend_about(500_000, 60_000, agent)  # the agent's £5,600 exactly
    assert (charge.limit_pence, charge.left_pence, charge.authorised) == (560_000, 0, True)
    with pytest.raises(ComplianceRefusal, match="over the £5,600 their election agent Pat Agent authorised"):
        spend_about(500_001, 60_000, agent)


def test_targeted_spending_limit_is_per_nation_and_lifted_by_party_authorisation():
    check(in_part(345_600, "W", party_id=9))
    with pytest.raises(LimitExceeded, match="targeted spending limit for Wales of £3,456"):
        check(in_part(345_601, "W", party_id=9))
    check(in_part(345_601, "E", party_id=9))  # England's targeted limit is £58,654
    check(in_part(5_000_000, "W", party_id=9, party_authorised=True))  # within Wales's own limit


def test_unregistered_campaigner_may_not_pass_the_notification_threshold():
    check(in_part(100_000, "E"), in_part(900_000, "S"), status=NOT_REGISTERED)
    with pytest.raises(LimitExceeded, match="£10,000"):
        check(in_part(100_001, "E"), in_part(900_000, "S"), status=NOT_REGISTERED)
    assert check(in_part(100_001, "E"), in_part(900_000, "S")) == []  # registered: each part's own limit


@pytest.mark.parametrize(
    ("situation", "amount", "aggregate", "required"),
    [
        (Situation.CANDIDATE_GIFT, 5_000, 5_000, False),  # £50 is not over £50
        (Situation.CANDIDATE_GIFT, 5_001, 5_001, True),
        (Situation.NON_PARTY_CAMPAIGN, 50_000, 50_000, False),  # £500 is not over £500
        (Situation.NON_PARTY_CAMPAIGN, 50_001, 50_001, True),
        (Situation.NON_PARTY_CAMPAIGN, 30_000, 60_000, True),  # second £300 gift: the donor's aggregate counts
        (Situation.LOCAL_CANDIDATE_CAMPAIGN, 6_000, 6_000, True),
    ],
)
def test_gift_requires_permissibility_per_situation(situation, amount, aggregate, required):
    assert checks.gift_requires_permissibility(figures=LAW,
                                               amount_pence=amount, aggregate_pence=aggregate, situation=situation,
                                               on=POLL_2024) is required


def test_return_is_due_within_30_days_beginning_with_the_day_of_receipt():
    """£ figure: 30 days (PPERA 2000 Sch 11 para 7(2) and RPA 1983 Sch 2A para 7: "within the period of 30 days
    beginning with the date of its receipt"). The day of receipt is day 1, so the last day is receipt + 29: a gift
    received on 20 June 2024 goes back by 19 July, not 20 July (counted by hand on a calendar)."""
    period = LAW.get("return_impermissible_days", on=date(2024, 6, 20))
    assert period.value == 30 and "Schedule 11 para 7" in period.citation
    assert checks.return_due_date(figures=LAW, received_on=date(2024, 6, 20)) == date(2024, 7, 19)
    assert checks.return_due_date(figures=LAW, received_on=date(2024, 2, 15)) == date(2024, 3, 15)  # leap year: 29 Feb
    assert checks.return_due_date(figures=LAW, received_on=date(2024, 12, 31)) == date(2025, 1, 29)


def test_impermissible_gift_over_threshold_is_held_with_its_return_date():
    with pytest.raises(ComplianceRefusal) as refused:
        checks.check_gift_spendable(figures=LAW, permissible=False, amount_pence=100_000, aggregate_pence=100_000,
                                    situation=Situation.NON_PARTY_CAMPAIGN, on=date(2024, 6, 1),
                                    received_on=date(2024, 6, 1))
    assert refused.value.code == "gift_impermissible"
    assert "must be returned by 2024-06-30" in str(refused.value)
    assert "£500" in str(refused.value) and "Schedule 11" in str(refused.value)


def test_unverified_gift_is_held_until_checked_and_permissible_or_small_gifts_may_be_spent():
    with pytest.raises(ComplianceRefusal) as refused:
        checks.check_gift_spendable(figures=LAW, permissible=None, amount_pence=10_000, aggregate_pence=10_000,
                                    situation=Situation.CANDIDATE_GIFT, on=POLL_2024)
    assert refused.value.code == "gift_unverified"
    assert "not confirmed permissible" in str(refused.value)
    checks.check_gift_spendable(figures=LAW, permissible=True, amount_pence=10_000, aggregate_pence=10_000,
                                situation=Situation.CANDIDATE_GIFT, on=POLL_2024)
    checks.check_gift_spendable(figures=LAW, permissible=False, amount_pence=4_000, aggregate_pence=4_000,
                                situation=Situation.CANDIDATE_GIFT, on=POLL_2024)


def test_splitting_a_gift_under_the_threshold_is_flagged():
    assert checks.splitting_suspected(figures=LAW,
                                      amounts_pence=[40_000, 40_000], situation=Situation.NON_PARTY_CAMPAIGN,
                                      on=POLL_2024)
    assert not checks.splitting_suspected(figures=LAW,
                                          amounts_pence=[20_000, 20_000], situation=Situation.NON_PARTY_CAMPAIGN,
                                          on=POLL_2024)
    assert not checks.splitting_suspected(figures=LAW,
                                          amounts_pence=[60_000], situation=Situation.NON_PARTY_CAMPAIGN, on=POLL_2024)


def test_registration_warning_at_80_percent_of_the_unincorporated_association_threshold():
    threshold = 3_727_000
    assert checks.registration_warning(figures=LAW, contributions_pence=threshold * 80 // 100 - 1, on=POLL_2024) is None
    warning = checks.registration_warning(figures=LAW, contributions_pence=threshold * 80 // 100 + 1, on=POLL_2024)
    assert warning is not None and warning.percent == 80 and not warning.exceeded
    assert "£37,270" in warning.message and "Schedule 19A" in warning.message
    over = checks.registration_warning(figures=LAW, contributions_pence=threshold + 1, on=POLL_2024)
    assert over is not None and over.exceeded and "register as an unincorporated association" in over.message


def test_notification_warning_at_80_percent_of_the_non_party_notification_threshold():
    assert check(in_part(799_999, "E"), status=NOT_REGISTERED) == []
    (warning,) = check(in_part(800_000, "E"), status=NOT_REGISTERED)
    assert "£10,000" in warning.message and warning.percent == 80


def test_unincorporated_association_gift_reporting_thresholds():
    assert not checks.ua_gift_reportable(figures=LAW, aggregate_pence=1_118_000, already_reported=False, on=POLL_2024)
    assert checks.ua_gift_reportable(figures=LAW,
                                     aggregate_pence=1_118_001, already_reported=False, on=POLL_2024)  # over £11,180
    assert not checks.ua_gift_reportable(figures=LAW, aggregate_pence=223_000, already_reported=True, on=POLL_2024)
    assert checks.ua_gift_reportable(figures=LAW,
                                     aggregate_pence=223_001, already_reported=True, on=POLL_2024)  # over £2,230
