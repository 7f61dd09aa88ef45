"""Statements written and revised on one page; the pledge CSV template and sample, offered there and named in
`swingfund evidence import pledges --help`."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.test import Client

from swingfund.accounts.services import role_grant
from swingfund.organisations.services import organisation_create
from swingfund.scorecards.importers.common import read_rows
from swingfund.scorecards.importers.pledges import PLEDGE_SAMPLE, PLEDGE_TEMPLATE
from swingfund.scorecards.models import Statement
from tests.accounts.helpers import second_factor, sign_in, user_make

URL = "/scorecards/statements/"


@pytest.fixture
def group(db):
    return organisation_create(name="Leeds Fair Vote", address="1 Park Row, Leeds")


def _client(organisation, role: str) -> Client:
    user = user_make(f"{role}-person")
    role_grant(user=user, organisation=organisation, role=role)
    client = Client()
    sign_in(client, user)
    second_factor(client, user)
    return client


def _new(title="Fund public services", text="Councils need stable funding.", agreement="Backs a funding floor"):
    return {"organisation": "leeds-fair-vote", "statement": "new", "new-title": title, "new-text": text,
            "new-agreement": agreement}


@pytest.mark.parametrize("role", ["administrator", "organiser"])
def test_a_statement_is_written_in_one_step_and_revising_adds_a_version(group, role):
    client = _client(group, role)
    assert client.post(URL, _new()).status_code == 302
    statement = Statement.objects.get(organisation=group)
    (first,) = statement.versions.all()
    assert (first.number, first.title, first.published_at is not None) == (1, "Fund public services", True)
    assert statement.slug == "fund-public-services"
    revise = {"organisation": "leeds-fair-vote", "statement": statement.pk, f"s{statement.pk}-title":
              "Fund public services", f"s{statement.pk}-text": "Councils need stable, multi-year funding.",
              f"s{statement.pk}-agreement": "Backs a funding floor"}
    assert client.post(URL, revise).status_code == 302
    versions = list(statement.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].text == "Councils need stable funding."  # the published wording is never touched
    assert versions[1].text == "Councils need stable, multi-year funding." and versions[1].published_at
    page = client.get(URL).content.decode()
    assert "version 2" in page and "Earlier versions" in page
    assert client.post(URL, revise).status_code == 302  # nothing changed: no third version
    assert statement.versions.count() == 2


def test_a_missing_field_is_shown_beside_it_and_nothing_is_written(group):
    client = _client(group, "administrator")
    response = client.post(URL, _new(agreement=""))
    assert response.status_code == 400
    assert 'id="field-agreement"' in response.content.decode() and "This field is required." in \
        response.content.decode()
    assert not Statement.objects.exists()


def test_the_treasurer_and_another_groups_organiser_are_refused(group):
    other = organisation_create(name="Bradford Fair Vote", address="2 Hall Ings, Bradford")
    for client in (_client(group, "treasurer"), _client(other, "organiser")):
        assert client.post(URL, _new()).status_code == 403
    assert not Statement.objects.filter(organisation=group).exists()


def test_the_pledge_template_and_sample_are_offered_and_read_by_the_importer(group):
    client = _client(group, "administrator")
    page = client.get(URL).content.decode()
    assert 'href="/scorecards/pledges-template.csv"' in page and 'href="/scorecards/pledges-sample.csv"' in page
    for path, expected in (("/scorecards/pledges-template.csv", PLEDGE_TEMPLATE),
                           ("/scorecards/pledges-sample.csv", PLEDGE_SAMPLE)):
        response = Client().get(path)
        assert response.status_code == 200 and response["Content-Type"] == "text/csv"
        assert b"".join(response.streaming_content) == expected.read_bytes()
    # the importer's own reader accepts the sample, whose header is the template's
    rows = read_rows(path=PLEDGE_SAMPLE, required=["stance", "date", "source_url", "statement"],
                     any_of=[["dc_person_id", "gss_code"]])
    assert len(rows) >= 3 and {"gss_code", "name", "dc_person_id", "summary", "note"} <= set(rows[0].values)
    assert PLEDGE_TEMPLATE.read_text().splitlines()[0] == PLEDGE_SAMPLE.read_text().splitlines()[0]


def test_evidence_import_pledges_help_names_the_template_and_the_sample(tmp_path):
    done = subprocess.run([sys.executable, "-m", "swingfund", "evidence", "import", "pledges", "--help"],
                          capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "SWINGFUND_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "pledges-template.csv" in done.stdout and "pledges-sample.csv" in done.stdout
    assert str(PLEDGE_TEMPLATE) in done.stdout.replace("\n  ", "")
