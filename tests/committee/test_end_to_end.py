"""Acceptance: the demo organisation on the real 2024 results → recommendations → proposals → votes → decisions."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from swingfund.committee import selectors
from swingfund.committee.demo import demo_run
from swingfund.committee.models import AuditEvent, Decision, Interest, Proposal, Vote

ELECTION = "parl.2024-07-04"
BLOC = "religion:muslim"


@pytest.fixture
def demo_org(official_db):
    from swingfund.scorecards.demo import demo_seed

    return demo_seed()


def outcomes(org) -> dict[str, tuple[str, str, str]]:
    """{seat: (kind, backed person or "", outcome)} for the organisation's decided proposals."""
    return {
        p.constituency.name: (p.kind, p.candidacy.person_name if p.candidacy else "", p.decision.outcome)
        for p in Proposal.objects.filter(organisation=org).select_related("constituency", "candidacy", "decision")
    }


def test_demo_run_turns_recommendations_into_decisions(demo_org):
    summary = demo_run(organisation=demo_org, election_id=ELECTION, bloc=BLOC)

    decided = outcomes(demo_org)
    assert summary.proposals_created == len(decided) == 15
    # The demo committee's rule (committee/demo.py): the first grant proposal in the recommendations' order and the
    # second are approved, later ones rejected; stay-outs approved. Which seats rank first is the forecast's call.
    grant_rows = list(Proposal.objects.filter(organisation=demo_org, kind="grant").order_by("pk")
                      .select_related("constituency", "candidacy", "decision"))
    assert {(p.constituency.name, p.candidacy.person_name) for p in grant_rows} == {
        ("Bradford West", "Naz Shah"), ("Birmingham Ladywood", "Akhmed Yakoob"), ("Ilford North", "Leanne Mohamad"),
        ("Leicester South", "Shockat Adam")}
    assert [p.decision.outcome for p in grant_rows] == ["approved", "approved", "rejected", "rejected"]
    assert decided["Blackburn"] == ("stay_out", "", "approved")
    assert set(Proposal.objects.filter(organisation=demo_org).values_list("status", flat=True)) == {"decided"}

    bradford = Proposal.objects.get(organisation=demo_org, constituency__name="Bradford West")
    assert bradford.reason == ("We back Naz Shah (Labour) in Bradford West: Naz Shah (Labour) agrees with all five "
                               "statements and Muhammed Islam (Independent) does not.")
    assert bradford.constituency.gss_code == "E14001120"
    assert bradford.amount_pence == 100_000
    first = grant_rows[0]
    assert [r["name"] for r in first.decision.recused] == ["Member Two (demo)"]
    assert [(b["name"], b["choice"]) for b in first.decision.ballots] == [
        ("Chair (demo)", "for"), ("Member One (demo)", "for")]

    grants = list(selectors.decided_grants(organisation=demo_org))
    assert sorted((d.proposal.constituency.name, d.proposal.candidacy.person_name, d.proposal.amount_pence)
                  for d in grants) == sorted((p.constituency.name, p.candidacy.person_name, 100_000)
                                             for p in grant_rows[:2])
    assert all(d.decided_at.utcoffset().total_seconds() == 0 for d in grants)

    counts = (Proposal.objects.count(), Vote.objects.count(), Decision.objects.count(), Interest.objects.count(),
              AuditEvent.objects.count())
    again = demo_run(organisation=demo_org, election_id=ELECTION, bloc=BLOC)
    assert (again.proposals_created, again.votes_cast, again.interests_declared) == (0, 0, 0)
    assert (Proposal.objects.count(), Vote.objects.count(), Decision.objects.count(), Interest.objects.count(),
            AuditEvent.objects.count()) == counts


def test_command_line_recommend_propose_vote_decide(demo_org, django_user_model, capsys):
    from swingfund.committee import services

    django_user_model.objects.create_user("chair", password="x-long-password-1")
    members = [django_user_model.objects.create_user(n, password="x-long-password-1") for n in ("m1", "m2")]
    call_command("committee", "member", "--organisation", demo_org.slug, "--user", "chair", "--role", "chair")
    for m in members:
        call_command("committee", "member", "--organisation", demo_org.slug, "--user", m.username)
    call_command("committee", "policy", "--organisation", demo_org.slug, "--quorum", "2", "--approvals", "2")

    call_command("recommend", "--election", ELECTION, "--bloc", BLOC, "--organisation", demo_org.slug,
                 "--top", "15", "--format", "csv")
    call_command("committee", "propose", "--organisation", demo_org.slug, "--election", ELECTION, "--bloc", BLOC,
                 "--top", "15", "--proposer", "chair", "--days", "7")
    out = capsys.readouterr().out
    assert "15 new proposals from 15 recommended seats (0 already proposed)." in out

    leicester = Proposal.objects.get(organisation=demo_org, constituency__name="Leicester South")
    assert (leicester.kind, leicester.candidacy.person_name) == ("grant", "Shockat Adam")
    call_command("committee", "vote", str(leicester.pk), "--user", "chair", "--choice", "for")
    assert "the proposer's own vote for does not count" in capsys.readouterr().out.lower()
    call_command("committee", "vote", str(leicester.pk), "--user", "m1", "--choice", "for")
    assert "Decided: approved." in capsys.readouterr().out

    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=f"Proposal #{leicester.pk} has already been decided"):
        call_command("committee", "vote", str(leicester.pk), "--user", "m2", "--choice", "against")
    other = Proposal.objects.filter(organisation=demo_org, status="open").first()
    with pytest.raises(CommandError, match=services.ERROR_STILL_OPEN.format(id=other.pk, explanation="Open")):
        call_command("committee", "decide", str(other.pk))
    assert 6.9 < (other.deadline - other.created_at).total_seconds() / 86400 <= 7
    with pytest.raises(CommandError, match=f"Proposal #{other.pk} cannot be closed before its deadline"):
        call_command("committee", "decide", str(other.pk), "--close", "--user", "chair")
    call_command("committee", "interest", str(other.pk), "--user", "m2", "--note", "family member")
    with pytest.raises(CommandError, match=services.ERROR_RECUSED.format(member="m2")):
        call_command("committee", "vote", str(other.pk), "--user", "m2", "--choice", "for")
    call_command("committee", "list", "--organisation", demo_org.slug, "--status", "decided")
    assert "Leicester South" in capsys.readouterr().out
    assert [d.proposal.candidacy.person_name for d in selectors.decided_grants(organisation=demo_org)] == [
        "Shockat Adam"]
