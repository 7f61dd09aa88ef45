"""Funding data: campaigns, donors, gifts, refunds, disputes, grants, spending about candidates, the ledger.

Models hold data and the invariants of one row (database constraints first). Writes go through
`funding.services`, reads through `funding.selectors`, the double-entry arithmetic and hash chain through
`funding.ledger`.
"""

from swingfund.funding.models.gifts import (
    Campaign,
    ComplianceTask,
    Dispute,
    Donation,
    Donor,
    GivingMode,
    Method,
    PermissibilityCategory,
    Refund,
)
from swingfund.funding.models.grants import (
    CandidateSpend,
    Grant,
    GrantAllocation,
    PoliticalContribution,
)
from swingfund.funding.models.ledger import (
    Account,
    AccountKind,
    ChainHead,
    Entry,
    LedgerCheckpoint,
    LedgerImmutableError,
    LedgerTransaction,
)

__all__ = [
    "Account",
    "AccountKind",
    "Campaign",
    "CandidateSpend",
    "ChainHead",
    "ComplianceTask",
    "Dispute",
    "Donation",
    "Donor",
    "Entry",
    "GivingMode",
    "Grant",
    "GrantAllocation",
    "LedgerCheckpoint",
    "LedgerImmutableError",
    "LedgerTransaction",
    "Method",
    "PermissibilityCategory",
    "PoliticalContribution",
    "Refund",
]
