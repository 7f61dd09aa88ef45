"""`swingfund committee …`: seat members, turn recommendations into proposals, vote, decide, list.

    swingfund committee member --organisation demo-community-group --user alice [--role chair]
    swingfund committee policy --organisation demo-community-group --quorum 2 --approvals 2
    swingfund committee propose [--election parl.YYYY-MM-DD] [--bloc none] --top 15 --proposer alice [--days 7]
    swingfund committee list [--organisation …] [--status open|decided]
    swingfund committee show 3
    swingfund committee vote 3 --user bob --choice for [--hash <content hash you read>]
    swingfund committee interest 3 --user carol --note "…"
    swingfund committee decide 3 [--close --user alice [--reason evidence]]
    swingfund committee withdraw 3 --user alice --reason "proposed for the wrong seat"
    swingfund committee demo [--election parl.YYYY-MM-DD] [--bloc topic:category]
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import track
from rich.table import Table

from swingfund.cliargs import int_range, positive_id
from swingfund.committee import rules, selectors, services
from swingfund.committee.models import CommitteeMember, Proposal
from swingfund.committee.services import CommitteeError
from swingfund.display import money
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_get
from swingfund.scorecards.recommend_cli import add_recommendation_arguments, recommendation_run

ERROR_NO_USER = "No user {username!r}: create it with `swingfund django createsuperuser` or in /admin/."
ERROR_NO_PROPOSAL = "No proposal #{id}."


class Command(BaseCommand):
    help = "Committee: members, proposals from recommendations, votes, decisions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        member = sub.add_parser("member", help="seat a user on the committee")
        member.add_argument("--organisation")
        member.add_argument("--user", required=True)
        member.add_argument("--role", choices=CommitteeMember.Role.values, default=CommitteeMember.Role.MEMBER)
        policy = sub.add_parser("policy", help="set the quorum and N-of-M rule")
        policy.add_argument("--organisation")
        policy.add_argument("--quorum", type=int_range(1, 100), required=True)
        policy.add_argument("--approvals", type=int_range(1, 100),
                            help="N of M; omit for a strict majority of eligible members")
        propose = sub.add_parser("propose", help="one proposal per recommended seat (the seats `recommend` lists "
                                                 "with the same arguments)")
        add_recommendation_arguments(propose, top_default=15)
        propose.add_argument("--proposer", required=True, help="username of the proposing member")
        propose.add_argument("--days", type=int_range(1, 366),
                             help="voting deadline N days from now (the chair may then close)")
        listing = sub.add_parser("list", help="proposals and their state")
        listing.add_argument("--organisation")
        listing.add_argument("--status", choices=Proposal.Status.values)
        show = sub.add_parser("show", help="one proposal, its reason, hash and tally")
        show.add_argument("proposal", type=positive_id)
        vote = sub.add_parser("vote", help="cast a vote (final once cast)")
        vote.add_argument("proposal", type=positive_id)
        vote.add_argument("--user", required=True)
        vote.add_argument("--choice", choices=rules.CHOICES, required=True)
        vote.add_argument("--hash", help="the content hash you read (`show`); default: the current one")
        vote.add_argument("--reason", choices=list(rules.REJECTION_REASONS), default="",
                          help="with --choice against: why (shown on the public decisions page if rejected)")
        interest = sub.add_parser("interest", help="declare an interest and be recused")
        interest.add_argument("proposal", type=positive_id)
        interest.add_argument("--user", required=True)
        interest.add_argument("--note", default="")
        decide = sub.add_parser("decide", help="record the decision of a conclusive count, or close after deadline")
        decide.add_argument("proposal", type=positive_id)
        decide.add_argument("--close", action="store_true", help="the chair closes voting after the deadline")
        decide.add_argument("--user", help="the chair, with --close")
        decide.add_argument("--reason", choices=list(rules.REJECTION_REASONS), default="",
                            help="with --close: the rejection's reason, if it is rejected")
        withdraw = sub.add_parser("withdraw", help="the proposer withdraws a proposal before the first vote")
        withdraw.add_argument("proposal", type=positive_id)
        withdraw.add_argument("--user", required=True, help="the proposer")
        withdraw.add_argument("--reason", required=True, help="why (kept in the committee's audit trail)")
        demo = sub.add_parser("demo", help="the committee step of the demo (idempotent)")
        demo.add_argument("--organisation")
        demo.add_argument("--election", help="default: the group's election")
        demo.add_argument("--bloc", help="default: the group's bloc")

    def handle(self, *args, action: str, **o):
        self.console = Console(file=self.stdout, width=160)
        try:
            getattr(self, f"_{action}")(**o)
        except (CommitteeError, ValueError) as error:
            raise CommandError(str(error), returncode=2) from None

    # --- lookups ---------------------------------------------------------------------------------
    def _organisation(self, slug: str | None) -> Organisation:
        return organisation_get(slug=slug)  # OrganisationError is a ValueError: `handle` refuses it with exit 2

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(ERROR_NO_USER.format(username=username), returncode=2)
        return user

    def _proposal(self, pk: int) -> Proposal:
        proposal = Proposal.objects.select_related("organisation", "constituency", "candidacy").filter(pk=pk).first()
        if proposal is None:
            raise CommandError(ERROR_NO_PROPOSAL.format(id=pk), returncode=2)
        return proposal

    # --- actions ---------------------------------------------------------------------------------
    def _member(self, *, organisation, user, role, **_):
        member = services.member_add(organisation=self._organisation(organisation), user=self._user(user), role=role)
        self.stdout.write(f"{member.display_name} sits on {member.organisation}'s committee as {member.role}.")

    def _policy(self, *, organisation, quorum, approvals, **_):
        org = self._organisation(organisation)
        services.policy_set(organisation=org, quorum=quorum, approvals_required=approvals)
        self.stdout.write(f"{org}: quorum {quorum}, approvals needed {approvals or 'a strict majority'}.")

    def _propose(self, *, proposer, days, **o):
        from swingfund.scorecards.recommendations import recommendations

        run = recommendation_run(o)
        org = run.organisation
        user = self._user(proposer)
        recs = recommendations(organisation=org, **run.kwargs)
        created = services.proposals_from_recommendations(
            organisation=org, proposer=user, deadline=timezone.now() + dt.timedelta(days=days) if days else None,
            recommendations=track(recs, description="Proposals", console=self.console, transient=True),
        )
        self.stdout.write(f"{len(created)} new proposals from {len(recs)} recommended seats "
                          f"({len(recs) - len(created)} already proposed).")
        self._table(created)

    def _list(self, *, organisation, status, **_):
        org = self._organisation(organisation) if organisation else None
        self._table(list(selectors.proposal_list(organisation=org, status=status)))

    def _table(self, proposals) -> None:
        table = Table(title="Committee proposals")
        for col in ("#", "Seat", "Proposal", "Amount", "State", "Tally"):
            table.add_column(col, justify="right" if col in ("#", "Amount") else "left")
        for p in proposals:
            count = selectors.proposal_tally(proposal=p)
            state = p.decision.outcome if p.status == Proposal.Status.DECIDED else p.status
            what = f"grant to {p.candidacy.person_name}" if p.kind == Proposal.Kind.GRANT else "stay out"
            table.add_row(str(p.pk), f"{p.constituency.name}\n[dim]{p.constituency.gss_code}[/]", what,
                          money(p.amount_pence, short=True) if p.amount_pence else "—", state,
                          f"{count.votes_for} for / {count.votes_against} against / {count.abstentions} abstain")
        self.console.print(table)

    def _show(self, *, proposal, **_):
        p = self._proposal(proposal)
        count = selectors.proposal_tally(proposal=p)
        grant = p.kind == Proposal.Kind.GRANT
        what = f"grant of {money(p.amount_pence, short=True)} to {p.candidacy}" if grant else "stay out"
        self.stdout.write(f"Proposal #{p.pk} ({p.status}): {what} in {p.constituency}")
        self.stdout.write(f"Reason: {p.reason}")
        for warning in p.warnings:
            self.stdout.write(f"Warning: {warning}")
        self.stdout.write(f"Content hash: {p.content_hash}")
        self.stdout.write(count.explanation)
        if p.status == Proposal.Status.DECIDED:
            d = p.decision
            self.stdout.write(f"Decision: {d.outcome} at {d.decided_at:%Y-%m-%d %H:%M:%S} UTC — {d.explanation}")
            for b in d.ballots:
                self.stdout.write(f"  {b['name']}: {b['choice']} at {b['cast_at']}")

    def _vote(self, *, proposal, user, choice, hash, reason, **_):
        p = self._proposal(proposal)
        services.vote_cast(proposal=p, user=self._user(user), choice=choice, proposal_hash=hash or p.content_hash,
                           reason=reason)
        p.refresh_from_db()
        self.stdout.write(f"{user} voted {choice} on proposal #{p.pk}.")
        self.stdout.write(selectors.proposal_tally(proposal=p).explanation if p.status == "open"
                          else f"Decided: {p.decision.outcome}. {p.decision.explanation}")

    def _interest(self, *, proposal, user, note, **_):
        p = self._proposal(proposal)
        services.interest_declare(proposal=p, user=self._user(user), note=note)
        self.stdout.write(f"{user} declared an interest in proposal #{p.pk} and is recused.")

    def _decide(self, *, proposal, close, user, reason, **_):
        p = self._proposal(proposal)
        if close and not user:
            raise CommandError("--close needs --user (the chair).", returncode=2)
        decision = services.proposal_decide(proposal=p, closed_by=self._user(user) if close else None,
                                            reason=reason if close else "")
        self.stdout.write(f"Proposal #{p.pk} {decision.outcome}: {decision.explanation}")

    def _withdraw(self, *, proposal, user, reason, **_):
        p = self._proposal(proposal)
        services.proposal_withdraw(proposal=p, user=self._user(user), reason=reason)
        self.stdout.write(f"Proposal #{p.pk} withdrawn by {user}: {reason.strip()}")

    def _demo(self, *, organisation, election, bloc, **_):
        from swingfund.committee.demo import demo_run
        from swingfund.organisations.selectors import organisation_defaults

        org = self._organisation(organisation)
        defaults = organisation_defaults(organisation=org)
        self.stdout.write(str(demo_run(organisation=org, election_id=election or defaults.election_id,
                                       bloc=bloc or defaults.bloc or None)))
