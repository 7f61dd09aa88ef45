"""The figures of LAW.md (4 July 2024 general election), and the 2019 candidate limits, as seed rows.

A data migration loads them into `LegalFigure`; `services.legal_figures_seed()` re-loads missing rows (never
overwriting an administrator's edit). `effective_from` is the earliest date our sources confirm for the value:
the uprated money figures apply from 1 January 2024 (the 2023 uprating order); figures unchanged since the
2019 election carry 2019-01-01. Earlier elections need their own rows, added in the admin.
"""

from __future__ import annotations

from datetime import date
from typing import Any

EC = "https://www.electoralcommission.org.uk"
NP = f"{EC}/non-party-campaigners-uk-parliamentary-general-elections"
CAND = f"{EC}/guidance-candidates-and-agents-uk-parliamentary-elections-great-britain"
PPERA = "https://www.legislation.gov.uk/ukpga/2000/41"
RPA = "https://www.legislation.gov.uk/ukpga/1983/2"
# The order that uprated the 2024 figures (in force 1 January 2024): art. 2 candidates' expenses, art. 3 parties'
# campaign expenditure (from which the non-party limits are computed), art. 4 donation and UA thresholds.
SI_2023_1235 = "SI 2023/1235 (Variation of Election Expenses, Expenditure Limits and Donation etc. Thresholds " \
    "Order)"
SI_URL = "https://www.legislation.gov.uk/uksi/2023/1235/made"
SCH10 = "https://www.legislation.gov.uk/ukpga/2000/41/schedule/10/part/II"

PPERA_PART_VI = date(2001, 2, 16)
Y2019 = date(2019, 1, 1)
Y2024 = date(2024, 1, 1)
END_2023 = date(2023, 12, 31)


def _row(key: str, value: int, unit: str, start: date, citation: str, url: str, *, nation: str = "",
         end: date | None = None, verified: bool = True, note: str = "") -> dict[str, Any]:
    return {"key": key, "nation": nation, "value": value, "unit": unit, "effective_from": start, "effective_to": end,
            "citation": citation, "source_url": url, "verified": verified, "note": note}


