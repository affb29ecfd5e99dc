"""HTTP hardening: security headers, the Content-Security-Policy (and templates that obey it),
and per-address rate limits (banhao.shared.http)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from banhao.shared.http import RateLimitMiddleware, client_address, csp_for_path, rate_limits

ROOT = Path(__file__).resolve().parents[2]
RATE_LIMITED = {"error": {"code": "rate_limited", "message": "请求过于频繁，请稍后再试"}}


def policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


# -- headers -------------------------------------------------------------------------------------


def test_pages_carry_the_security_headers(db: Any, client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = policy(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_no_hsts_outside_production(db: Any, client: Client) -> None:
    assert "Strict-Transport-Security" not in client.get("/accounts/login/", secure=True)


def test_hsts_with_the_production_values(db: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    client = Client()  # middleware reads the settings when the handler is built
    secure = client.get("/accounts/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")  # only over HTTPS


def test_ssl_redirect_spares_the_health_probe(db: Any, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    redirected = client.get("/accounts/login/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/accounts/login/"
    assert client.get("/healthz").status_code in {200, 503}


def test_session_and_csrf_cookies_are_http_only_and_lax(db: Any, client: Client) -> None:
    response = client.get("/accounts/login/")
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_api_docs_get_the_same_strict_policy(db: Any, client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    csp = policy(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert "<script src=" in response.content.decode()  # ninja's bundled, local Swagger UI


def test_a_path_prefix_can_replace_directives(settings: Any) -> None:
    settings.BANHAO_CSP_PATH_OVERRIDES = {
        "/reports/": {"style-src": ["'self'", "'unsafe-inline'"]},
        "/reports/print/": {"style-src": ["'self'"], "img-src": ["'self'", "blob:"]},
    }
    assert policy(csp_for_path("/reports/1/"))["style-src"] == ["'self'", "'unsafe-inline'"]
    print_policy = policy(csp_for_path("/reports/print/1/"))  # the longest prefix wins
    assert print_policy["style-src"] == ["'self'"] and print_policy["img-src"][-1] == "blob:"
    assert policy(csp_for_path("/items/"))["style-src"] == ["'self'"]
    assert policy(csp_for_path("/reports/1/"))["script-src"] == ["'self'"]


def test_429_pages_carry_the_headers_too(db: Any, client: Client, stopped_clock: Any) -> None:
    for _ in range(10):
        client.post("/accounts/login/", {"username": "x", "password": "y"})
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert policy(response["Content-Security-Policy"])["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


# -- templates obey the policy -------------------------------------------------------------------

INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    comment = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)
    found = []
    for path in sorted((ROOT / "banhao").glob("**/templates/**/*.html")):
        text = comment.sub("", path.read_text(encoding="utf-8"))
        for what, pattern in INLINE.items():
            found += [
                f"{path.relative_to(ROOT)}: {what}: {m.group(0)}" for m in pattern.finditer(text)
            ]
    assert found == []


def test_htmx_injects_no_style_and_evaluates_nothing(db: Any, client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert match is not None
    assert json.loads(match.group(1)) == {"includeIndicatorStyles": False, "allowEval": False}


# -- rate limits ---------------------------------------------------------------------------------
# Windows are whole minutes of the clock: tests stop the clock early in a minute so that a slow
# run never crosses into the next window half-way.

START = dt.datetime(2026, 11, 27, 9, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def stopped_clock() -> Any:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_login_is_limited_to_ten_posts_a_minute_per_address(
    db: Any, client: Client, stopped_clock: Any
) -> None:
    for _ in range(10):
        assert (
            client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200
        )
    refused = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/html")
    page = refused.content.decode()
    assert "请求过于频繁，请稍后再试" in page and "秒后再试" in page
    assert refused["Retry-After"] == "56"
    # Reading the form is not counted; another address has its own count.
    assert client.get("/accounts/login/").status_code == 200
    other = client.post(
        "/accounts/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 200
    stopped_clock.shift(dt.timedelta(seconds=60))  # the next minute starts afresh
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200


def test_registration_is_limited_to_five_posts_a_minute(
    db: Any, client: Client, stopped_clock: Any
) -> None:
    for _ in range(5):
        assert client.post("/accounts/register/", {}).status_code != 429
    refused = client.post("/accounts/register/", {})
    assert refused.status_code == 429
    assert "请求过于频繁" in refused.content.decode()
    assert client.get("/accounts/register/").status_code == 200


def test_public_api_is_limited_to_120_requests_a_minute(
    db: Any, client: Client, stopped_clock: Any
) -> None:
    for n in range(120):
        path = "/api/v1/catalog/themes" if n % 2 else "/api/v1/calendar/days?year=2026&month=1"
        assert client.get(path).status_code == 200
    for path in ("/api/v1/calendar/days?year=2026&month=1", "/api/v1/catalog/themes"):
        refused = client.get(path)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/json"
        assert json.loads(refused.content) == RATE_LIMITED
        assert int(refused["Retry-After"]) >= 1
    # Other parts of the API have their own authentication and are not counted here.
    assert client.get("/api/v1/cases/").status_code == 401


def test_behind_trusted_proxies_the_forwarded_address_counts(
    db: Any, settings: Any, stopped_clock: Any
) -> None:
    settings.BANHAO_TRUSTED_PROXIES = 1
    client = Client(REMOTE_ADDR="10.1.1.1")  # the reverse proxy
    for _ in range(10):
        client.post(
            "/accounts/login/",
            {"username": "x", "password": "y"},
            # the client claims to be 198.51.100.9; the proxy appended the real address
            HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5",
        )
    blocked = client.post("/accounts/login/", {}, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert blocked.status_code == 429
    other = client.post("/accounts/login/", {}, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 200


def test_without_trusted_proxies_forwarded_headers_are_ignored(
    db: Any, client: Client, stopped_clock: Any
) -> None:
    for n in range(10):
        client.post("/accounts/login/", {}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert client.post(
        "/accounts/login/", {}, HTTP_X_FORWARDED_FOR="198.51.100.99"
    ).status_code == (429)


@pytest.mark.parametrize(
    ("meta", "proxies", "address"),
    [
        ({"REMOTE_ADDR": "192.0.2.7"}, 0, "192.0.2.7"),
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, 0, "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "::ffff:192.0.2.7"}, 0, "192.0.2.7"),
        ({"REMOTE_ADDR": "not an address"}, 0, "unknown"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.7"}, 0, "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.7"}, 1, "192.0.2.7"),
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.7, 10.0.0.2"},
            2,
            "192.0.2.7",
        ),
        ({"REMOTE_ADDR": "10.0.0.1"}, 1, "10.0.0.1"),
    ],
)
def test_client_address(meta: dict[str, str], proxies: int, address: str, settings: Any) -> None:
    settings.BANHAO_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/")
    request.META.update(meta)
    assert client_address(request) == address


def test_the_default_rules() -> None:
    rules = {rule.name: rule for rule in rate_limits()}
    assert (rules["login"].limit, rules["login"].period, rules["login"].methods) == (
        10,
        60,
        frozenset({"POST"}),
    )
    assert (rules["register"].limit, rules["register"].methods) == (5, frozenset({"POST"}))
    assert (rules["second_factor"].limit, rules["second_factor"].methods) == (
        10,
        frozenset({"POST"}),
    )
    assert rules["second_factor"].paths == ("/security/mfa/", "/security/reauth/")
    assert rules["public_api"].limit == 120 and not rules["public_api"].methods
    assert rules["public_api"].paths == ("/api/v1/catalog/", "/api/v1/calendar/")


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_cannot_be_switched_off(limit: int, settings: Any) -> None:
    settings.BANHAO_RATE_LIMITS = [{"name": "login", "paths": ["/accounts/login/"], "limit": limit}]
    with pytest.raises(ImproperlyConfigured):
        RateLimitMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
