"""Clean money for grants (issue 20 part 2): a grant passes on the group's money to a candidate, whose agent must
know the true source of any part over £50 (RPA 1983 Schedule 2A; LAW.md "Whose money funds a grant"). So a grant is
funded only from gifts of £50 or less, or from identified donors checked permissible; the ledger records which gifts
fund each grant, pooled or earmarked, and the treasurer sees the clean part of the fund before paying."""

from __future__ import annotations

import re

import pytest

from swingfund.compliance.selectors import figure
from swingfund.funding import notices, selectors, services
from swingfund.funding.models import Grant, GrantAllocation
from swingfund.funding.services import grants
from tests.funding.conftest import at, make_donor

pytestmark = pytest.mark.django_db
GRANT_DAY = at("06-10")  # inside the candidacy (candidates from close of nominations, 7 June 2024, to polling day)


def give(campaign, donor, pence, day="06-01", method="cash"):
    return services.donation_record(campaign=campaign, donor=donor, amount_pence=pence, method=method,
                                    reference="r", received_at=at(day))


def test_a_grant_cannot_be_funded_by_an_anonymous_60_pound_gift(pooled, candidacy):
    """£50: RPA 1983 Sch 2A (a gift of £50 or less to a candidate is not a donation). An anonymous £60 gift is
    under the group's own £500 threshold, so the pooled fund accepts it and may spend it on its own campaigning, but
    it can never be passed on to a candidate: the grant is refused, naming the figure and its citation."""
    threshold = figure("candidate_donation_threshold", on=at("06-01").date())
    assert threshold.value == 5_000 and "Schedule 2A" in threshold.citation
    gift = give(pooled, None, 6_000)
    assert gift.status == gift.Status.ACCEPTED and selectors.campaign_spendable_pence(pooled) == 6_000
    assert selectors.campaign_clean_pence(pooled, on=GRANT_DAY.date()) == 0  # what the treasurer sees before paying
    with pytest.raises(ValueError) as refused:
        services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=6_000, reason="r",
                              created_at=GRANT_DAY)
    message = str(refused.value)
    assert "£50" in message and "Schedule 2A" in message and "£0.00" in message and "£60.00" in message
    assert Grant.objects.count() == 0 and GrantAllocation.objects.count() == 0


def test_the_ledger_records_which_clean_gifts_fund_a_pooled_grant(pooled, candidacy):
    """Oldest clean gifts first: £40 anonymous (at or under £50: not a donation in law), £60 from a checked elector;
    the £70 anonymous and the £80 from an unchecked donor are not clean. Clean = £40 + £60 = £100 of £250 raised."""
    anon_small = give(pooled, None, 4_000, day="06-01")
    give(pooled, None, 7_000, day="06-02")
    checked = give(pooled, make_donor("Ann Kaur"), 6_000, day="06-03", method="bank_transfer")
    give(pooled, make_donor("Ben Unchecked", checked=False), 8_000, day="06-04", method="bank_transfer")
    assert selectors.campaign_spendable_pence(pooled) == 25_000
    assert selectors.campaign_clean_pence(pooled) == 10_000
    with pytest.raises(ValueError, match=re.escape("£100.00")):
        services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=10_001, reason="r",
                              created_at=GRANT_DAY)
    grant = services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=9_000, reason="r",
                                  created_at=GRANT_DAY)
    assert sorted((a.donation_id, a.amount_pence) for a in grant.allocations.all()) == [
        (anon_small.pk, 4_000), (checked.pk, 5_000)]
    assert selectors.campaign_clean_pence(pooled) == 1_000
    notice = notices.notice_for_grant(grant)
    # the true source of the part over £50 is named for the agent; the £40 anonymous gift is not a donation
    assert [(s["name"], s["amount_pence"]) for s in notice.sources] == [("Ann Kaur", 5_000)]


def test_refusal_message_is_the_module_constant(pooled, candidacy):
    give(pooled, None, 6_000)
    expected = grants.UNCLEAN_FUNDS.format(clean="£0.00", amount="£60.00", campaign="pooled",
                                           threshold=figure("candidate_donation_threshold", on=at("06-01").date()))
    with pytest.raises(ValueError, match=re.escape(expected[:80])):
        services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=6_000, reason="r",
                              created_at=GRANT_DAY)
