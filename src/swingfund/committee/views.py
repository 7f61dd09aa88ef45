"""Committee pages. Members (Django auth) see proposals, vote, declare interests; the chair closes votes after a
deadline. The public sees decisions (names only when the organisation publishes them) and recent changes.
Views only parse input, call services/selectors and render; refusals come back as the service's message."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from swingfund.accounts.roles import COMMITTEE_MEMBER, organisations_for, user_has_role
from swingfund.committee import charts, rules, selectors, services
from swingfund.committee.forms import CloseForm, EditForm, InterestForm, VoteForm, WithdrawForm
from swingfund.committee.models import AuditEvent, Proposal
from swingfund.committee.services import CommitteeError, CommitteeForbidden

MESSAGE_NOT_ON_COMMITTEE = "You are not a member of any committee. Ask your organisation's administrator for a seat."
MESSAGE_NOT_ON_THIS_COMMITTEE = "Only members of {organisation}'s committee can see its proposals."
MESSAGE_VOTE_RECORDED = "Your vote ({choice}) on proposal #{id} is recorded."
MESSAGE_DECIDED = "Proposal #{id} is decided: {outcome}."
MESSAGE_INTEREST_RECORDED = "Your interest is recorded; you are recused from proposal #{id}."
MESSAGE_EDITED = "Proposal #{id} updated."
MESSAGE_WITHDRAWN = "Proposal #{id} is withdrawn; the withdrawal is in the committee's audit trail."
MESSAGE_INVALID_FORM = "The form was incomplete: {errors}"


def _can_view(request: HttpRequest, proposal: Proposal) -> bool:
    """Only the committee of the proposal's own organisation sees it (never staff, never another organisation)."""
    return user_has_role(user=request.user, organisation=proposal.organisation, role=COMMITTEE_MEMBER)


def _interests_shown(proposal: Proposal, member) -> list[dict]:
    """Declared interests: everyone on the committee sees who is recused; the private note only the member who
    wrote it and the chair (who manages conflicts of interest) read."""
    chair = member is not None and member.role == member.Role.CHAIR
    return [{"member": i.member, "note": i.note if chair or (member and i.member_id == member.pk) else ""}
            for i in selectors.proposal_interests(proposal=proposal)]


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    seats = list(selectors.seats_for(user=request.user))
    organisations = organisations_for(user=request.user, role=COMMITTEE_MEMBER)
    if not seats or not organisations.exists():
        return render(request, "committee/refused.html", {"message": MESSAGE_NOT_ON_COMMITTEE}, status=403)
    proposals = selectors.proposal_list().filter(organisation__in=organisations)
    voted = selectors.voted_proposal_ids(user=request.user)
    rows = [{"proposal": p, "voted": p.pk in voted} for p in proposals]
    return render(request, "committee/proposal_list.html", {"rows": rows, "seats": seats})


def _detail(request: HttpRequest, proposal: Proposal, *, error: str | None = None, status: int = 200,
            vote_form: VoteForm | None = None) -> HttpResponse:
    proposal.refresh_from_db()
    member = selectors.member_for(organisation=proposal.organisation, user=request.user)
    count = selectors.proposal_tally(proposal=proposal)
    decision = getattr(proposal, "decision", None) if proposal.status == Proposal.Status.DECIDED else None
    votes = list(selectors.proposal_votes(proposal=proposal))
    recused_ids = selectors.recused_member_ids(proposal=proposal)
    context = {
        "proposal": proposal,
        "member": member,
        "count": count,
        "bar": charts.tally_bar(count),
        "decision": decision,
        "votes": votes,
        "interests": _interests_shown(proposal, member),
        "my_vote": next((v for v in votes if member and v.member_id == member.pk), None),
        "recused": member is not None and member.pk in recused_ids,
        "vote_form": vote_form or VoteForm(initial={"proposal_hash": proposal.content_hash}),
        "interest_form": InterestForm(),
        "withdraw_form": WithdrawForm(),
        "close_form": CloseForm(),
        "withdrawal": (AuditEvent.objects.filter(object_type="proposal", object_id=proposal.pk,
                                                 action="proposal.withdrawn").first()
                       if proposal.status == Proposal.Status.WITHDRAWN else None),
        "edit_form": EditForm(initial={
            "reason": proposal.reason,
            "amount_pounds": Decimal(proposal.amount_pence) / 100 if proposal.kind == Proposal.Kind.GRANT else None,
        }),
        "error": error,
    }
    return render(request, "committee/proposal_detail.html", context, status=status)


def _proposal_or_refuse(request: HttpRequest, pk: int) -> tuple[Proposal, HttpResponse | None]:
    proposal = get_object_or_404(Proposal.objects.select_related("organisation"), pk=pk)
    if not _can_view(request, proposal):
        message = MESSAGE_NOT_ON_THIS_COMMITTEE.format(organisation=proposal.organisation)
        return proposal, render(request, "committee/refused.html", {"message": message}, status=403)
    return proposal, None


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, refused = _proposal_or_refuse(request, pk)
    return refused or _detail(request, proposal)


def _refusal_status(error: CommitteeError) -> int:
    """403 when the person may not do this; 409 when the proposal's state refuses it (decided, stale, …)."""
    return 403 if isinstance(error, CommitteeForbidden) else 409


