import uuid

from django.db import connection
from django.http import JsonResponse
from django.urls import reverse


def row_link(view_name: str) -> tuple[str, str]:
    """What a list's row link has before and after the row's id, from one reverse(): a page of
    50 rows reverses once, not once a row. Views taking one UUID only."""
    probe = str(uuid.UUID(int=0))
    prefix, suffix = reverse(view_name, args=[probe]).split(probe)
    return prefix, suffix


def healthz(request):
    """Liveness and database reachability, with nothing about the data itself."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception:  # a health check reports, it does not raise
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
