import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer or uptime check: 200 when the site can reach its database, 503 when it cannot. The
    error itself goes to the log, never to the response (it can name hosts, users and files)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("health check: the database cannot be reached")
        return JsonResponse({"ok": False, "database": "unreachable"}, status=503)
    return JsonResponse({"ok": True, "database": connection.vendor})
