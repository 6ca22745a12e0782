"""Responses that may carry identities must never sit in a browser's or a proxy's cache.

Every page and API answer of resettle is about cases, so every response Django renders is sent
with `Cache-Control: no-store, private`: a shared computer's back button or disk cache, or a
caching proxy, would otherwise keep a copy of a family's names after sign-out. Static files are
served by WhiteNoise before this middleware and keep their long cache lifetimes.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True, private=True)
        return response
