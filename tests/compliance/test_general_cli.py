"""`swingfund compliance status` and `spend`: recorded through the same services, refusals as one line, exit 2."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from swingfund.compliance.models import CampaignSpend, GroupLegalStatus

ELECTION = "parl.2024-07-04"


@pytest.fixture
def org(official_db, figures):
    from swingfund.scorecards.models import Organisation

    return Organisation.objects.create(name="Leeds Fair Vote", slug="lfv")


def test_status_then_spend_records_and_a_refusal_exits_2_naming_the_limit(org, capsys):
    call_command("compliance", "status", "--organisation", "lfv", "--form", "unincorporated_association")
    assert GroupLegalStatus.objects.get(organisation=org).uk_based is True
    call_command("compliance", "spend", "--organisation", "lfv", "--election", ELECTION, "--incurred", "2024-06-01",
                 "--supplier", "Print Co", "--amount", "9,999.99", "--category", "material",
                 "--description", "Leaflets", "--constituency", "E14001063", "--invoice", "INV-9")
    item = CampaignSpend.objects.get()
    assert (item.amount_pence, item.area, [c.gss_code for c in item.constituencies.all()]) == (
        999_999, "constituencies", ["E14001063"])
    with pytest.raises(SystemExit) as exited:
        call_command("compliance", "spend", "--organisation", "lfv", "--election", ELECTION, "--incurred",
                     "2024-06-02", "--supplier", "Ads", "--amount", "0.02", "--category", "media",
                     "--description", "Press", "--nation", "S")
    assert exited.value.code == 2
    assert "over the limit for a campaigner not registered with the Commission of £10,000" in capsys.readouterr().err
    assert CampaignSpend.objects.count() == 1
