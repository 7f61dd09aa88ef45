"""Command-line options are range-checked before anything is written: counts, dates and amounts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from swingfund.committee.models import Proposal
from swingfund.funding import rules, services
from swingfund.funding.models import Donation, LedgerTransaction
from swingfund.funding.services.gifts import RECEIVED_IN_FUTURE

from .conftest import at


def _gift(campaign, *extra: str) -> None:
    call_command("funding", "gift", "--campaign", campaign.slug, "--method", "cheque", "--reference", "CHQ 1",
                 "--name", "Ann Lee", *extra, stdout=io.StringIO())


@pytest.mark.parametrize(("args", "refusal"), [
    (["--amount", "25", "--received", "9999-12-31"], "argument --received: must be between 2000-01-01 and now"),
    (["--amount", "25", "--received", "1066-10-14"], "argument --received: must be between 2000-01-01 and now"),
    (["--amount", "25", "--received", "yesterday"], "argument --received: must be a date"),
    (["--amount", "99999999999999999999"], "is not a sum of money in pounds and pence from £0.01 to £10,000,000"),
    (["--amount", "-5"], "is not a sum of money"),
    (["--amount", "25", "--for-candidacy", "-3"], "argument --for-candidacy: must be a whole number from 1"),
])
def test_out_of_range_gift_options_are_refused_and_nothing_is_written(pooled, args, refusal):
    with pytest.raises(CommandError, match=refusal):
        _gift(pooled, *args)
    assert LedgerTransaction.objects.count() == 0 and Donation.objects.count() == 0


def test_a_gift_dated_in_the_future_is_refused_by_the_service_too(pooled):
    with pytest.raises(ValueError, match=RECEIVED_IN_FUTURE.split("{")[0]):
        services.donation_record(campaign=pooled, donor=None, amount_pence=2_500, method="cash",
                                 received_at=dt.datetime(9999, 12, 31, tzinfo=dt.UTC))
    with pytest.raises(ValueError, match="over the most swingfund records"):
        services.donation_record(campaign=pooled, donor=None, amount_pence=rules.MAX_AMOUNT_PENCE + 1, method="cash",
                                 received_at=at("06-01"))
    assert LedgerTransaction.objects.count() == 0


def test_an_in_range_gift_is_recorded(pooled):
    _gift(pooled, "--amount", "25.50", "--received", "2024-06-01")
    assert Donation.objects.get().amount_pence == 2_550


def test_an_unknown_organisation_is_a_clear_error(figures):
    with pytest.raises(CommandError, match="No organisation .no-such-group.. Organisations: "):
        call_command("funding", "grants", "--organisation", "no-such-group", stdout=io.StringIO())


@pytest.mark.parametrize(("args", "refusal"), [
    (["--top", "-5"], "argument --top: must be a whole number from 1 to 650, got '-5'"),
    (["--top", "100000"], "argument --top: must be a whole number from 1 to 650"),
    (["--days", "0"], "argument --days: must be a whole number from 1 to 366"),
])
def test_committee_propose_refuses_out_of_range_counts(db, args, refusal):
    with pytest.raises(CommandError, match=refusal):
        call_command("committee", "propose", "--election", "parl.2024-07-04", "--bloc", "religion:muslim",
                     "--proposer", "nobody", *args, stdout=io.StringIO())
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(("command", "args", "refusal"), [
    ("targets", ["--bloc", "religion:muslim", "--top", "-1"], "argument --top: must be a whole number from 0"),
    ("targets", ["--bloc", "religion:muslim", "--adult-share", "nan"], "argument --adult-share: must be a number"),
    ("recommend", ["--min-p-decisive", "2"], "argument --min-p-decisive: must be a number from 0.0 to 1.0"),
])
def test_other_commands_refuse_out_of_range_options(db, command, args, refusal):
    with pytest.raises(CommandError, match=refusal):
        call_command(command, *args, stdout=io.StringIO())
