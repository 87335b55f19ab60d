"""Living inside an LMS's iframe, on LTI pages only.

- `frame-ancestors` names the launching platform on the pages of an LTI launch (the /lti/ pages,
  and the study, bank and teach pages of the launched bank); every other response keeps
  X-Frame-Options: DENY. The directive is merged into a Content-Security-Policy header that is
  already there (a site-wide policy, e.g. django-csp's, placed inside this middleware), so the
  two coexist.
- Over HTTPS, the session and CSRF cookies of an LTI session (and of the /lti/ pages) are sent
  SameSite=None; Secure, which a browser requires to send them inside a cross-site frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

SESSION_KEY = "lti"
CSP = "Content-Security-Policy"


def frame_ancestors(response: HttpResponse, origins: Iterable[str]) -> HttpResponse:
    """Let `origins` (and this site) frame this response, and only this one."""
    directive = "frame-ancestors " + " ".join(["'self'", *origins])
    kept = [
        part.strip()
        for part in response.get(CSP, "").split(";")
        if part.strip() and not part.strip().lower().startswith("frame-ancestors")
    ]
    response[CSP] = "; ".join([*kept, directive])
    response.xframe_options_exempt = True  # type: ignore[attr-defined]
    if "X-Frame-Options" in response:
        del response["X-Frame-Options"]
    return response


def lti_session_set(request: HttpRequest, *, origins: list[str], paths: list[str]) -> None:
    """Remember, for this signed-in session, which platform may frame which pages."""
    request.session[SESSION_KEY] = {"origins": origins, "paths": paths}


def _cross_site_cookies(response: HttpResponse) -> None:
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        if name in response.cookies:
            response.cookies[name]["samesite"] = "None"
            response.cookies[name]["secure"] = True


class LtiFramingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        lti: Any = None
        session = getattr(request, "session", None)
        # Only read a session the request already has (no query for anonymous API calls).
        if (
            session is not None
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            or (session is not None and session.accessed)
        ):
            lti = session.get(SESSION_KEY)
        origins = getattr(response, "lti_frame_origins", None)
        if (
            origins is None
            and isinstance(lti, dict)
            and any(request.path.startswith(p) for p in lti.get("paths", []))
        ):
            origins = lti.get("origins", [])
        if origins is not None:
            frame_ancestors(response, origins)
        in_lti = bool(lti) or request.path.startswith(reverse("lti-home"))
        if in_lti and request.is_secure():
            _cross_site_cookies(response)
        return response
