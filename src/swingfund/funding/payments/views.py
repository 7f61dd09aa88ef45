"""Card gifts on the web: the donate form (→ Stripe Checkout), the thank-you page, the webhook, the event log.
Views parse input, call `stripe.py` / `services.py` / `selectors.py`, and render."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from swingfund.accounts.access import administrator_required
from swingfund.compliance.selectors import FigureNotInForce, figure
from swingfund.display import money
from swingfund.funding.giving import PRESET_POUNDS
from swingfund.funding.models import Campaign, Donation, Method
from swingfund.funding.payments import selectors
from swingfund.funding.payments.forms import DonateForm
from swingfund.funding.payments.receipt import receipt_for, receipt_pdf
from swingfund.funding.payments.receiver import webhook_answer
from swingfund.funding.payments.stripe import (
    CARD_PAYMENTS_OFF,
    StripeUnavailable,
    card_payments_enabled,
    checkout_session_create,
    gift_metadata,
)
from swingfund.funding.selectors import public_name_threshold
from swingfund.organisations.selectors import organisation_defaults

NO_BACKED_CANDIDATE = "This campaign passes gifts on to backed candidates, and none is backed yet."
# Which figure decides whose name the regulator's records make public, whatever the donor ticks: a pooled gift is
# reported to the Electoral Commission over the non-party reporting threshold (PPERA 2000 Sch 11 para 10); an
# earmarked gift is a donation to the candidate, listed in the candidate's return over the candidate threshold.
REPORTED_FIGURE = {"pooled": "non_party_donation_report_threshold", "earmarked": "candidate_donation_threshold"}
KEPT_FORM = "checkout:{slug}"  # the session key of what a giver typed, restored when they cancel at Stripe
CHECKOUT_CANCELLED = "You cancelled the card payment: nothing was taken. Your details are as you left them."
SPECIAL_CONSENT_VERSION = "2026-12-1"  # the donation form's Article 9 wording (forms.special_consent_wording)
CAMPAIGN_CLOSED = "This campaign is not taking gifts: it runs from {start:%d %B %Y} to {end:%d %B %Y}."


def checkout(request: HttpRequest, campaign_slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=campaign_slug)
    now = timezone.now()
    context: dict = {"campaign": campaign}
    if not card_payments_enabled():
        context["closed"] = CARD_PAYMENTS_OFF
        return render(request, "payments/checkout.html", context, status=503)
    if not campaign.starts_at <= now < campaign.ends_at:
        context["closed"] = CAMPAIGN_CLOSED.format(start=campaign.starts_at, end=campaign.ends_at)
        return render(request, "payments/checkout.html", context, status=409)
    try:
        threshold = selectors.declaration_threshold(mode=campaign.mode, on=now.date())
        names = public_name_threshold(on=now.date())
        reported = figure(REPORTED_FIGURE[campaign.mode], on=now.date())
    except FigureNotInForce as err:
        context["closed"] = str(err)
        return render(request, "payments/checkout.html", context, status=503)
    choices = selectors.earmark_choices(campaign=campaign) if campaign.mode == "earmarked" else None
    if choices == []:
        context["closed"] = NO_BACKED_CANDIDATE
        return render(request, "payments/checkout.html", context, status=409)
    preset = request.GET.get("amount", "")
    group = organisation_defaults(organisation=campaign.organisation or getattr(request, "organisation", None))
    kept_key = KEPT_FORM.format(slug=campaign.slug)
    initial = {"amount": preset} if preset.isdigit() else None
    if request.method != "POST" and request.GET.get("cancelled") and request.session.get(kept_key):
        initial = request.session[kept_key]  # back from Stripe's Cancel: the form as the giver left it
        context["cancelled"] = CHECKOUT_CANCELLED
    form = DonateForm(request.POST or None, threshold_pence=threshold.value, threshold_citation=threshold.citation,
                      candidacies=choices, initial=initial, group_name=group.legal_name or group.name)
    context.update(form=form, threshold=threshold, threshold_display=money(threshold.value, short=True),
                   presets=PRESET_POUNDS, group=group,
                   names_display=money(names.value, short=True), names_figure=names,
                   reported_display=money(reported.value, short=True), reported_figure=reported,
                   errors=[(form[name].auto_id if name in form.fields else "donate", error)
                           for name, errors in form.errors.items() for error in errors] if form.is_bound else [])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        metadata = gift_metadata(
            name=data["name"], email=data["email"], address=data["address"], postcode=data["postcode"],
            category=data["category"], declared=data["declaration"], consent_publish=data["consent_publish"],
            candidacy_id=data.get("candidacy"), amount_pence=data["amount"], threshold_pence=threshold.value)
        metadata["special_consent"] = f"version {SPECIAL_CONSENT_VERSION}, given {now.isoformat(timespec='seconds')}"
        request.session[kept_key] = {k: v for k, v in request.POST.items() if k in form.fields}
        base = request.build_absolute_uri(reverse("payments:thanks", args=[campaign.slug]))
        try:
            session = checkout_session_create(
                campaign_slug=campaign.slug, campaign_title=campaign.title, amount_pence=data["amount"],
                donor_email=data["email"], metadata=metadata, success_url=f"{base}?session={{CHECKOUT_SESSION_ID}}",
                cancel_url=request.build_absolute_uri(reverse("payments:checkout", args=[campaign.slug]))
                + "?cancelled=1",
                idempotency_key=f"swingfund-checkout-{uuid.uuid4()}",
            )
        except StripeUnavailable as err:
            context["error"] = str(err)
            return render(request, "payments/checkout.html", context, status=502)
        return redirect(session.url)
    return render(request, "payments/checkout.html", context, status=400 if form.is_bound else 200)


def checkout_thanks(request: HttpRequest, campaign_slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=campaign_slug)
    session_id = request.GET.get("session", "")
    donation = (Donation.objects.filter(method=Method.CARD, reference=session_id).first() if session_id else None)
    if donation is not None and donation.campaign_id != campaign.pk:
        donation = None
    receipt = None
    if donation is not None:
        request.session.pop(KEPT_FORM.format(slug=campaign.slug), None)  # given: nothing left to restore
        group = organisation_defaults(organisation=campaign.organisation or getattr(request, "organisation", None))
        receipt = receipt_for(donation=donation, group_name=group.legal_name or group.name,
                              group_address=group.address)
    ledger_line = (f"{reverse('public:ledger')}#tx-{receipt.ledger_tx}" if receipt and receipt.ledger_tx else "")
    if request.GET.get("format") == "json":  # the thanks page polls this until the payment is confirmed
        return JsonResponse({"confirmed": donation is not None,
                             "amount": money(donation.amount_pence) if donation else ""})
    if request.GET.get("format") == "pdf":
        if receipt is None:
            raise Http404("No recorded gift has that Stripe reference (yet).")
        response = HttpResponse(receipt_pdf(receipt, ledger_url=request.build_absolute_uri(ledger_line)),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="receipt-{receipt.number}.pdf"'
        return response
    return render(request, "payments/thanks.html", {
        "campaign": campaign, "donation": donation, "session_id": session_id, "receipt": receipt,
        "ledger_line": ledger_line, "amount_display": money(donation.amount_pence) if donation else "",
    })


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """The webhook through Django (the test client, `runserver`); served, `receiver.py` answers it before Django."""
    status, answer = webhook_answer(payload=request.body, signature=request.headers.get("Stripe-Signature"))
    return JsonResponse(answer, status=status)


@administrator_required
def stripe_events(request: HttpRequest) -> HttpResponse:
    """Stripe's raw events (donors' names and emails, every organisation's): the site administrator's."""
    status = request.GET.get("status") or None
    return render(request, "payments/events.html", {
        "events": selectors.stripe_event_list(status=status), "counts": selectors.stripe_event_counts(),
        "status": status,
    })
