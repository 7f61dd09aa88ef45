"""`request.organisation`: the group this request's host serves (`organisation_current`), or None before any group
is set up. Every page reads the group's identity from it, so a site serving several groups shows each its own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .selectors import organisation_current

# Paths that never speak for a group: the load balancer's health check must answer from the database alone.
NO_GROUP_PATHS = ("/healthz",)


class OrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = (None if request.path in NO_GROUP_PATHS
                                else organisation_current(host=request.get_host()))
        return self.get_response(request)
