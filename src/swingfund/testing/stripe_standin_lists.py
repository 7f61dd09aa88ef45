"""Stripe's list endpoints as the stand-in serves them: one page of a collection in Stripe's list wire format
(https://docs.stripe.com/api/pagination). Pure functions over the stand-in's objects; split from `standin`.

A page is ``{"object": "list", "url": …, "has_more": …, "data": […]}``, newest first (descending ``created``; objects
created in the same second keep their creation order, the later one first, so paging is stable). ``starting_after``
gives the objects after the cursor in that order, ``ending_before`` the ones just before it (still newest first);
``has_more`` says whether more lie beyond the page in the direction of travel, which is what the `stripe` library's
``auto_paging_iter`` follows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import itemgetter
from typing import Any

from swingfund.testing.stripe_standin_objects import StripeError

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
RANGE_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "gt": lambda value, bound: value > bound, "gte": lambda value, bound: value >= bound,
    "lt": lambda value, bound: value < bound, "lte": lambda value, bound: value <= bound,
}


def list_page(objects: list[dict[str, Any]], params: dict[str, Any], *, url: str, kind: str,
              keep: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
    """One page of ``objects`` (every object of the collection, in creation order) for the request ``params``:
    ``limit``, ``starting_after`` / ``ending_before`` and ``created`` (an integer, or ``created[gt|gte|lt|lte]``);
    ``keep`` applies the endpoint's own filters. The objects are returned as given (copy and expand them after)."""
    limit = _limit(params.get("limit"))
    after, before = params.get("starting_after"), params.get("ending_before")
    if after and before:
        raise StripeError(400, "You may only specify one of these parameters: ending_before, starting_after.",
                          param="ending_before")
    created = created_filter(params.get("created"))
    # Newest first; among objects created in the same second the later one first (a stable sort of the reversed
    # creation order). Only as many objects are looked at as the page needs.
    ordered = sorted(objects[::-1], key=itemgetter("created"), reverse=True)  # noqa: C415 — ties keep input order

    def matches(objs: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        return (obj for obj in objs if created(obj["created"]) and (keep is None or keep(obj)))

    if before:
        cursor = _cursor(ordered, before, kind, "ending_before")
        rest = list(matches(ordered[:cursor]))
        return {"object": "list", "url": url, "has_more": len(rest) > limit, "data": rest[-limit:]}
    start = _cursor(ordered, after, kind, "starting_after") + 1 if after else 0
    page = list(islice(matches(islice(ordered, start, None)), limit + 1))
    return {"object": "list", "url": url, "has_more": len(page) > limit, "data": page[:limit]}


def created_filter(value: Any) -> Callable[[int], bool]:
    """``created=T`` (exactly T) or ``created[gte]=T`` and friends (all must hold), as a predicate on a timestamp."""
    if value is None or value == "":
        return lambda _: True
    if not isinstance(value, dict):
        exact = _integer(value, "created")
        return lambda created: created == exact
    low, high = float("-inf"), float("inf")  # inclusive bounds: gt T is gte T+1 for whole seconds
    for op, bound in value.items():
        if op not in RANGE_OPERATORS:
            raise StripeError(400, f"Received unknown parameter: created[{op}]", param=f"created[{op}]",
                              code="parameter_unknown")
        number = _integer(bound, f"created[{op}]")
        if op in ("gt", "gte"):
            low = max(low, number + (op == "gt"))
        else:
            high = min(high, number - (op == "lt"))
    return lambda created: low <= created <= high


def _limit(value: Any) -> int:
    if value is None:
        return DEFAULT_LIMIT
    limit = _integer(value, "limit")
    if limit < 1:
        raise StripeError(400, "This value must be greater than or equal to 1.", param="limit",
                          code="parameter_invalid_integer")
    if limit > MAX_LIMIT:
        raise StripeError(400, f"This value must be less than or equal to {MAX_LIMIT} (it currently is '{limit}').",
                          param="limit", code="parameter_invalid_integer")
    return limit


def _integer(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {value}", param=param, code="parameter_invalid_integer") from None


def _cursor(ordered: list[dict[str, Any]], oid: str, kind: str, param: str) -> int:
    for index, obj in enumerate(ordered):
        if obj["id"] == oid:
            return index
    raise StripeError(400, f"No such {kind}: '{oid}'", param=param, code="resource_missing")