SEED_FIGURES: list[dict[str, Any]] = [
    # --- Situation 1: giving money to a candidate -------------------------------------------------
    _row("candidate_donation_threshold", 5_000, "pence", Y2019,
         "Representation of the People Act 1983, Schedule 2A (a gift of £50 or less is not a donation)",
         f"{CAND}/candidate-donations/what-records-do-you-need-keep"),
    _row("candidate_spending_limit_base", 870_000, "pence", date(2015, 1, 1),
         "Representation of the People Act 1983, s.76 (limits as varied in 2014)", f"{RPA}/section/76",
         end=END_2023, note="GE2015–GE2019 short-campaign limit. Start date approximate (covers GE2015 onwards)."),
    _row("candidate_spending_per_elector_borough", 6, "pence_per_elector", date(2015, 1, 1),
         "Representation of the People Act 1983, s.76 (limits as varied in 2014)", f"{RPA}/section/76", end=END_2023),
    _row("candidate_spending_per_elector_county", 9, "pence_per_elector", date(2015, 1, 1),
         "Representation of the People Act 1983, s.76 (limits as varied in 2014)", f"{RPA}/section/76", end=END_2023),
    _row("candidate_spending_limit_base", 1_139_000, "pence", Y2024,
         f"Representation of the People Act 1983, s.76, as varied by {SI_2023_1235}, art. 2 (short campaign)",
         f"{CAND}/spending-and-donations"),
    _row("candidate_spending_per_elector_borough", 8, "pence_per_elector", Y2024,
         f"Representation of the People Act 1983, s.76, as varied by {SI_2023_1235}, art. 2 (short campaign)",
         f"{CAND}/spending-and-donations"),
    _row("candidate_spending_per_elector_county", 12, "pence_per_elector", Y2024,
         f"Representation of the People Act 1983, s.76, as varied by {SI_2023_1235}, art. 2 (short campaign)",
         f"{CAND}/spending-and-donations"),
    # The long campaign of a parliament that runs its course (RPA 1983 s.76ZA, inserted by the Political Parties
    # and Elections Act 2009): LAW.md's 2024 figures, not yet confirmed from the order itself.
    _row("long_campaign_start_months", 55, "months", date(2009, 7, 21),
         "Representation of the People Act 1983, s.76ZA(1)–(2) (the long campaign begins the day after 55 months "
         "from the day the parliament first met)", f"{RPA}/section/76ZA"),
    _row("candidate_long_limit_base", 4_022_000, "pence", Y2024,
         f"Representation of the People Act 1983, s.76ZA(2), as varied by {SI_2023_1235}, art. 2 (long campaign)",
         f"{CAND}/spending-and-donations", verified=False,
         note="LAW.md: £40,220 + 8p/12p per elector [verify] against the order."),
    _row("candidate_long_per_elector_borough", 8, "pence_per_elector", Y2024,
         f"Representation of the People Act 1983, s.76ZA(2), as varied by {SI_2023_1235}, art. 2 (long campaign)",
         f"{CAND}/spending-and-donations", verified=False),
    _row("candidate_long_per_elector_county", 12, "pence_per_elector", Y2024,
         f"Representation of the People Act 1983, s.76ZA(2), as varied by {SI_2023_1235}, art. 2 (long campaign)",
         f"{CAND}/spending-and-donations", verified=False),
    _row("candidate_expenses_payment_days", 28, "days", Y2019,
         "Representation of the People Act 1983, s.78 (claims sent in within 21 days, and paid within 28 days, "
         "after the day the result is declared)", f"{RPA}/section/78",
         note="Counted from polling day, the earliest day a result can be declared."),
    _row("return_impermissible_days", 30, "days", Y2019,
         "PPERA 2000, Schedule 11 para 7; RPA 1983, Schedule 2A (return within 30 days of receipt)",
         f"{NP}/donations/what-do-you-need-do-when-you-receive-a-donation"),
    _row("ua_registration_threshold", 3_727_000, "pence", Y2024,
         f"PPERA 2000, Schedule 19A (unincorporated associations), as varied by {SI_2023_1235}, art. 4",
         f"{EC}/unincorporated-associations"),
    _row("ua_gift_reporting_threshold", 1_118_000, "pence", Y2024,
         f"PPERA 2000, Schedule 19A (unincorporated associations), as varied by {SI_2023_1235}, art. 4",
         f"{EC}/unincorporated-associations"),
    _row("ua_further_gift_threshold", 223_000, "pence", Y2024,
         f"PPERA 2000, Schedule 19A (unincorporated associations), as varied by {SI_2023_1235}, art. 4",
         f"{EC}/unincorporated-associations"),
    _row("ua_contribution_count_threshold", 50_000, "pence", Y2024,
         "PPERA 2000, Schedule 19A para 1 (a political contribution counts towards the registration threshold only "
         "if it is over £500; notify within 30 days beginning with the contribution date)",
         f"{EC}/unincorporated-associations/when-does-unincorporated-association-have-register-us"),
    _row("ua_notify_days", 30, "days", Y2024,
         "PPERA 2000, Schedule 19A para 1 (notify the Commission within 30 days beginning with the date of the "
         "contribution that took the year's total over the registration threshold)",
         f"{EC}/unincorporated-associations/when-does-unincorporated-association-have-register-us"),
    # --- Situation 2: local campaigning about a named candidate ---------------------------------------
    _row("local_permitted_sum", 70_000, "pence", Y2019,
         "Representation of the People Act 1983, s.75(1ZZB) (permitted sum, UK Parliamentary elections)",
         f"{EC}/non-party-campaigners-local-campaigning-great-britain-uk-parliamentary-general-elections-and/"
         "local-campaigns"),
    _row("local_authorised_return_days", 21, "days", Y2019,
         "Representation of the People Act 1983, s.75(2) (return of authorised expenses to the Returning Officer)",
         f"{RPA}/section/75"),
    # --- Situation 3: general non-party campaign ------------------------------------------------------
    _row("regulated_period_days", 365, "days", PPERA_PART_VI,
         "PPERA 2000, Schedule 10 para 3 (365 days ending with the date of the poll)",
         f"{NP}/regulated-period", note="Unchanged since PPERA 2000 Part VI came into force."),
    _row("non_party_unregistrable_limit", 70_000, "pence", Y2024,
         "PPERA 2000, s.94 as amended by the Elections Act 2022 (anyone may spend up to £700)",
         f"{NP}/overview-non-party-campaigner-requirements/who-covered-law"),
    _row("non_party_notification_threshold", 1_000_000, "pence", Y2024,
         "PPERA 2000, s.94 as amended by the Elections Act 2022 (notify above £10,000 UK-wide)",
         f"{NP}/overview-non-party-campaigner-requirements/who-covered-law"),
    *[
        _row("non_party_reporting_threshold", value, "pence", Y2024,
             "PPERA 2000, s.94(5)–(6) (UKPGE reporting threshold per part of the UK)",
             f"{NP}/overview-non-party-campaigner-requirements", nation=nation)
        for nation, value in (("E", 2_000_000), ("S", 1_000_000), ("W", 1_000_000), ("N", 1_000_000))
    ],
    _row("non_party_limit", 58_654_800, "pence", Y2024,
         f"PPERA 2000, Sch 10 para 3(2)(a): 2% of the maximum campaign expenditure limit in England "
         f"(543 seats × £54,010, Sch 9 para 3 as varied by {SI_2023_1235}, art. 3)",
         f"{NP}/spending-limits/examples-attributing-spending", nation="E",
         note="2% × £29,327,430 = £586,548.60; the Commission states £586,548 (the lower figure is used)."),
    # Scotland, Wales, Northern Ireland: computed from the statute's formula; no published figure was found to
    # confirm them, so they stay marked [verify] until an administrator checks the Commission's table.
    *[
        _row("non_party_limit", pounds * 100, "pence", Y2024,
             f"PPERA 2000, Sch 10 para 3(2)({letter}): £20,000 + 2% of the maximum campaign expenditure limit in "
             f"{name} ({seats} seats × £54,010, Sch 9 para 3 as varied by {SI_2023_1235}, art. 3)",
             SCH10, nation=nation, verified=False,
             note=f"Computed: £20,000 + 2% × {seats} × £54,010 = £{pounds:,} (pence dropped). Not confirmed "
                  "against a figure published by the Electoral Commission.")
        for nation, letter, name, seats, pounds in (("S", "b", "Scotland", 57, 81_571), ("W", "c", "Wales", 32, 54_566),
                                                    ("N", "d", "Northern Ireland", 18, 39_443))
    ],
    _row("non_party_constituency_limit", 1_755_300, "pence", Y2024,
         f"PPERA 2000, Sch 10 para 3(2A): 0.05% of the total of the maximum campaign expenditure limits in the four "
         f"parts (650 seats × £54,010 = £35,106,500; {SI_2023_1235}, art. 3)",
         f"{NP}/spending-limits/examples-attributing-spending",
         note="0.05% × £35,106,500 = £17,553.25. The Commission's worked examples say £17,553; its key-terms page's "
              "£17,533 is a transposition of the same figure."),
    _row("non_party_constituency_itemise_threshold", 1_404_200, "pence", Y2024,
         "PPERA 2000, s.96 (constituencies with spending over this are listed, items itemised, in the return)",
         f"{NP}/after-election/reporting-requirements-after-election/spending"),
    *[
        _row("targeted_spending_limit", value, "pence", Y2024,
             f"PPERA 2000, s.94(5ZA) and Schedule 10: 0.2% of the part's maximum campaign expenditure limit "
             f"(targeted spending not authorised by the party; {SI_2023_1235}, art. 3)",
             f"{NP}/targeted-spending/limits-targeted-spending", nation=nation)
        for nation, value in (("E", 5_865_400), ("S", 615_700), ("W", 345_600), ("N", 194_400))
    ],
    _row("non_party_permissibility_threshold", 50_000, "pence", Y2019,
         "PPERA 2000, Schedule 11 (anything worth £500 or less is not a donation)",
         f"{NP}/donations/what-a-donation"),
    _row("non_party_donation_report_threshold", 750_000, "pence", Y2024,
         "PPERA 2000, Schedule 11 para 10 (accepted gifts over £7,500 from one source reported individually)",
         f"{NP}/after-election/reporting-requirements-after-election/donations"),
    _row("non_party_auditor_threshold", 25_000_000, "pence", Y2019,
         "PPERA 2000, s.97 (a spending return over £250,000 comes with a qualified auditor's report)",
         f"{NP}/after-election/reporting-requirements-after-election/spending", verified=False,
         note="The amount is the Commission's; the section number is to be confirmed against the Act."),
    _row("dissolution_working_days", 25, "days", Y2019,
         "Representation of the People Act 1983, Schedule 1 r.1 (timetable: dissolution 25 working days before the "
         "poll); weekly pre-poll donation reports run from dissolution to polling day (PPERA 2000 s.95B-95D)",
         f"{NP}/donations/when-do-you-report-donations/dissolution-parliament-until-polling-day-weekly-pre-poll-"
         "reports", verified=False, note="Weekly report sections to be confirmed against the Act."),
    _row("pre_poll_report_days", 7, "days", Y2019,
         "PPERA 2000 Part VI (weekly pre-poll donation reports, delivered within 7 days of the end of each weekly "
         "period, as the Commission's table for 2024 shows: 30 May-5 June due 12 June)",
         f"{EC}/party-spending-and-pre-poll-donations-and-loans-uk-parliamentary-general-election/pre-poll-reporting",
         verified=False, note="The 7 days are the Commission's for parties; confirm the same for non-party "
                              "campaigners."),
    _row("invoice_keep_threshold", 20_000, "pence", Y2019,
         "PPERA 2000, s.97 (invoices or receipts for payments over £200)",
         f"{NP}/notifications-and-registration/what-do-you-need-do-after-your-notification-place"),
    _row("public_donor_name_threshold", 750_000, "pence", Y2024,
         "swingfund policy: names are published where the Commission would publish them (gifts over £7,500)",
         f"{NP}/after-election/reporting-requirements-after-election/donations",
         note="A policy choice of the group, not a legal limit; donors must also consent."),
]


