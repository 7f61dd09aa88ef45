"""The versioned public API, `/api/v1/`: read-only endpoints over the apps' selectors, and organisers' write
endpoints (token-authenticated) over the same services as the pages and CLI.

django-ninja rather than Django REST framework with drf-spectacular: the schema is generated from the type hints
and pydantic schemas the endpoints already declare (one source of truth, OpenAPI 3.1 natively), the endpoints
are plain functions that fit the services/selectors layout without serializer and viewset classes, and it has
throttling built in. Errors are `{"detail": "…"}` with the same messages the pages and CLI give.
"""

from __future__ import annotations

import datetime as dt
import os

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja import Path as PathParam
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle as _AnonRateThrottle
from ninja.throttling import AuthRateThrottle as _AuthRateThrottle

from swingfund import caching
from swingfund.api import reads, schemas
from swingfund.api.access import REFUSED_GIFT, can_record_gift, token_acts_as
from swingfund.api.services import KeyReused, token_live, write_once
from swingfund.compliance.checks import ComplianceRefusal
from swingfund.elections.models import Candidacy, Election, Person
from swingfund.evaluation.selectors import track_record as evaluation_track_record
from swingfund.funding import rules as funding_rules
from swingfund.funding import services as funding
from swingfund.funding.models import Campaign
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_defaults
from swingfund.targeting.bloc import ASSUMPTION_DEFAULTS, BlocError, assumptions_build
from swingfund.targeting.selectors import TargetingError
from swingfund.targeting.simulate import DEFAULT_SEED
from swingfund.targeting.swing import SwingError
from swingfund.targeting.targets import SORT_KEYS

READ_RATE = os.environ.get("SWINGFUND_API_READ_RATE", "50/s")
WRITE_RATE = os.environ.get("SWINGFUND_API_WRITE_RATE", "10/m")
MAX_API_DRAWS = 100_000
DEFAULT_API_DRAWS = 20_000
OFFLINE_METHODS = ("cash", "cheque", "bank_transfer")
# Bounds of integer parameters (past them the database itself would fail): ids, offsets, seeds, `top`.
MAX_ID = 2**31 - 1
MAX_SEED = 2**32 - 1
MAX_TOP = 10_000
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_DOC = {"parameters": [{
    "in": "header", "name": IDEMPOTENCY_HEADER, "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:\\-]{1,200}$"},
    "description": "Names this write: a retry with the same key gets the same answer and writes nothing twice; "
                   "the key reused for a different request is refused (422)."}]}
METHOD_NOT_OFFLINE = "Method {method!r} is not an offline method: use one of {known}."
NAME_OR_ANONYMOUS = "Give the donor's name, or mark the gift anonymous (not both)."


ERROR_RESPONSES = {  # every answer the API may give besides an operation's own, documented on every operation
    "400": "Bad input: a parameter out of its range, or a value the service refuses; `detail` names the problem.",
    "404": "No such election, organisation, campaign, person or page.",
    "422": "A parameter or body that does not validate (`detail` lists each problem), or a write the law refuses.",
    "429": "Too many requests, or too many new calculations, from this address: see Retry-After.",
    "503": "Every compute slot is busy: try again after Retry-After seconds.",
}
UNAUTHORISED = "No valid bearer token (`Authorization: Bearer …`), or the token has expired or been revoked."


