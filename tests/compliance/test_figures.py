"""Legal figures as dated data: lookup by date and nation, clear errors, database constraints, the admin."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from swingfund.compliance.models import LegalFigure
from swingfund.compliance.selectors import (
    FIGURE_NOT_IN_FORCE,
    FigureNotInForce,
    figure,
    figure_keys_missing,
    figures_in_force,
)
from swingfund.compliance.services import legal_figures_seed

pytestmark = pytest.mark.usefixtures("figures")


def test_candidate_limit_figures_change_with_the_election_date():
    assert figure("candidate_spending_limit_base", on=date(2019, 12, 12)).value == 870_000
    assert figure("candidate_spending_limit_base", on=date(2024, 7, 4)).value == 1_139_000
    assert figure("candidate_spending_per_elector_county", on=date(2019, 12, 12)).display == "9p per elector"
    assert figure("candidate_spending_per_elector_county", on=date(2024, 7, 4)).display == "12p per elector"


def test_a_nations_own_figure_wins_and_uk_wide_figures_serve_every_nation():
    assert figure("targeted_spending_limit", on=date(2024, 7, 4), nation="S").value == 615_700
    assert figure("non_party_reporting_threshold", on=date(2024, 7, 4), nation="E").display == "£20,000"
    assert figure("non_party_constituency_limit", on=date(2024, 7, 4), nation="N").value == 1_755_300


def test_every_figure_carries_its_citation_source_and_verify_flag():
    rows = figures_in_force(on=date(2024, 7, 4))
    assert len(rows) >= 25
    assert all(f.citation and f.source_url.startswith("https://") for f in rows)
    constituency = figure("non_party_constituency_limit", on=date(2024, 7, 4))
    assert constituency.verified is True and "Sch 10 para 3(2A)" in constituency.citation
    scotland = figure("non_party_limit", on=date(2024, 7, 4), nation="S")
    assert scotland.verified is False and scotland.source.endswith("[verify]") and "Computed" in scotland.note


def test_the_registered_campaigners_limits_follow_the_statutes_formula():
    """Sch 10 para 3(2): England 2% of the party limit for all its seats; the other parts £20,000 + 2%, with the
    party limit £54,010 a seat (Sch 9 para 3 as varied by SI 2023/1235); para 3(2A): 0.05% of all four."""
    per_seat, seats = 5_401_000, {"E": 543, "S": 57, "W": 32, "N": 18}
    for nation, count in seats.items():
        expected = (0 if nation == "E" else 2_000_000) + per_seat * count * 2 // 100
        assert figure("non_party_limit", on=date(2024, 7, 4), nation=nation).value == expected // 100 * 100
        assert "SI 2023/1235" in figure("non_party_limit", on=date(2024, 7, 4), nation=nation).citation
    total = per_seat * sum(seats.values())
    assert figure("non_party_constituency_limit", on=date(2024, 7, 4)).value == total * 5 // 10_000 // 100 * 100


def test_no_figure_in_force_is_a_clear_error_naming_key_nation_and_date():
    # Only the 2024 non-party limits are seeded: none is in force for Scotland in 2019.
    with pytest.raises(FigureNotInForce) as missing:
        figure("non_party_limit", on=date(2019, 12, 12), nation="S")
    assert str(missing.value) == FIGURE_NOT_IN_FORCE.format(key="non_party_limit", nation=" for nation S",
                                                             on="2019-12-12")
    with pytest.raises(FigureNotInForce, match="in force on 1990-01-01"):
        figure("regulated_period_days", on=date(1990, 1, 1))
    with pytest.raises(FigureNotInForce, match="Unknown legal figure 'spend_cap'"):
        figure("spend_cap", on=date(2024, 7, 4))
    with pytest.raises(FigureNotInForce, match="Unknown nation 'X'"):
        figure("non_party_limit", on=date(2024, 7, 4), nation="X")


def test_overlapping_rows_are_refused_by_validation_and_reported_by_the_selector():
    row = LegalFigure(key="local_permitted_sum", value=80_000, unit="pence", effective_from=date(2024, 6, 1),
                      citation="test", source_url="https://example.org/")
    with pytest.raises(ValidationError, match="already has a figure in force"):
        row.full_clean()
    row.save()  # written around validation, as a careless script might
    with pytest.raises(FigureNotInForce, match="More than one legal figure 'local_permitted_sum'"):
        figure("local_permitted_sum", on=date(2024, 7, 4))


def test_database_refuses_negative_values_and_backwards_dates():
    base = {"key": "invoice_keep_threshold", "unit": "pence", "citation": "x", "source_url": "https://example.org/"}
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalFigure.objects.create(**base, value=-1, effective_from=date(2030, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalFigure.objects.create(**base, value=1, effective_from=date(2030, 1, 2), effective_to=date(2030, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalFigure.objects.create(**{**base, "citation": ""}, value=1, effective_from=date(2030, 1, 1))


def test_reseeding_adds_only_missing_rows_and_keeps_an_administrators_edit():
    LegalFigure.objects.filter(key="invoice_keep_threshold").update(value=25_000)
    LegalFigure.objects.filter(key="ua_further_gift_threshold").delete()
    assert legal_figures_seed() == 1
    assert figure("invoice_keep_threshold", on=date(2024, 7, 4)).value == 25_000
    assert figure("ua_further_gift_threshold", on=date(2024, 7, 4)).display == "£2,230"


def test_missing_keys_are_listed_for_an_election_without_figures():
    missing = figure_keys_missing(on=date(2019, 12, 12))
    assert "ua_registration_threshold" in missing
    assert "candidate_spending_limit_base" not in missing


def test_an_administrator_edits_a_figure_in_the_admin_and_checks_use_it(admin_client):
    row = LegalFigure.objects.get(key="local_permitted_sum")
    listing = admin_client.get("/admin/compliance/legalfigure/")
    assert listing.status_code == 200 and "local_permitted_sum" in listing.content.decode()
    form = {
        "key": row.key, "nation": "", "value": "80000", "unit": "pence",
        "effective_from": row.effective_from.isoformat(), "effective_to": "", "citation": row.citation,
        "source_url": row.source_url, "verified": "on", "note": "raised",
    }
    response = admin_client.post(f"/admin/compliance/legalfigure/{row.pk}/change/", form)
    assert response.status_code == 302
    assert figure("local_permitted_sum", on=date(2024, 7, 4)).display == "£800"
    overlapping = {**form, "effective_from": "2024-03-01"}
    response = admin_client.post("/admin/compliance/legalfigure/add/", overlapping)
    assert response.status_code == 200 and "already has a figure in force" in response.content.decode()


def test_figures_come_back_after_a_flush(transactional_db):
    """A `flush` (as after any transactional test) empties the table; the post-migrate hook re-adds LAW.md's."""
    from django.core.management import call_command

    from swingfund.compliance.seed import SEED_FIGURES

    LegalFigure.objects.all().delete()
    call_command("flush", interactive=False, verbosity=0)
    assert LegalFigure.objects.count() == len(SEED_FIGURES)
    assert figure("local_permitted_sum", on=date(2024, 7, 4)).display == "£700"
