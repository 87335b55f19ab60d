"""Pure parsers: one per format, each turning a file's text into a ParsedBank (no ORM here)."""

from quizzes.importers.base import (
    ImportProblem,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
    ParseError,
)

__all__ = ["ImportProblem", "ParseError", "ParsedBank", "ParsedQuestion", "ParsedTopic"]
