"""Writes of the money side (keyword-only functions named `<noun>_<verb>`). Import from here:
`from swingfund.funding.services import donation_record, donation_refund, donation_dispute, …`."""

from swingfund.funding.services.contributions import political_contribution_record
from swingfund.funding.services.donors import ErasureRefused, donor_address_change, donor_erase, donor_export
from swingfund.funding.services.gifts import (
    DonorDetails,
    GiftDetails,
    donation_record,
    donation_record_with_donor,
    donor_declare,
    donor_get_or_create,
)
from swingfund.funding.services.gifts_bulk import donations_record_many
from swingfund.funding.services.grants import (
    campaign_create,
    candidate_spend_record,
    grant_accept,
    grant_create,
    grant_create_from_decision,
    grant_decline,
    grant_offer,
    grant_pay,
    grant_return,
)
from swingfund.funding.services.non_money import donation_non_money_record
from swingfund.funding.services.refunds import (
    donation_dispute,
    donation_refund,
    donation_release,
    donation_return,
    donation_unreturnable,
    donation_void,
)

__all__ = [
    "DonorDetails",
    "ErasureRefused",
    "donor_address_change",
    "donor_erase",
    "donor_export",
    "GiftDetails",
    "donations_record_many",
    "donation_record_with_donor",
    "campaign_create",
    "candidate_spend_record",
    "donation_dispute",
    "donation_record",
    "donation_refund",
    "donation_release",
    "donation_return",
    "donation_void",
    "donation_non_money_record",
    "donation_unreturnable",
    "donor_declare",
    "donor_get_or_create",
    "grant_create",
    "grant_create_from_decision",
    "grant_pay",
    "grant_offer",
    "grant_accept",
    "grant_decline",
    "grant_return",
    "political_contribution_record",
]
