"""Pages of the money side. Views parse input, call services/selectors, render; nothing is decided here."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from swingfund.accounts.access import refusal, refusal_any, visible_organisations
from swingfund.accounts.roles import TREASURER
from swingfund.compliance.checks import ComplianceRefusal, registration_warning
from swingfund.compliance.selectors import figure, figure_table
from swingfund.display import money
from swingfund.elections.models import Candidacy
from swingfund.funding import charts, checkpoints, giving, notices, rules, selectors, services
from swingfund.funding.forms import DonorCheckForm, GrantAnswerForm, GrantOfferForm, OfflineGiftForm, ReferenceForm
from swingfund.funding.models import Campaign, Donation, Grant

NO_DONOR_TO_CHECK = "An anonymous gift cannot be checked: it must be returned."


def _checkout_url(campaign: Campaign) -> str:
    try:
        return reverse("payments:checkout", args=[campaign.slug])
    except NoReverseMatch:
        return ""


def campaign_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [{"campaign": c, "totals": selectors.campaign_totals(c),
             "status": rules.campaign_status(starts_at=c.starts_at, ends_at=c.ends_at, now=now)}
            for c in Campaign.objects.order_by("-starts_at")]
    for row in rows:
        row["bar"] = mark_safe(charts.progress_svg(raised_pence=row["totals"].raised_pence,
                                                   goal_pence=row["totals"].goal_pence))
    return render(request, "funding/campaign_list.html", {"rows": rows})


def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("organisation", "election"), slug=slug)
    totals = selectors.campaign_totals(campaign)
    threshold = selectors.public_name_threshold()
    permissibility = figure("candidate_donation_threshold" if campaign.mode == "earmarked"
                            else "non_party_permissibility_threshold", on=campaign.starts_at.date())
    return render(request, "funding/campaign_detail.html", {
        "campaign": campaign, "totals": totals, "gifts": selectors.recent_gifts(campaign),
        "bar": mark_safe(charts.progress_svg(raised_pence=totals.raised_pence, goal_pence=totals.goal_pence)),
        "chart": mark_safe(charts.money_flow_svg(selectors.cash_series(campaign=campaign),
                                                 title=f"Money in and out — {campaign.title}")),
        "threshold": threshold, "permissibility": permissibility, "checkout_url": _checkout_url(campaign),
        "grants": campaign.grants.select_related("candidacy", "candidacy__constituency").order_by("created_at"),
        "earmarked": selectors.earmarked_totals(campaign) if campaign.mode == "earmarked" else [],
        **giving.giving_context(request, campaign=campaign),
    })


def ledger_checkpoints(request: HttpRequest) -> JsonResponse:
    """The signed checkpoints of the ledger (`swingfund ledger checkpoint`), for `ledger verify --against`."""
    return JsonResponse(checkpoints.checkpoints_document(), json_dumps_params={"indent": 1})


def _treasurer_campaigns(request: HttpRequest):
    """The campaigns whose money `request.user` handles: those of organisations where they are treasurer (and, for
    the site administrator, the campaigns of no organisation)."""
    orgs, unowned = visible_organisations(request, role=TREASURER)
    scope = Q(organisation__in=orgs) | Q(organisation__isnull=True) if unowned else Q(organisation__in=orgs)
    return Campaign.objects.filter(scope)


def dashboard(request: HttpRequest) -> HttpResponse:
    if refused := refusal_any(request, role=TREASURER):
        return refused
    today = timezone.now().date()
    campaigns = _treasurer_campaigns(request)
    orgs, _ = visible_organisations(request, role=TREASURER)
    contributions = selectors.political_contributions_pence(organisation=orgs[0] if len(orgs) == 1 else None,
                                                            year=today.year)
    return render(request, "funding/dashboard.html", {
        "tasks": selectors.open_tasks().filter(Q(campaign__in=campaigns) | Q(donation__campaign__in=campaigns)),
        "held": selectors.held_gifts().filter(campaign__in=campaigns),
        "split": selectors.split_flagged_gifts().filter(campaign__in=campaigns),
        "grants": Grant.objects.filter(campaign__in=campaigns).select_related("candidacy", "campaign")
        .order_by("status", "-created_at"),
        "campaigns": [{"campaign": c, "totals": selectors.campaign_totals(c),
                       "clean_pence": selectors.campaign_clean_pence(c, on=today)} for c in campaigns],
        "check_form": DonorCheckForm(),
        "contributions": contributions, "registration": registration_warning(
            figures=figure_table(), contributions_pence=contributions, on=today),
        "registration_figure": figure("ua_registration_threshold", on=today), "reference_form": ReferenceForm(),
    })


def gift_new(request: HttpRequest) -> HttpResponse:
    if refused := refusal_any(request, role=TREASURER):
        return refused
    form = OfflineGiftForm(request.POST or None)
    form.fields["campaign"].queryset = _treasurer_campaigns(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if refused := refusal(request, organisation=data["campaign"].organisation, role=TREASURER):
            return refused
        try:
            donor = None if data["anonymous"] else services.DonorDetails(
                name=data["name"], email=data["email"], address=data["address"], postcode=data["postcode"],
                consent_publish=data["consent_publish"])
            candidacy = Candidacy.objects.get(pk=data["for_candidacy"]) if data["for_candidacy"] else None
            gift = services.donation_record_with_donor(services.GiftDetails(
                campaign=data["campaign"], donor=donor, amount_pence=data["amount"], method=data["method"],
                reference=data["reference"], received_at=form.received_at(), earmarked_candidacy=candidacy,
                recorded_by=request.user.get_username()))
        except (ValueError, ComplianceRefusal, Candidacy.DoesNotExist) as error:
            form.add_error(None, str(error))
        else:
            note = f" It is HELD: {gift.hold_reason}" if gift.status == Donation.Status.HELD else ""
            messages.success(request, f"Recorded gift #{gift.pk} of {money(gift.amount_pence, short=True)}.{note}")
            return redirect("funding:dashboard")
    return render(request, "funding/gift_form.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def held_return(request: HttpRequest, pk: int) -> HttpResponse:
    gift = get_object_or_404(Donation.objects.select_related("campaign"), pk=pk)
    if refused := refusal(request, organisation=gift.campaign.organisation, role=TREASURER):
        return refused
    form = ReferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the bank reference of the return.")
        return redirect("funding:dashboard")
    try:
        services.donation_return(donation=gift, reference=form.cleaned_data["reference"],
                                 by=request.user.get_username())
        messages.success(request, f"Gift #{gift.pk} returned.")
    except ValueError as error:
        messages.error(request, str(error))
    return redirect("funding:dashboard")


@require_POST
def held_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the donor's permissibility check; a permissible donor's held gift is then released."""
    gift = get_object_or_404(Donation.objects.select_related("donor", "campaign"), pk=pk)
    if refused := refusal(request, organisation=gift.campaign.organisation, role=TREASURER):
        return refused
    form = DonorCheckForm(request.POST)
    if gift.donor is None or not form.is_valid():
        messages.error(request, NO_DONOR_TO_CHECK if gift.donor is None else "Give the category and the evidence.")
        return redirect("funding:dashboard")
    services.donor_declare(donor=gift.donor, category=form.cleaned_data["category"],
                           evidence=form.cleaned_data["evidence"], checked_by=request.user.get_username())
    try:
        services.donation_release(donation=gift, by=request.user.get_username())
        messages.success(request, f"Gift #{gift.pk} released: its donor is permissible.")
    except (ValueError, ComplianceRefusal) as error:
        messages.error(request, str(error))
    return redirect("funding:dashboard")


