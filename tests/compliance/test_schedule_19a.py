"""Schedule 19A (PPERA 2000), on hand-worked figures: an unincorporated association counts only political
contributions over £500 towards the £37,270 registration threshold and notifies within 30 days beginning with the
contribution that crossed it; once registered it reports gifts from one source over £11,180 in a year, then further
gifts from that source over £2,230. Figures from the seed table (SI 2023/1235 art. 4), checked against the
Commission's unincorporated-associations pages."""

from __future__ import annotations

from datetime import date

from swingfund.compliance import ua
from swingfund.compliance.seed import seed_table

LAW = seed_table()
Y = 2024


def gift(source: str, pounds_pence: int, day: int) -> ua.Gift:
    return ua.Gift(source=source, amount_pence=pounds_pence, received_on=date(Y, 3, day), reference=f"{source}{day}")


def test_the_figures_are_the_commissions():
    on = date(Y, 7, 4)
    assert LAW.get("ua_gift_reporting_threshold", on=on).value == 1_118_000  # £11,180
    assert LAW.get("ua_further_gift_threshold", on=on).value == 223_000  # £2,230
    assert LAW.get("ua_registration_threshold", on=on).value == 3_727_000  # £37,270
    assert LAW.get("ua_contribution_count_threshold", on=on).value == 50_000  # £500
    assert "Schedule 19A" in LAW.get("ua_gift_reporting_threshold", on=on).citation


def test_a_gift_is_reported_over_11180_pounds_not_at_it():
    at = ua.gift_reports(figures=LAW, gifts=[gift("A", 1_118_000, 1)], year=Y)
    over = ua.gift_reports(figures=LAW, gifts=[gift("A", 1_118_001, 1)], year=Y)
    assert at == [] and [(r.source, r.total_pence, r.further) for r in over] == [("A", 1_118_001, False)]


def test_gifts_from_one_source_are_added_but_gifts_of_500_pounds_or_less_do_not_count():
    # £6,000 + £5,181 = £11,181: over, reported on the second gift's day
    (report,) = ua.gift_reports(figures=LAW, gifts=[gift("B", 600_000, 1), gift("B", 518_100, 9)], year=Y)
    assert (report.total_pence, report.reportable_on) == (1_118_100, date(Y, 3, 9))
    # £10,700 + £500 + £500: the £500 gifts are not over £500, so £10,700 counts: not reportable
    assert ua.gift_reports(figures=LAW, gifts=[gift("C", 1_070_000, 1), gift("C", 50_000, 2),
                                               gift("C", 50_000, 3)], year=Y) == []


def test_further_gifts_from_a_reported_source_are_reported_over_2230_pounds():
    first = gift("D", 1_200_000, 1)  # £12,000: the first report
    reports = ua.gift_reports(figures=LAW, gifts=[first, gift("D", 223_000, 2)], year=Y)
    assert [(r.total_pence, r.further) for r in reports] == [(1_200_000, False)]  # £2,230 is not over £2,230
    reports = ua.gift_reports(figures=LAW, gifts=[first, gift("D", 120_000, 2), gift("D", 103_100, 3)], year=Y)
    assert [(r.total_pence, r.further) for r in reports] == [(1_200_000, False), (223_100, True)]  # £1,200 + £1,031
    # a gift in another year starts the count again
    assert ua.gift_reports(figures=LAW, gifts=[first, ua.Gift("D", 300_000, date(Y + 1, 1, 5))], year=Y + 1) == []


def test_the_registration_counter_counts_only_political_contributions_over_500_pounds():
    made = [
        ua.Contribution("non_party_campaigner", 3_700_000, date(Y, 2, 1)),  # £37,000: counts
        ua.Contribution("registered_party", 50_000, date(Y, 2, 2)),  # £500: not over £500
        ua.Contribution("candidate", 500_000, date(Y, 3, 1)),  # a grant to a candidate: not a political contribution
    ]
    counter = ua.registration(figures=LAW, contributions=made, year=Y)
    assert (counter.counted_pence, counter.crossed_on) == (3_700_000, None)
    made.append(ua.Contribution("registered_party", 27_100, date(Y, 4, 10)))  # £271: not over £500
    assert ua.registration(figures=LAW, contributions=made, year=Y).crossed_on is None
    made.append(ua.Contribution("elective_office_holder", 50_100, date(Y, 4, 20)))  # £501: £37,501 > £37,270
    counter = ua.registration(figures=LAW, contributions=made, year=Y)
    assert (counter.counted_pence, counter.crossed_on) == (3_750_100, date(Y, 4, 20))
    assert counter.notify_by == date(Y, 5, 19)  # 30 days beginning with 20 April
