from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer or uptime check: 200 when the site can reach its database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as err:
        return JsonResponse({"ok": False, "database": str(err)}, status=503)
    return JsonResponse({"ok": True, "database": connection.vendor})