@require_POST
def grant_pay(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant.objects.select_related("campaign"), pk=pk)
    if refused := refusal(request, organisation=grant.campaign.organisation, role=TREASURER):
        return refused
    form = ReferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the bank reference of the payment.")
        return redirect("funding:dashboard")
    try:
        services.grant_pay(grant=grant, bank_reference=form.cleaned_data["reference"])
        messages.success(request, f"Grant #{grant.pk} paid.")
    except ValueError as error:
        messages.error(request, str(error))
    return redirect("funding:dashboard")


GRANT_ANSWERS = {"accepted": services.grant_accept, "declined": services.grant_decline,
                 "returned": services.grant_return}
ANSWER_RECORDED = "Grant #{id}: {agent} {answer} it on {on}."
ANSWER_INVALID = "Give the agent's answer and its date: {problems}"
OFFER_RECORDED = "Grant #{id} offered to {agent}, the candidate's election agent: their notice is addressed to them."
OFFER_INVALID = "Name the election agent and give at least one way to reach them: {problems}"


def _treasurer_grant_post(request: HttpRequest, pk: int, *, form_class, invalid: str, act) -> HttpResponse:
    """A treasurer's form about one grant (the offer, the agent's answer): only the treasurer of the grant's
    organisation; a bad form is refused naming each field's problem; `act(grant, cleaned_data)` calls the service
    and returns the success message, or raises ValueError whose words are shown; back to the dashboard."""
    grant = get_object_or_404(Grant.objects.select_related("campaign"), pk=pk)
    if refused := refusal(request, organisation=grant.campaign.organisation, role=TREASURER):
        return refused
    form = form_class(request.POST)
    if not form.is_valid():
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        messages.error(request, invalid.format(problems=problems))
        return redirect("funding:dashboard")
    try:
        messages.success(request, act(grant, form.cleaned_data))
    except ValueError as error:
        messages.error(request, str(error))
    return redirect("funding:dashboard")


