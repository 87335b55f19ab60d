"""Every tool of the option table, by name."""

from __future__ import annotations

from quizzes.shell_options.build import BUILD_TOOLS
from quizzes.shell_options.compress import COMPRESS_TOOLS
from quizzes.shell_options.devices import DEVICE_TOOLS
from quizzes.shell_options.kmod import KMOD_TOOLS
from quizzes.shell_options.logs import LOG_TOOLS
from quizzes.shell_options.system import SYSTEM_TOOLS
from quizzes.shell_options.table import Tool
from quizzes.shell_options.tracing import TRACING_TOOLS

TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        *KMOD_TOOLS,
        *LOG_TOOLS,
        *BUILD_TOOLS,
        *COMPRESS_TOOLS,
        *DEVICE_TOOLS,
        *TRACING_TOOLS,
        *SYSTEM_TOOLS,
    )
}