def _proposal_action(view: Callable[[HttpRequest, Proposal], HttpResponse]) -> Callable[..., HttpResponse]:
    """A POST on one proposal (`view(request, proposal)` at `<pk>/…`): login required, POST only, and a 404 or a
    403 refusal before `view` runs when the proposal does not exist or the person may not see it."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapped(request: HttpRequest, pk: int) -> HttpResponse:
        proposal, refused = _proposal_or_refuse(request, pk)
        return refused or view(request, proposal)

    return wrapped


def _invalid_form(request: HttpRequest, proposal: Proposal, form: forms.Form, **kwargs: object) -> HttpResponse:
    return _detail(request, proposal, error=MESSAGE_INVALID_FORM.format(errors=form.errors.as_text()), status=400,
                   **kwargs)


def _perform(request: HttpRequest, proposal: Proposal, action: Callable[[], list[str]]) -> HttpResponse:
    """Run one committee action (a service call returning its success messages) and go back to the proposal; a
    refusal re-renders the proposal with the service's message (`_refusal_status`)."""
    try:
        notes = action()
    except CommitteeError as error:
        return _detail(request, proposal, error=str(error), status=_refusal_status(error))
    for note in notes:
        messages.success(request, note)
    return redirect("committee:proposal", pk=proposal.pk)


@_proposal_action
def vote(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _invalid_form(request, proposal, form, vote_form=form)

    def cast() -> list[str]:
        choice = form.cleaned_data["choice"]
        services.vote_cast(proposal=proposal, user=request.user, choice=choice,
                           proposal_hash=form.cleaned_data["proposal_hash"],
                           reason=form.cleaned_data.get("reason", "") if choice == rules.AGAINST else "")
        notes = [MESSAGE_VOTE_RECORDED.format(choice=form.cleaned_data["choice"], id=proposal.pk)]
        proposal.refresh_from_db()
        if proposal.status == Proposal.Status.DECIDED:
            notes.append(MESSAGE_DECIDED.format(id=proposal.pk, outcome=proposal.decision.outcome))
        return notes

    return _perform(request, proposal, cast)


@_proposal_action
def interest(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    form = InterestForm(request.POST)
    form.is_valid()

    def declare() -> list[str]:
        services.interest_declare(proposal=proposal, user=request.user, note=form.cleaned_data.get("note", ""))
        return [MESSAGE_INTEREST_RECORDED.format(id=proposal.pk)]

    return _perform(request, proposal, declare)


@_proposal_action
def edit(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    if selectors.member_for(organisation=proposal.organisation, user=request.user) is None:
        error = CommitteeError(services.ERROR_NOT_MEMBER.format(user=request.user, organisation=proposal.organisation))
        return _detail(request, proposal, error=str(error), status=403)
    form = EditForm(request.POST)
    if not form.is_valid():
        return _invalid_form(request, proposal, form)

    def change() -> list[str]:
        services.proposal_edit(proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"],
                               amount_pence=form.amount_pence())
        return [MESSAGE_EDITED.format(id=proposal.pk)]

    return _perform(request, proposal, change)


@_proposal_action
def close(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    form = CloseForm(request.POST)
    form.is_valid()

    def decide() -> list[str]:
        decision = services.proposal_decide(proposal=proposal, closed_by=request.user,
                                            reason=form.cleaned_data.get("reason", ""))
        return [MESSAGE_DECIDED.format(id=proposal.pk, outcome=decision.outcome)]

    return _perform(request, proposal, decide)


@_proposal_action
def withdraw(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    """The proposer withdraws their proposal before the first vote; the service refuses anyone else, or later."""
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _invalid_form(request, proposal, form)

    def take_back() -> list[str]:
        services.proposal_withdraw(proposal=proposal, user=request.user, reason=form.cleaned_data["reason"])
        return [MESSAGE_WITHDRAWN.format(id=proposal.pk)]

    return _perform(request, proposal, take_back)


def decisions(request: HttpRequest) -> HttpResponse:
    """Public: every decision with its reason and tally; names only where the organisation publishes them."""
    groups = [
        {
            "organisation": org,
            "totals": selectors.decision_totals(organisation=org),
            "rows": [
                {"decision": d, "bar": charts.tally_bar(rules.Tally.from_dict(d.tally), width=160, height=14)}
                for d in selectors.public_decisions(organisation=org)
            ],
        }
        for org in selectors.organisations_with_committee()
    ]
    return render(request, "committee/decisions.html", {"groups": groups})


ACTED_AS = {"site_administrator": "The site administrator", "administrator": "The group's administrator",
            "chair": "The chair", "committee_member": "A committee member", "": "Someone without a committee role"}


def recent_changes(request: HttpRequest) -> HttpResponse:
    """Public view over the audit log; who acted is shown only where the organisation publishes names."""
    rows = []
    for event in selectors.recent_changes(limit=200):
        if event.actor is None:
            who = "The committee's count" if event.action.startswith("decision.") else "The site administrator"
        else:
            role = event.details.get("acted_as") if isinstance(event.details, dict) else None
            if role is None:  # logged before the role was recorded
                role = selectors.acting_role(organisation=event.organisation, actor=event.actor, action=event.action)
            who = ACTED_AS.get(role, ACTED_AS["committee_member"])
            if event.organisation.publishes_committee_names and role != "site_administrator":
                who = f"{event.actor.get_full_name() or event.actor.get_username()} ({who.lower()})"
        rows.append({"event": event, "who": who})
    return render(request, "committee/changes.html", {"rows": rows})