@require_POST
def grant_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """The grant offered to the candidate's election agent (named, with a way to reach them): the treasurer of the
    grant's organisation records it, as `swingfund funding offer` does."""
    def act(grant: Grant, data: dict) -> str:
        grant = services.grant_offer(grant=grant, **data)
        return OFFER_RECORDED.format(id=grant.pk, agent=grant.agent_name)

    return _treasurer_grant_post(request, pk, form_class=GrantOfferForm, invalid=OFFER_INVALID, act=act)


@require_POST
def grant_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The agent's answer to a grant offer (accepted, declined, or returned after payment), with its date: the
    treasurer of the grant's organisation records it. A decline or return reverses the grant in the ledger."""
    def act(grant: Grant, data: dict) -> str:
        answer, on = data["answer"], data["on"]
        grant = GRANT_ANSWERS[answer](grant=grant, on=on, note=data["note"])
        return ANSWER_RECORDED.format(id=grant.pk, agent=grant.agent_name, answer=answer, on=on.isoformat())

    return _treasurer_grant_post(request, pk, form_class=GrantAnswerForm, invalid=ANSWER_INVALID, act=act)


def grant_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice for the candidate's agent: it names donors and their addresses, so it is the treasurer's."""
    grant = get_object_or_404(Grant.objects.select_related("candidacy", "campaign"), pk=pk)
    if refused := refusal(request, organisation=grant.campaign.organisation, role=TREASURER):
        return refused
    try:
        notice = notices.notice_for_grant(grant)
    except notices.NoticeRefused as error:
        messages.error(request, str(error))
        return redirect("funding:dashboard")
    return render(request, "funding/notice.html", {"notice": notice})


def grant_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant.objects.select_related("candidacy", "campaign"), pk=pk)
    if refused := refusal(request, organisation=grant.campaign.organisation, role=TREASURER):
        return refused
    try:
        notice = notices.notice_for_grant(grant)
    except notices.NoticeRefused as error:
        messages.error(request, str(error))
        return redirect("funding:dashboard")
    response = HttpResponse(notices.notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="donation-notice-grant-{grant.pk}.pdf"'
    return response


