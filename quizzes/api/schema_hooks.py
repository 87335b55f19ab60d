"""drf-spectacular post-processing: the schema states what every string input refuses."""

from __future__ import annotations

from typing import Any

# DRF's CharField refuses NUL (PostgreSQL cannot store it): say so wherever a request takes text.
NO_NUL = "^[^\\x00]*$"


def _forbid_nul(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"pattern", "enum", "format"} & set(node):
            node["pattern"] = NO_NUL
        for value in node.values():
            _forbid_nul(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_nul(value)


def forbid_nul_in_request_text(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Request bodies' strings (the `…Request` components, COMPONENT_SPLIT_REQUEST) get a
    pattern without NUL; responses are left alone."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _forbid_nul(component)
    return result
