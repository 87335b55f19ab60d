"""What every exporter returns, and the helper that lists what a format leaves out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Skipped:
    """Something of the bank the format could not represent.

    `left_out` is True when whole questions are missing from the file (an ordering question in
    GIFT), False when they are in it without some field or setting (a flashcard's explanation).
    """

    reason: str
    external_ids: tuple[str, ...]
    left_out: bool = False

    def __str__(self) -> str:
        ids = ", ".join(self.external_ids[:10])
        more = f" and {len(self.external_ids) - 10} more" if len(self.external_ids) > 10 else ""
        what = "left out" if self.left_out else "exported without"
        return f"{what}: {self.reason} ({len(self.external_ids)}: {ids}{more})"

    def to_json(self) -> dict[str, object]:
        return {
            "reason": self.reason,
            "external_ids": list(self.external_ids),
            "left_out": self.left_out,
        }


@dataclass(frozen=True)
class ExportResult:
    content: bytes
    filename: str
    content_type: str
    skipped: list[Skipped] = field(default_factory=list)


class SkipLog:
    """Collects (reason, id) pairs while exporting; `entries()` groups them by reason."""

    def __init__(self) -> None:
        self._by_reason: dict[tuple[str, bool], list[str]] = {}

    def add(self, external_id: str, reason: str, *, left_out: bool = False) -> None:
        self._by_reason.setdefault((reason, left_out), []).append(external_id)

    def entries(self) -> list[Skipped]:
        return [
            Skipped(reason, tuple(ids), left_out)
            for (reason, left_out), ids in self._by_reason.items()
        ]
