"""Spellings of a command line that the grader must accept, and changes it must refuse.

`variants(line)` draws command lines that do what `line` does, under the rules of
docs/formats.md, by rewriting each stage at random: sudo and its harmless options, the tool's full
path, option aliases and abbreviations, attached or separate values, short flags combined or
split, options moved between the arguments, output-only options added or dropped, defaults made
explicit or left out, `-`/`_` in module names, file arguments spelled from `$PWD`, `M=` spelled
as `$PWD`, `$(pwd)` or `` `pwd` ``, the running release as `$(uname -r)`, backticks or (when the
question allows it) a literal release, module parameters reordered, `> FILE` as `| tee FILE`,
words quoted, spacing. The draw is seeded from the line: the same line gives the same list.

`mutations(line)` returns changed lines that do something else: a dry run, a force option,
another module, a missing module, another value, another target, another tool.

Both are pure; `manage.py bank_report` and the bank's tests use them.
"""

from __future__ import annotations

from quizzes.shell_variants.changes import mutations
from quizzes.shell_variants.quoting import LITERAL_RELEASE
from quizzes.shell_variants.spellings import variants

__all__ = ["LITERAL_RELEASE", "mutations", "variants"]