class CorsNinjaAPI(NinjaAPI):
    """Read-only responses (GET, HEAD) may be read by any web page: `Access-Control-Allow-Origin: *`. Write
    endpoints get no CORS headers, so a browser page elsewhere cannot call them with a visitor's credentials.
    Its OpenAPI schema documents the error answers every operation may give (`ERROR_RESPONSES`, and 401 where a
    token is needed), each with its body (`schemas.Problem`; a validation error's `detail` is a list)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = schemas.Problem.model_json_schema()
        components["ValidationProblem"] = schemas.ValidationProblem.model_json_schema(
            ref_template="#/components/schemas/{model}")
        components.update(components["ValidationProblem"].pop("$defs", {}))
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                errors = dict(ERROR_RESPONSES)
                if operation.get("security"):
                    errors["401"] = UNAUTHORISED
                for code, description in errors.items():
                    if code in responses:
                        continue
                    ref = "ValidationProblem" if code == "422" else "Problem"
                    responses[code] = {"description": description, "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}
        return schema

    def create_response(self, request: HttpRequest, data, *, status=None, temporal_response=None) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        if request.method in {"GET", "HEAD"}:
            response["Access-Control-Allow-Origin"] = "*"
        return response


class OrganiserToken(HttpBearer):
    """`Authorization: Bearer <token>` issued by `swingfund api token --user NAME` for one role (organiser or
    treasurer) in one organisation; live only until it expires or is revoked, each use counted. `request.auth` is
    the holder and `request.api_token` the token; each endpoint then checks the token's organisation and role
    against what it touches (`api/access.py`)."""

    def authenticate(self, request: HttpRequest, token: str):
        row = token_live(raw=token)
        if row is None:
            return None
        request.api_token = row
        return row.user


class AnonRateThrottle(_AnonRateThrottle):
    """django-ninja's throttle for anonymous callers, keyed on the true client address (`caching.client_address`,
    behind the configured trusted proxies) rather than on the whole X-Forwarded-For header, which the client writes."""

    def get_ident(self, request: HttpRequest) -> str:
        return caching.client_address(request)


class AuthRateThrottle(_AuthRateThrottle):
    """django-ninja's throttle per token, and per true client address without one."""

    def get_ident(self, request: HttpRequest) -> str:
        return caching.client_address(request)


api = CorsNinjaAPI(
    title="swingfund API", version="1", urls_namespace="api-v1",
    description="Public figures of swingfund: elections, seats, targets, recommendations, decisions, scorecards "
                "and evidence, campaigns and the ledger. Every figure carries its sources and assumptions.",
    throttle=[AnonRateThrottle(READ_RATE), AuthRateThrottle(READ_RATE)],
)


@api.exception_handler(ValueError)
def bad_request(request: HttpRequest, exc: ValueError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(KeyReused)
def key_reused(request: HttpRequest, exc: KeyReused) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=422)


@api.exception_handler(ComplianceRefusal)
def refused(request: HttpRequest, exc: ComplianceRefusal) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=422)


@api.exception_handler(caching.Refused)
def busy(request: HttpRequest, exc: caching.Refused) -> HttpResponse:
    """The compute slots are busy (503) or an anonymous address asked for too many new calculations (429)."""
    response = api.create_response(request, {"detail": str(exc)}, status=exc.status)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _rendered(*, name: str, params: dict, version: str, build, schema) -> HttpResponse:
    """A JSON body from the result cache (`caching.result`, keyed by `version`), validated against `schema` when
    built; readable from any origin."""
    content = caching.result(name=name, params=params, version=version, heavy=False,
                             compute=lambda: schema.model_validate(build()).model_dump_json().encode())
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _election(election_id: str) -> Election:
    election = Election.objects.filter(pk=election_id).first()
    if election is None:
        raise HttpError(404, f"No election {election_id!r}.")
    return election


