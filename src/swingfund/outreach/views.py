"""Thin views: parse, call a service or selector, render."""

from __future__ import annotations

import json

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from swingfund.organisations.selectors import organisation_defaults
from swingfund.outreach import messaging, selectors, services, spending
from swingfund.outreach.access import is_organiser, organised_by
from swingfund.outreach.channels import share as share_kits
from swingfund.outreach.channels.whatsapp import WebhookRefused, webhook_handle
from swingfund.outreach.compose import polling_day_text
from swingfund.outreach.errors import IMPRINT_ADDRESS_MISSING, PHONE_CODE_REFUSED, OutreachRefusal
from swingfund.outreach.forms import ComposeForm, SignUpForm, TranslationForm
from swingfund.outreach.languages import LANGUAGES
from swingfund.outreach.models import Message, Purpose, Segment, Supporter
from swingfund.outreach.rights import supporter_export
from swingfund.outreach.segments import segment_counts

NOT_ORGANISER = "Only an organiser can do this."
SIGNED_UP = "Thank you, {name}: you are signed up in {seat}."
CHECK_EMAIL = "We have emailed you a link: click it to confirm you want our emails."
CHECK_WHATSAPP = (
    "We have sent a WhatsApp message with a code to your mobile: reply to it, or enter the code here, to confirm "
    "the number is yours. Until then we send nothing else to it."
)
PHONE_CONFIRMED = "Thank you: your mobile number is confirmed."


