"""`/committee/proposals/new/`: a committee member opens a proposal from the web (pick a seat, then the candidate,
amount and reason). The proposal is for `?election=ID` when given; else for the soonest election still to come that
has candidacies in the seat (the next general election or a by-election); else for the seat's latest result.
Parses input, calls `services.proposal_create`, renders; the service's rules refuse what is
not allowed (not a member, a proposal already open for the seat, a candidate not standing there…)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from swingfund.committee import selectors, services
from swingfund.committee.forms import ProposalForm, SeatPickForm
from swingfund.committee.models import CommitteeMember
from swingfund.committee.services import CommitteeError
from swingfund.elections.models import Candidacy, Constituency, Election, Result

MESSAGE_CREATED = "Proposal #{id} is open for the committee's votes."
MESSAGE_NO_SEAT = "No seat called {seat!r}: type part of its name or its GSS code, and pick from the list."
MESSAGE_NO_ELECTION = "No election {election!r}: give a Democracy Club id such as parl.2029-05-03."
MESSAGE_NOT_MEMBER = "Only committee members can make proposals. Ask your organisation's administrator for a seat."


def member_seat(user) -> CommitteeMember | None:
    """The one access check of this page: the user's active committee seat (their first, if several)."""
    return selectors.seats_for(user=user).select_related("organisation").first()


def _find_seat(text: str) -> tuple[Constituency | None, Result | None]:
    text = text.strip()
    if not text:
        return None, None
    results = (Result.objects.filter(Q(constituency__gss_code__iexact=text) | Q(constituency__name__iexact=text))
               .select_related("constituency", "election").order_by("-election__poll_date"))
    result = results.first() or (Result.objects.filter(constituency__name__icontains=text)
                                 .select_related("constituency", "election").order_by("-election__poll_date").first())
    return (result.constituency, result) if result else (None, None)


def _election_for(seat: Constituency, result: Result, wanted: str) -> Election | None:
    """The election asked for (None if unknown); else the soonest one still to come with candidacies in the seat;
    else the election of the seat's latest result."""
    from django.utils import timezone

    if wanted:
        return Election.objects.filter(pk=wanted).first()
    ahead = (Election.objects.ahead(timezone.now().date()).filter(candidacies__constituency=seat)
             .distinct().order_by("poll_date", "id").first())
    return ahead or result.election


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
    seat_member = member_seat(request.user)
    if seat_member is None:
        return render(request, "committee/refused.html", {"message": MESSAGE_NOT_MEMBER}, status=403)
    pick = SeatPickForm(request.GET or None)
    context: dict = {"pick": pick, "organisation": seat_member.organisation,
                     "seat_names": Constituency.objects.filter(results__isnull=False).order_by("name")
                     .values_list("name", flat=True).distinct()}
    seat, result = _find_seat(request.GET.get("seat", ""))
    if request.GET.get("seat") and seat is None:
        context["error"] = MESSAGE_NO_SEAT.format(seat=request.GET["seat"])
        return render(request, "committee/proposal_new.html", context, status=404)
    if seat is None:
        return render(request, "committee/proposal_new.html", context)
    election = _election_for(seat, result, request.GET.get("election", "").strip())
    if election is None:
        context["error"] = MESSAGE_NO_ELECTION.format(election=request.GET["election"])
        return render(request, "committee/proposal_new.html", context, status=404)
    candidacies = list(Candidacy.objects.filter(election=election, constituency=seat)
                       .select_related("party").order_by("-votes", "person_name"))
    choices = [(c.pk, f"{c.person_name} ({c.party or 'no party'})") for c in candidacies]
    form = ProposalForm(request.POST or None, candidacies=choices)
    context.update(seat=seat, election=election, form=form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((c for c in candidacies if c.pk == data["candidacy"]), None)
        try:
            proposal = services.proposal_create(
                organisation=seat_member.organisation, kind=data["kind"], election=election,
                constituency=seat, candidacy=chosen if data["kind"] == "grant" else None,
                amount_pence=form.amount_pence() if data["kind"] == "grant" else None, reason=data["reason"],
                proposer=request.user)
        except CommitteeError as err:
            context["error"] = str(err)
            return render(request, "committee/proposal_new.html", context, status=409)
        messages.success(request, MESSAGE_CREATED.format(id=proposal.pk))
        return redirect("committee:proposal", pk=proposal.pk)
    return render(request, "committee/proposal_new.html", context, status=400 if form.is_bound else 200)