def _organisation(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise HttpError(404, f"No organisation {slug!r}.")
    return org


@api.get("/elections", response=list[schemas.ElectionOut], tags=["elections"])
def elections(request: HttpRequest):
    """Every imported election, with how many seats have a result."""
    return reads.elections()


@api.get("/elections/{election_id}/seats", response=list[schemas.SeatOut], tags=["elections"])
def seats(request: HttpRequest, election_id: str):
    """Every seat of the election with its official result."""
    return reads.seats(election=_election(election_id))


@api.get("/elections/{election_id}/targets", response=schemas.TargetsOut, tags=["targeting"])
def targets(request: HttpRequest, election_id: str, bloc: str, census: str | None = None,
            adult_ratio: str | None = None, registration: str | None = None, turnout_ratio: str | None = None,
            cohesion: str | None = None, other_support: str | None = None, count_twice: bool = False,
            draws: int = DEFAULT_API_DRAWS, seed: int = Query(DEFAULT_SEED, ge=0, le=MAX_SEED), sort: str = "leverage",
            top: int | None = Query(None, ge=1, le=MAX_TOP)):
    """Leverage and P(pivotal) (field `p_decisive`) of a bloc in every seat. Assumptions are `central` or
    `central:low:high` (defaults as `swingfund targets`); results for the same parameters are cached until new data is
    imported. A new table is a heavy computation: it takes a compute slot (503 when every slot stays busy) and,
    without signing in, counts against the address's rate limit (429)."""
    _election(election_id)
    given = {"adult_ratio": adult_ratio, "registration": registration, "turnout_ratio": turnout_ratio,
             "cohesion": cohesion, "other_support": other_support}
    if not 1 <= draws <= MAX_API_DRAWS:
        raise HttpError(400, f"draws must be between 1 and {MAX_API_DRAWS:,} (got {draws}).")
    if sort not in SORT_KEYS:
        raise HttpError(400, f"Unknown sort {sort!r}. Choose one of: {', '.join(SORT_KEYS)}.")
    try:
        assumptions = assumptions_build(overrides={k: v for k, v in given.items() if v and k in ASSUMPTION_DEFAULTS},
                                        count_twice=count_twice)
        version = caching.data_version("imports")
        params = {"election": election_id, "bloc": bloc, "census": census, "assumptions": assumptions.as_dict(),
                  "draws": draws, "seed": seed}

        def table() -> dict:
            return caching.result(request=request, name="api:targets", params=params, version=version,
                                  compute=lambda: reads.targets(election_id=election_id, bloc=bloc, census=census,
                                                                assumptions=assumptions, draws=draws, seed=seed))

        return _rendered(name="api:targets-body", params={**params, "sort": sort, "top": top}, version=version,
                         build=lambda: reads.targets_view(table(), sort=sort, top=top), schema=schemas.TargetsOut)
    except (BlocError, TargetingError, SwingError) as exc:
        raise HttpError(400, str(exc)) from exc


@api.get("/elections/{election_id}/recommendations", response=schemas.RecommendationsOut, tags=["scorecards"])
def recommendations(request: HttpRequest, election_id: str, organisation: str, bloc: str | None = None,
                    top: int | None = Query(None, ge=1, le=MAX_TOP), lens: str = "swing"):
    """The organisation's rule applied to the target seats: whom it would back, or why it stays out. A heavy
    computation, as for targets (compute slots, the anonymous rate limit)."""
    _election(election_id)
    org = _organisation(organisation)
    try:
        return caching.result(
            request=request, name="api:recommendations", timeout=reads.RECOMMENDATIONS_CACHE_SECONDS,
            params={"organisation": org.pk, "election": election_id, "bloc": bloc, "top": top, "lens": lens},
            version=caching.data_version("imports", "organisations", "scorecards"),
            compute=lambda: reads.recommendations(organisation=org, election_id=election_id, bloc=bloc, top=top,
                                                  lens=lens))
    except (BlocError, TargetingError) as exc:
        raise HttpError(400, str(exc)) from exc


@api.get("/organisations", response=list[schemas.OrganisationOut], tags=["organisations"])
def organisations(request: HttpRequest):
    return reads.organisations()


@api.get("/organisations/{slug}/decisions", response=list[schemas.DecisionOut], tags=["committee"])
def decisions(request: HttpRequest, slug: str):
    """The committee's decisions, newest first; members' names only where the organisation publishes them."""
    return reads.decisions(organisation=_organisation(slug))


@api.get("/organisations/{slug}/statements", response=list[schemas.StatementOut], tags=["scorecards"])
def statements(request: HttpRequest, slug: str):
    return reads.statements(organisation=_organisation(slug))


@api.get("/organisations/{slug}/evidence", response=list[schemas.EvidenceOut], tags=["scorecards"])
def evidence(request: HttpRequest, slug: str, person: int | None = Query(None, ge=1, le=MAX_ID),
             statement: str | None = None):
    """Public evidence, each with its source (and the Commons division's public page for a vote)."""
    return reads.evidence(organisation=_organisation(slug), person_id=person, statement=statement)


@api.get("/organisations/{slug}/scorecards/{person_id}", response=schemas.ScorecardOut, tags=["scorecards"])
def scorecard(request: HttpRequest, slug: str, person_id: int = PathParam(..., ge=1, le=MAX_ID)):
    """A person's stance on each current statement, with the public evidence behind it."""
    return reads.scorecard(organisation=_organisation(slug), person=get_object_or_404(Person, pk=person_id))


@api.get("/organisations/{slug}/track-record", response=list[schemas.EvaluationOut], tags=["evaluation"])
def track_record(request: HttpRequest, slug: str, bloc: str = ""):
    """Every election with results in which the organisation acted: per seat, won, majority, the bloc's possible
    effect, plausibly pivotal, money; and how the forecast scored (see /track-record/ for the method). `bloc`
    defaults to the group's census bloc; without one there is no effect estimate."""
    org = _organisation(slug)
    bloc = bloc or organisation_defaults(organisation=org).bloc
    try:
        return [e.as_dict() for e in evaluation_track_record(organisation=slug, bloc=bloc or None)]
    except (BlocError, TargetingError) as exc:
        raise HttpError(400, str(exc)) from exc


@api.get("/campaigns", response=list[schemas.CampaignOut], tags=["funding"])
def campaigns(request: HttpRequest):
    return reads.campaigns()


@api.get("/ledger", response=schemas.LedgerOut, tags=["funding"])
def ledger(request: HttpRequest, campaign: str | None = None, limit: int = Query(100, ge=1, le=1000),
           offset: int = Query(0, ge=0, le=MAX_ID)):
    """The public ledger: every transaction with its entries and hash; a giver's name only as the public page
    shows it (over the public threshold and with consent)."""
    chosen = None
    if campaign:
        chosen = Campaign.objects.filter(slug=campaign).first()
        if chosen is None:
            raise HttpError(404, f"No campaign {campaign!r}.")
    return _rendered(name="api:ledger", params={"campaign": campaign, "limit": limit, "offset": offset},
                     version=caching.data_version("ledger", "givers", "campaigns", "law"),
                     build=lambda: reads.ledger(campaign=chosen, limit=limit, offset=offset), schema=schemas.LedgerOut)


@api.post("/campaigns/{slug}/gifts", response={201: schemas.GiftOut, 400: schemas.Problem, 403: schemas.Problem,
                                               422: schemas.ValidationProblem},
          auth=OrganiserToken(), throttle=[AuthRateThrottle(WRITE_RATE)], tags=["funding"],
          openapi_extra=IDEMPOTENCY_DOC)
def gift_create(request: HttpRequest, slug: str, payload: schemas.GiftIn):
    """Record an offline gift (cash, cheque, bank transfer) through the same services and checks as the page:
    amounts, earmarks, permissibility holds, splitting; a gift the law refuses is refused with the reason. Only the
    treasurer of the campaign's organisation may record one (403 otherwise)."""
    campaign = Campaign.objects.select_related("organisation").filter(slug=slug).first()
    if campaign is None:
        raise HttpError(404, f"No campaign {slug!r}.")
    if not can_record_gift(user=request.auth, campaign=campaign, token=request.api_token):
        raise HttpError(403, REFUSED_GIFT.format(campaign=campaign.slug, organisation=campaign.organisation))
    status, body = write_once(user=request.auth, key=request.headers.get(IDEMPOTENCY_HEADER),
                              endpoint=f"POST {request.path}", request=payload.model_dump_json(),
                              write=lambda: _gift_record(request, campaign, payload))
    return Status(status, body)


def _gift_record(request: HttpRequest, campaign: Campaign, payload: schemas.GiftIn) -> tuple[int, dict]:
    if payload.method not in OFFLINE_METHODS:
        raise ValueError(METHOD_NOT_OFFLINE.format(method=payload.method, known=", ".join(OFFLINE_METHODS)))
    if payload.anonymous == bool(payload.name.strip()):
        raise ValueError(NAME_OR_ANONYMOUS)
    amount = funding_rules.parse_pounds(payload.amount)
    now = timezone.now()
    day = payload.received_on or now.date()
    received_at = now if day >= now.date() else dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
    candidacy = None
    if payload.for_candidacy is not None:
        candidacy = Candidacy.objects.filter(pk=payload.for_candidacy).first()
        if candidacy is None:
            raise ValueError(f"No candidacy {payload.for_candidacy}.")
    donor = None if payload.anonymous else funding.DonorDetails(
        name=payload.name, email=payload.email, address=payload.address, postcode=payload.postcode,
        consent_publish=payload.consent_publish)
    # The page's own service: donor and gift in one transaction, with this gift's own consent to publish.
    gift = funding.donation_record_with_donor(funding.GiftDetails(
        campaign=campaign, donor=donor, amount_pence=amount, method=payload.method, reference=payload.reference,
        received_at=received_at, earmarked_candidacy=candidacy, recorded_by=f"api:{request.auth.get_username()}"))
    return 201, {"id": gift.pk, "campaign": campaign.slug, "amount_pence": gift.amount_pence,
                 "status": gift.status, "hold_reason": gift.hold_reason, "ledger_transaction": gift.transaction_id}


SUPPORTER_ROLE = "Only an organiser of {organisation} may sign supporters up to it."
CONSENT_EVIDENCE = "Say where and how the person gave their consent (evidence), for the record the law asks for."


@api.post("/organisations/{slug}/supporters", response={201: schemas.SupporterOut, 400: schemas.Problem,
                                                        403: schemas.Problem, 422: schemas.ValidationProblem},
          auth=OrganiserToken(), throttle=[AuthRateThrottle(WRITE_RATE)], tags=["outreach"],
          openapi_extra=IDEMPOTENCY_DOC)
def supporter_create(request: HttpRequest, slug: str, payload: schemas.SupporterIn):
    """Sign a supporter up through the same service and checks as the public sign-up page: the postcode resolved to
    its 2024 constituency (an unknown or terminated postcode is refused and nothing is stored), the mobile number
    in E.164, consent per channel, the separate explicit consent for special-category data, email double opt-in.
    Only an organiser of the organisation may do it (403 otherwise)."""
    from swingfund.accounts.roles import ORGANISER, user_has_role

    organisation = get_object_or_404(Organisation, slug=slug)
    if not (user_has_role(user=request.auth, organisation=organisation, role=ORGANISER)
            and token_acts_as(request.api_token, organisation=organisation, role=ORGANISER)):
        raise HttpError(403, SUPPORTER_ROLE.format(organisation=organisation))
    status, body = write_once(user=request.auth, key=request.headers.get(IDEMPOTENCY_HEADER),
                              endpoint=f"POST {request.path}", request=payload.model_dump_json(),
                              write=lambda: _supporter_sign_up(request, organisation, payload))
    return Status(status, body)


def _supporter_sign_up(request: HttpRequest, organisation: Organisation, payload: schemas.SupporterIn
                       ) -> tuple[int, dict]:
    from swingfund.outreach import services as outreach

    if not payload.evidence.strip():
        raise ValueError(CONSENT_EVIDENCE)
    with transaction.atomic():
        supporter = outreach.supporter_sign_up(
            organisation=organisation, first_name=payload.first_name, last_name=payload.last_name,
            email=payload.email, phone=payload.phone, postcode=payload.postcode, language=payload.language,
            consents=payload.consents, source=f"api:{request.auth.get_username()}: {payload.evidence.strip()}"[:200])
    return 201, {"id": supporter.pk, "gss_code": supporter.constituency.gss_code,
                 "constituency": supporter.constituency.name,
                 "email_confirmation_sent": bool(supporter.email and "email" in payload.consents)}