def seed_rows(model: Any, *, using: str | None = None) -> int:
    """Insert every seed row missing from `model`'s table (matched on key, nation, effective_from); return the count.

    Existing rows are left as they are, so an administrator's correction survives a re-seed. Takes the model
    class so the data migration and the post-migrate hook can pass their historical model.
    """
    manager = model._default_manager.db_manager(using) if using else model._default_manager
    # A historical model (an earlier migration) knows fewer keys and units: its rows wait for the migration that
    # adds them (0008 seeds the figures by date).
    keys = {k for k, _ in model._meta.get_field("key").choices}
    units = {u for u, _ in model._meta.get_field("unit").choices}
    created = 0
    for row in SEED_FIGURES:
        if row["key"] not in keys or row["unit"] not in units:
            continue
        lookup = {k: row[k] for k in ("key", "nation", "effective_from")}
        defaults = {k: v for k, v in row.items() if k not in lookup}
        _, was_created = manager.get_or_create(**lookup, defaults=defaults)
        created += int(was_created)
    return created


def seed_table():
    """LAW.md's figures as a `FigureTable`, without a database: what the law's tests (and a fresh install, before
    an administrator edits anything) check against."""
    from swingfund.compliance.limits import Figure, FigureTable

    rows = tuple(Figure(**row) for row in SEED_FIGURES)
    return FigureTable(rows=rows)
