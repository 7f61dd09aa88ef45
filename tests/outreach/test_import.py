"""CSV import: rows without consent evidence are refused with their line numbers; nothing is half-imported."""

from __future__ import annotations

import pytest

from swingfund.outreach import consent, errors
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.importing import supporters_import
from swingfund.outreach.models import Consent, Supporter
from tests.outreach.conftest import NORTH, SOUTH

HEADER = "first_name,email,phone,postcode,language,tags,consent_special_at,consent_email_at,consent_whatsapp_at," \
         "consent_version,consent_source,email_confirmed_at\n"
V = consent.VERSION
GOOD = [
    f"Asha,asha@example.org,,AB10 1AB,en,volunteer,2026-05-01T10:00:00Z,2026-05-01T10:00:00Z,,{V},stall,"
    "2026-05-02T09:00:00Z",
    f"Yusuf,,07911 200001,AB10 1PE,ur,,2026-05-01T10:00:00Z,,2026-05-01T10:00:00Z,{V},paper form 12,",
]
NO_SPECIAL = f"Omar,omar@example.org,,AB10 1AF,en,,,2026-05-01T10:00:00Z,,{V},stall,"
NO_CHANNEL = f"Sara,sara@example.org,,AB10 1AG,en,,2026-05-01T10:00:00Z,,,{V},stall,"


def test_good_rows_import_with_their_evidence(organisation, postcodes):
    report = supporters_import(organisation=organisation, text=HEADER + "\n".join(GOOD) + "\n", file_name="list.csv")
    assert report.imported == 2 and report.refused == []
    asha = Supporter.objects.get(email="asha@example.org")
    assert asha.constituency.gss_code == SOUTH and list(asha.tags.values_list("name", flat=True)) == ["volunteer"]
    yusuf = Supporter.objects.get(phone="+447911200001")
    assert yusuf.constituency.gss_code == NORTH
    c = Consent.objects.get(supporter=yusuf, purpose="whatsapp")
    assert c.source == "list.csv line 3: paper form 12" and c.given_at.isoformat() == "2026-05-01T10:00:00+00:00"


def test_rows_without_consent_evidence_are_refused_by_line_and_nothing_imported(organisation, postcodes):
    text = HEADER + "\n".join([GOOD[0], NO_SPECIAL, GOOD[1], NO_CHANNEL]) + "\n"
    with pytest.raises(OutreachRefusal) as refused:
        supporters_import(organisation=organisation, text=text, file_name="list.csv")
    lines = str(refused.value).splitlines()
    assert lines[1] == errors.CSV_NO_CONSENT_EVIDENCE.format(line=3, missing="consent_special_at")
    assert lines[2] == errors.CSV_NO_CONSENT_EVIDENCE.format(line=5, missing="consent_email_at or consent_whatsapp_at")
    assert Supporter.objects.count() == 0


def test_skip_refused_imports_only_the_good_rows(organisation, postcodes):
    text = HEADER + "\n".join([GOOD[0], NO_SPECIAL, GOOD[1], "Zed,zed@example.org,,AB1 0AA,en,,2026-05-01T10:00:00Z,"
                               f"2026-05-01T10:00:00Z,,{V},stall,"]) + "\n"  # fmt: skip
    report = supporters_import(organisation=organisation, text=text, file_name="list.csv", skip_refused=True)
    assert report.imported == 2
    assert report.refused == [
        errors.CSV_NO_CONSENT_EVIDENCE.format(line=3, missing="consent_special_at"),
        errors.CSV_ROW_REFUSED.format(line=5, reason=errors.POSTCODE_TERMINATED.format(postcode="AB1 0AA")),
    ]
    assert set(Supporter.objects.values_list("first_name", flat=True)) == {"Asha", "Yusuf"}


def test_missing_evidence_columns_refuse_the_file(organisation, postcodes):
    with pytest.raises(OutreachRefusal, match="consent_special_at"):
        supporters_import(organisation=organisation, text="first_name,email,postcode\nA,a@example.org,AB10 1AB\n",
                          file_name="bare.csv")


def test_the_command_imports_into_the_group_named_and_never_guesses_between_two(organisation, postcodes, tmp_path):
    """With two groups and no --organisation, `swingfund outreach import` refuses and names both (it put the list
    into the first group created: personal data given to another group); with --organisation it imports there."""
    from django.core.management import CommandError, call_command

    from swingfund.organisations.models import Organisation
    from swingfund.organisations.selectors import WHICH_ORGANISATION

    other = Organisation.objects.create(name="Other Group", slug="other-group", address="1 Other Street\nLeeds",
                                        sender_email="hello@othergroup.example")
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "\n".join(GOOD) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("outreach", "import", str(path))
    assert str(refused.value) == WHICH_ORGANISATION.format(n=2, known="other-group, test-group")
    assert Supporter.objects.count() == 0
    call_command("outreach", "import", str(path), "--organisation", other.slug)
    assert set(Supporter.objects.values_list("organisation__slug", flat=True)) == {"other-group"}
    assert Supporter.objects.count() == 2
