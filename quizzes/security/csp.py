"""The Content-Security-Policy: django-csp's site-wide policy, merged with what a view sets.

The site policy (settings.CONTENT_SECURITY_POLICY) allows scripts, styles, images and fonts from
this site only, no inline script or style, no plugins, and no framing (`frame-ancestors 'none'`,
with X-Frame-Options: DENY). Pages that live inside an LMS's iframe (the LTI app) set their own
`frame-ancestors` naming the platform; django-csp would then leave such a response without the
rest of the policy, so this middleware merges instead: the view's directives replace the site's
directives of the same name, and every other directive of the site policy stays.
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from django.http import HttpRequest


def parse_policy(policy: str) -> dict[str, str]:
    """{"script-src": "'self'", ...} from a policy header, in order; names lower-cased."""
    directives: dict[str, str] = {}
    for part in policy.split(";"):
        name, _, values = part.strip().partition(" ")
        if name:
            directives[name.lower()] = values.strip()
    return directives


def merge_policies(site: str, view: str) -> str:
    """The site policy with the view's directives in place of the site's of the same name."""
    merged = {**parse_policy(site), **parse_policy(view)}
    return "; ".join(f"{name} {values}".strip() for name, values in merged.items())


class SiteCSPMiddleware(CSPMiddleware):
    def process_response(self, request: HttpRequest, response: Any) -> Any:
        own = response.get(HEADER) if not getattr(response, "_csp_exempt", False) else None
        if own is None:
            return super().process_response(request, response)
        del response[HEADER]
        response = super().process_response(request, response)
        site = response.get(HEADER)
        response[HEADER] = merge_policies(site, own) if site else own
        return response
