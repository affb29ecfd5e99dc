"""HTTP hardening that Django 5.2 does not ship: a Content-Security-Policy and per-address
rate limits. Both are middleware configured in the "HTTP security" block of the settings
(docs/deployment.md).

``SecurityHeadersMiddleware``
    Adds ``Content-Security-Policy`` (``BANHAO_CSP``; no inline script anywhere, no inline
    style except where ``BANHAO_CSP_PATH_OVERRIDES`` relaxes it for one path prefix) and
    ``Permissions-Policy`` (and ``X-Frame-Options`` where Django's middleware did not run).
    The other headers come from Django's own ``SecurityMiddleware``
    (HSTS, nosniff, Referrer-Policy, COOP) and ``XFrameOptionsMiddleware``.

``RateLimitMiddleware``
    Fixed-window counters in Django's cache (``BANHAO_RATE_LIMIT_CACHE``) per rule and client
    address (``BANHAO_RATE_LIMITS``). Over the limit the answer is 429 with ``Retry-After``:
    the API's error shape under ``/api/``, a Chinese page elsewhere. There is no setting that
    exempts an address or switches the limits off.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

Handler = Callable[[HttpRequest], HttpResponse]

#: The policy when ``BANHAO_CSP`` is not set.
DEFAULT_CSP: dict[str, Sequence[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

DEFAULT_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def csp_header(policy: Mapping[str, Iterable[str]]) -> str:
    """``{"default-src": ["'self'"], …}`` → ``default-src 'self'; …`` (an empty list of
    sources gives a bare directive such as ``upgrade-insecure-requests``)."""
    parts = []
    for directive, sources in policy.items():
        values = " ".join(sources)
        parts.append(f"{directive} {values}" if values else directive)
    return "; ".join(parts)


def csp_for_path(path: str) -> str:
    """The policy for a request path: ``BANHAO_CSP`` with the directives of the longest
    matching ``BANHAO_CSP_PATH_OVERRIDES`` prefix replaced."""
    policy: dict[str, Sequence[str]] = dict(getattr(settings, "BANHAO_CSP", DEFAULT_CSP))
    overrides: Mapping[str, Mapping[str, Sequence[str]]] = getattr(
        settings, "BANHAO_CSP_PATH_OVERRIDES", {}
    )
    matches = [prefix for prefix in overrides if path.startswith(prefix)]
    if matches:
        policy.update(overrides[max(matches, key=len)])
    return csp_header(policy)


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and X-Frame-Options on every response that
    has none."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = csp_for_path(request.path_info)
        # Django's XFrameOptionsMiddleware sits innermost; answers given before it (a 429
        # from the rate limiter) get the header here.
        if "X-Frame-Options" not in response and not getattr(
            response, "xframe_options_exempt", False
        ):
            response["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY")
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = getattr(
                settings, "BANHAO_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY
            )
        return response


# -- rate limits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` requests per ``period`` seconds per client address to any path under
    one of ``paths`` (prefixes; a missing trailing slash is ignored) with one of ``methods``
    (empty: every method)."""

    name: str
    paths: tuple[str, ...]
    limit: int
    period: int = 60
    methods: frozenset[str] = frozenset()

    def matches(self, request: HttpRequest) -> bool:
        if self.methods and request.method not in self.methods:
            return False
        path = request.path_info if request.path_info.endswith("/") else request.path_info + "/"
        return path.startswith(self.paths)


def rate_limits() -> list[RateLimit]:
    """``BANHAO_RATE_LIMITS`` as rules; a limit below 1 or a period below 1 s is refused."""
    rules = []
    for raw in getattr(settings, "BANHAO_RATE_LIMITS", []):
        rule = RateLimit(
            name=str(raw["name"]),
            paths=tuple(raw["paths"]),
            limit=int(raw["limit"]),
            period=int(raw.get("period", 60)),
            methods=frozenset(m.upper() for m in raw.get("methods", ())),
        )
        if rule.limit < 1 or rule.period < 1 or not rule.paths:
            raise ImproperlyConfigured(
                f"BANHAO_RATE_LIMITS[{rule.name}]: limit and period must be at least 1, "
                "with at least one path"
            )
        rules.append(rule)
    return rules


def client_address(request: HttpRequest) -> str:
    """The address a limit counts against.

    ``REMOTE_ADDR`` unless ``BANHAO_TRUSTED_PROXIES`` (the number of reverse proxies in front
    of the application) is above 0: then the entry that the outermost trusted proxy appended to
    ``X-Forwarded-For`` — entries further left are whatever the client sent and are ignored.
    IPv6 addresses count per /64 network, since one host usually holds a whole /64.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "BANHAO_TRUSTED_PROXIES", 0))
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


RATE_LIMITED_MESSAGE = "请求过于频繁，请稍后再试"


def rate_limited_response(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429: the API error shape under ``/api/``, a Chinese page elsewhere."""
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "rate_limited", "message": RATE_LIMITED_MESSAGE}},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        body = render_to_string(
            "429.html", {"message": RATE_LIMITED_MESSAGE, "retry_after": retry_after}, request
        )
        response = HttpResponse(body, status=429, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RateLimitMiddleware:
    """Counts matching requests per rule and client address; answers 429 over the limit."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.rules = rate_limits()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for rule in self.rules:
            if rule.matches(request):
                retry_after = self.hit(rule, client_address(request))
                if retry_after:
                    return rate_limited_response(request, retry_after)
        return self.get_response(request)

    @staticmethod
    def hit(rule: RateLimit, address: str) -> int:
        """Count one request; the seconds until the window ends when over the limit, else 0."""
        cache = caches[getattr(settings, "BANHAO_RATE_LIMIT_CACHE", "default")]
        now = time.time()
        window = int(now // rule.period)
        # Addresses are personal information: only a digest goes into the cache key.
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        key = f"banhao:ratelimit:{rule.name}:{digest}:{window}"
        cache.add(key, 0, timeout=rule.period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=rule.period + 1)
            count = 1
        if count <= rule.limit:
            return 0
        return max(1, int((window + 1) * rule.period - now) + 1)
