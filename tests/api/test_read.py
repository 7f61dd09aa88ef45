"""The public API: its OpenAPI 3.1 schema, every read endpoint walked, CORS, and the public pages' privacy."""

from __future__ import annotations

import json
import re

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from swingfund.elections.models import Candidacy
from swingfund.funding.demo import DEMO_GIFTS, EARMARKED_GIFTS
from swingfund.scorecards.models import Evidence

pytestmark = pytest.mark.django_db

# A value for every path parameter and every required query parameter the read endpoints take.
PATH_VALUES = {"election_id": "parl.2024-07-04", "slug": "demo-community-group"}
QUERY_VALUES = {"bloc": "religion:muslim", "organisation": "demo-community-group"}


def schema(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3_1_and_docs_are_served(demo_all, client):
    spec = schema(client)
    assert spec["openapi"].startswith("3.1")
    validate(spec, cls=OpenAPIV31SpecValidator)
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").json()["paths"].keys() == spec["paths"].keys()


def test_validator_rejects_a_broken_schema(demo_all, client):
    spec = schema(client)
    spec["paths"]["/api/v1/elections"]["get"]["responses"] = "not a mapping"
    with pytest.raises(Exception, match=r"not of type ['\"]object['\"]|is not valid"):
        validate(spec, cls=OpenAPIV31SpecValidator)


def test_walk_every_read_endpoint(demo_all, client):
    person_id = Evidence.objects.filter(public=True).values_list("person_id", flat=True).first()
    values = {**PATH_VALUES, "person_id": str(person_id)}
    spec = schema(client)
    walked = []
    for path, ops in spec["paths"].items():
        if "get" not in ops:
            continue
        query = {p["name"]: QUERY_VALUES[p["name"]] for p in ops["get"].get("parameters", [])
                 if p["in"] == "query" and p.get("required")}
        if "draws" in {p["name"] for p in ops["get"].get("parameters", [])}:
            query["draws"] = "500"
        url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        response = client.get(url, query)
        assert response.status_code == 200, (url, response.content[:300])
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.json(), url
        walked.append(path)
    assert len(walked) == 12, walked


def test_track_record_matches_the_command(demo_all, client):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("evaluate", "--election", "parl.2024-07-04", "--organisation", "demo-community-group",
                 "--format", "json", stdout=out)
    records = client.get("/api/v1/organisations/demo-community-group/track-record").json()
    assert [r["election"] for r in records] == ["parl.2024-07-04"]
    assert records[0]["seats"] == json.loads(out.getvalue())["seats"]


def test_targets_take_assumptions_as_parameters(demo_all, client):
    url = "/api/v1/elections/parl.2024-07-04/targets"
    wide = client.get(url, {"bloc": "religion:muslim", "draws": "500", "top": "5"}).json()
    fixed = client.get(url, {"bloc": "religion:muslim", "draws": "500", "cohesion": "0.9", "top": "5"}).json()
    assert fixed["assumptions"]["cohesion"] == {**fixed["assumptions"]["cohesion"], "central": 0.9, "low": 0.9}
    assert len(wide["seats"]) == 5 and wide["sources"]
    by_code = {s["code"]: s for s in wide["seats"]}
    for seat in fixed["seats"]:
        if seat["code"] in by_code:  # the bloc vote scales with cohesion: 0.9 against the default 0.5
            assert seat["bloc_vote"] == pytest.approx(by_code[seat["code"]]["bloc_vote"] * 0.9 / 0.5)
    bad = client.get(url, {"bloc": "religion:nonsense", "draws": "500"})
    assert bad.status_code == 400 and "religion:nonsense" in bad.json()["detail"]
    assert client.get(url, {"bloc": "religion:muslim", "cohesion": "0.5:0.9:0.1"}).status_code == 400
    assert client.get("/api/v1/elections/parl.1900-01-01/targets", {"bloc": "religion:muslim"}).status_code == 404


def test_privacy_matches_the_public_pages(demo_all, client):
    hidden = [g[1] for g in DEMO_GIFTS if not g[8]] + [g[1] for g in EARMARKED_GIFTS]
    api_ledger = client.get("/api/v1/ledger", {"limit": "1000"}).json()
    money = json.dumps([api_ledger, client.get("/api/v1/campaigns").json()])
    decided = json.dumps(client.get("/api/v1/organisations/demo-community-group/decisions").json())
    candidates = set(Candidacy.objects.values_list("person_name", flat=True))
    for name in hidden:  # no consent, or under the public threshold: the public never sees these names
        assert name not in money
        # decisions name the candidates they back: a donor who shares a candidate's name is that candidate there
        assert name in candidates or name not in decided
    givers = {t["giver"] for t in api_ledger["transactions"] if t["giver"]}
    from swingfund.funding.selectors import public_ledger_rows

    assert givers == {r["giver"] for r in public_ledger_rows() if r["giver"]}
    decisions = client.get("/api/v1/organisations/demo-community-group/decisions").json()
    assert decisions and all("name" not in b for d in decisions for b in d["ballots"])
    # Evidence withdrawn from the public pages is withdrawn from the API too.
    ev = Evidence.objects.filter(public=True).first()
    before = client.get("/api/v1/organisations/demo-community-group/evidence", {"person": ev.person_id}).json()
    assert ev.pk in {e["id"] for e in before}
    Evidence.objects.filter(pk=ev.pk).update(public=False)
    after = client.get("/api/v1/organisations/demo-community-group/evidence", {"person": ev.person_id}).json()
    assert ev.pk not in {e["id"] for e in after}
    card = client.get(f"/api/v1/organisations/demo-community-group/scorecards/{ev.person_id}").json()
    assert ev.pk not in {e["id"] for line in card["lines"] for e in line["evidence"]}


def test_a_withdrawn_consent_leaves_the_ledger_at_once(demo_all, client):
    from swingfund.funding.models import Donation

    shown = {t["giver"] for t in client.get("/api/v1/ledger").json()["transactions"] if t["giver"]}
    assert "Sara Ahmed" in shown  # £8,000 with consent: over the public threshold
    # consent is given (and withdrawn) with each gift: the ledger publishes a name only with that gift's consent
    assert Donation.objects.filter(donor__name="Sara Ahmed").update(consent_publish=False)
    after = json.dumps(client.get("/api/v1/ledger").json())
    assert "Sara Ahmed" not in after