def _refuse(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/refused.html", {"message": NOT_ORGANISER}, status=403)


def join(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    if organisation is None:
        return render(request, "outreach/refused.html", {"message": "Sign-up is not open yet."}, status=503)
    if not organisation_defaults(organisation=organisation).imprint:
        return render(request, "outreach/refused.html", {"message": IMPRINT_ADDRESS_MISSING}, status=503)
    form = SignUpForm(request.POST or None, initial={"ref": request.GET.get("ref", "")})
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            joined = services.supporter_join(
                organisation=organisation, first_name=d["first_name"], last_name=d["last_name"], email=d["email"],
                phone=d["phone"], postcode=d["postcode"], language=d["language"], consents=form.consents(),
                referral_code=d["ref"], source="web sign-up form",
            )  # fmt: skip
        except OutreachRefusal as exc:
            error = str(exc)
        else:  # the same page whether or not the person was already on the list (no personal link on it)
            return render(request, "outreach/joined.html", {
                "message": SIGNED_UP.format(name=joined.first_name, seat=joined.seat.name),
                "check_email": CHECK_EMAIL if joined.check_email else "",
                "check_whatsapp": CHECK_WHATSAPP if joined.check_whatsapp else "",
            })  # fmt: skip
    return render(request, "outreach/join.html", {
        "form": form, "error": error, "wordings": form.wordings(organisation=organisation),
    }, status=400 if error else 200)  # fmt: skip


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        supporter = services.email_confirm(token=token)
    except OutreachRefusal as exc:
        return render(request, "outreach/refused.html", {"message": str(exc)}, status=404)
    return render(request, "outreach/joined.html", {"message": f"Thank you, {supporter.first_name}: email confirmed."})


@require_http_methods(["GET", "POST"])
def confirm_phone(request: HttpRequest) -> HttpResponse:
    """The owner of a mobile number types the code of its first WhatsApp message. A wrong code, an unknown number
    and a spent code get the same answer."""
    error = None
    if request.method == "POST":
        phone, code = request.POST.get("phone", "")[:30], request.POST.get("code", "")[:12]
        if services.phone_confirm(phone=phone, code=code):
            return render(request, "outreach/joined.html", {"message": PHONE_CONFIRMED})
        error = PHONE_CODE_REFUSED
    return render(request, "outreach/confirm_phone.html", {"error": error}, status=400 if error else 200)


@csrf_exempt  # RFC 8058: mail clients POST `List-Unsubscribe=One-Click` with no session or token of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str, channel: str) -> HttpResponse:
    supporter = Supporter.objects.filter(token=token, erased_at__isnull=True).first()
    if supporter is None or channel not in (Purpose.EMAIL, Purpose.WHATSAPP):
        raise Http404("unknown unsubscribe link")
    if request.method == "POST":
        services.consent_withdraw(supporter=supporter, purpose=channel, via="unsubscribe link")
        return render(request, "outreach/joined.html", {"message": "You are unsubscribed. Nothing more will be sent."})
    return render(request, "outreach/unsubscribe.html", {"channel": channel})


@require_http_methods(["GET", "POST"])
def pledge(request: HttpRequest, token: str, message_id: int) -> HttpResponse:
    if request.method == "POST":
        try:
            services.pledge_record(token=token, message_id=message_id, will_vote=request.POST.get("answer") == "yes")
        except OutreachRefusal as exc:
            return render(request, "outreach/refused.html", {"message": str(exc)}, status=404)
        return render(request, "outreach/joined.html", {"message": "Thank you: your answer is recorded."})
    return render(request, "outreach/pledge.html", {})


def share(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    segment = selectors.segments_for(organisation=organisation).first() if organisation else None
    language = request.GET.get("lang", "en")
    if language not in share_kits.SHARE_TEXT:
        language = "en"
    message = Message.objects.filter(segment=segment).exclude(election=None).first() if segment else None
    day = polling_day_text(message) if message else ""
    ref = request.GET.get("ref", "")
    seats = segment.constituencies.order_by("name") if segment and organisation_defaults(
        organisation=organisation).imprint else []  # no imprint, no share kit
    kits = [share_kits.share_kit(seat_name=seat.name, language=language, organisation=organisation, polling_day=day,
                                 referral_code=ref) for seat in seats]  # fmt: skip
    return render(request, "outreach/share.html", {
        "kits": kits, "language": language, "languages": {k: LANGUAGES[k] for k in share_kits.SHARE_TEXT},
        "segment": segment,
    })  # fmt: skip


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = organised_by(user=request.user).order_by("name").first()
    if not is_organiser(user=request.user, organisation=organisation):
        return _refuse(request)
    segments = [(s, segment_counts(segment=s)) for s in selectors.segments_for(organisation=organisation)] \
        if organisation else []
    rows = [(m, selectors.delivery_counts(message=m)) for m in selectors.messages_for(organisation=organisation)] \
        if organisation else []
    return render(request, "outreach/dashboard.html", {"segments": segments, "messages_rows": rows})


@login_required
def compose(request: HttpRequest, segment_id: int) -> HttpResponse:
    segment = get_object_or_404(Segment, pk=segment_id)
    if not is_organiser(user=request.user, organisation=segment.organisation):
        return _refuse(request)
    form = ComposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            message = messaging.message_create(
                segment=segment, title=d["title"], author=request.user,
                translations={d["language"]: (d["subject"], d["body"])}, whatsapp_template=d["whatsapp_template"],
                pledge_ask=d["pledge_ask"], donate_url=d["donate_url"],
            )  # fmt: skip
        except OutreachRefusal as exc:
            flash.error(request, str(exc))
        else:
            return redirect("outreach:message", message_id=message.pk)
    return render(request, "outreach/compose.html", {"form": form, "segment": segment,
                                                     "counts": segment_counts(segment=segment)})


@login_required
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=message_id)
    if not is_organiser(user=request.user, organisation=message.organisation):
        return _refuse(request)
    form = TranslationForm(request.POST or None) if request.POST.get("action") == "translate" else TranslationForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                messaging.message_approve(message=message, approver=request.user)
                flash.success(request, "Approved.")
            elif action == "queue":
                n = messaging.message_queue(message=message)
                flash.success(request, f"{n} deliveries queued.")
            elif action == "translate" and form.is_valid():
                d = form.cleaned_data
                messaging.translation_set(message=message, language=d["language"], subject=d["subject"],
                                          body=d["body"])  # fmt: skip
                flash.success(request, f"{LANGUAGES[d['language']]} saved.")
        except OutreachRefusal as exc:
            flash.error(request, str(exc))
        return redirect("outreach:message", message_id=message.pk)
    previews = [messaging.message_preview(message=message, language=t.language) for t in message.translations.all()]
    seat_counts = segment_counts(segment=message.segment)
    on = max(timezone.now(), message.send_after) if message.send_after else timezone.now()
    law = spending.message_law(message=message, seat_counts={seat.pk: n for seat, n in seat_counts}, on=on.date())
    return render(request, "outreach/message.html", {
        "message": message, "previews": previews, "counts": selectors.delivery_counts(message=message),
        "log": selectors.delivery_log(message=message), "form": form, "seat_counts": seat_counts, "law": law,
    })  # fmt: skip


@login_required
def supporter_export_view(request: HttpRequest, supporter_id: int) -> HttpResponse:
    supporter = get_object_or_404(Supporter, pk=supporter_id, erased_at__isnull=True)
    if not is_organiser(user=request.user, organisation=supporter.organisation):
        return _refuse(request)
    response = JsonResponse(supporter_export(supporter=supporter), json_dumps_params={"ensure_ascii": False,
                                                                                      "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="supporter-{supporter.pk}.json"'
    return response


@csrf_exempt  # authenticated by X-Hub-Signature-256, not a session
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    if request.method == "GET":  # the Cloud API's subscription check
        if settings.WHATSAPP_VERIFY_TOKEN and request.GET.get("hub.verify_token") == settings.WHATSAPP_VERIFY_TOKEN:
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse("Forbidden", status=403)
    try:
        counts = webhook_handle(body=request.body, signature=request.headers.get("X-Hub-Signature-256"))
    except WebhookRefused as exc:
        return HttpResponse(str(exc), status=exc.status, content_type="text/plain")
    return HttpResponse(json.dumps(counts), content_type="application/json")
