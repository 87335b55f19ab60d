"""Deep linking: the instructor picks a bank (and topics); the tool answers the platform with a
signed LtiResourceLink that carries the choice in custom parameters, and a line item (the
gradebook column) when the platform offers Assignment and Grade Services."""

from __future__ import annotations

from typing import Any

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource

from quizzes.lti import claims as c
from quizzes.lti.models import Platform
from quizzes.lti.services.scores import line_item_for
from quizzes.lti.tool import ToolRegistration
from quizzes.models import Bank, Topic


def resource_link_item(
    *,
    bank: Bank,
    topics: list[Topic],
    title: str,
    launch_url: str,
    with_line_item: bool,
) -> DeepLinkResource:
    custom = {c.CUSTOM_BANK: bank.slug}
    if topics:
        custom[c.CUSTOM_TOPICS] = ",".join(t.slug for t in topics)
    item = (
        DeepLinkResource()
        .set_type("ltiResourceLink")
        .set_title(title)
        .set_url(launch_url)
        .set_custom_params(custom)
    )
    if with_line_item:
        resource_id = ":".join([bank.slug, *(t.slug for t in topics)])[:255]
        item.set_lineitem(line_item_for(title=title, resource_id=resource_id))
    return item


def deep_link_response(
    *,
    platform: Platform,
    request_data: dict[str, Any],
    bank: Bank,
    topics: list[Topic],
    title: str,
    launch_url: str,
) -> tuple[str, str]:
    """The signed response JWT and the URL to post it to (the platform's return URL)."""
    settings = request_data["settings"]
    deep_link = DeepLink(ToolRegistration(platform), request_data["deployment_id"], settings)
    item = resource_link_item(
        bank=bank,
        topics=topics,
        title=title,
        launch_url=launch_url,
        with_line_item=bool(request_data.get("ags")),
    )
    return deep_link.get_response_jwt([item]), settings["deep_link_return_url"]
