from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """Liveness and database reachability, with nothing about the data itself."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception:  # a health check reports, it does not raise
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
