"""Rules a scenario's log lines must obey together (docs/bank.md § Scenarios agree).

- One errno per failure: the errno a kmod tool's error text stands for (`Invalid module format`
  is ENOEXEC for insmod) must be the errno of every kernel message of the same question that
  states one (a version-magic mismatch fails with ENOEXEC, a CRC mismatch of an ordinary symbol
  with EINVAL, `Unknown symbol ... (err -2)` with ENOENT).
- A version-magic line must be possible: each string has the shape include/linux/vermagic.h
  builds (release, then `SMP `, `preempt `/`preempt_rt `, `mod_unload `, `modversions `, an
  architecture's words, `RANDSTRUCT_...`, in that order); and when both strings carry
  `modversions`, the module has CRCs and same_magic() ignores the release, so the strings must
  differ after the first word.
- Across the bank, a sentence that pairs one tool error text with one errno name pairs them as
  the catalogue does, so the rule questions and the scenarios agree.
"""

from __future__ import annotations

import re

from quizzes.bankcheck.logs import LogLine
from quizzes.bankcheck.messages import Catalogue

VERMAGIC = "kernel.module.version-magic"
# VERMAGIC_STRING of include/linux/vermagic.h (Linux 6.12); MODULE_ARCH_VERMAGIC words are
# upper-case CPU families on x86-32, `aarch64`, `riscv`, `ARMv7 p2v8 thumb2 ` and the like.
VERMAGIC_SHAPE = re.compile(
    r"\S+ (?:SMP )?(?:preempt |preempt_rt )?(?:mod_unload )?(?:modversions )?"
    r"(?:aarch64|riscv|ARC700|(?!SMP )[A-Z0-9]+ |ARMv\d+ (?:p2v8 )?(?:thumb2 )?"
    r"|(?:mprofile-kernel |patchable-function-entry )?(?:relocatable )?)?"
    r"(?:RANDSTRUCT_[0-9a-f]+)?"
)
# The tool messages that report a failed load, whose errno the kernel's messages must share.
LOAD_FAILURES = frozenset({"kmod.insmod.could-not-insert", "kmod.modprobe.could-not-insert"})


def scenario_problems(catalogue: Catalogue, lines: list[LogLine]) -> list[str]:
    """What is wrong with one question's log lines taken together ([] when they agree)."""
    problems: list[str] = []
    tool_errnos: dict[str, str] = {}
    kernel_errnos: dict[str, str] = {}
    for line in lines:
        matched = catalogue.match(line)
        if matched is None:
            continue
        entry, found = matched
        errno = catalogue.errno_of(entry, found)
        if entry.error_table and errno is None:
            problems.append(
                f"{line.raw!r}: {found.group('error')!r} is no error text of {line.tool}"
            )
        if errno and line.origin == "kernel":
            kernel_errnos[line.raw] = errno
        elif errno and entry.id in LOAD_FAILURES:
            tool_errnos[line.raw] = errno
        if entry.id == VERMAGIC:
            module, kernel = found.group("module_magic"), found.group("kernel_magic")
            for magic in (module, kernel):
                if not VERMAGIC_SHAPE.fullmatch(magic):
                    problems.append(f"{line.raw!r}: {magic!r} is not a vermagic string")
            if module == kernel:
                problems.append(f"{line.raw!r}: equal strings are no mismatch")
            if "modversions" in module.split() and module.split()[1:] == kernel.split()[1:]:
                problems.append(
                    f"{line.raw!r}: a module with modversions has CRCs, so same_magic() ignores "
                    "the release and these strings would match"
                )
    for tool_line, tool_errno in tool_errnos.items():
        for kernel_line, kernel_errno in kernel_errnos.items():
            if tool_errno != kernel_errno:
                problems.append(
                    f"{tool_line!r} means {tool_errno}, "
                    f"but {kernel_line!r} fails with {kernel_errno}"
                )
    return problems


_SENTENCE = re.compile(r"(?<=[.;:])\s+")
_ERRNO_NAME = re.compile(r"\bE[A-Z0-9]{2,}\b")


def stated_errno_problems(catalogue: Catalogue, text: str) -> list[str]:
    """Sentences that pair one error text with one errno name the catalogue does not pair it
    with ("Invalid module format" is ENOEXEC, never EINVAL): the rule questions and the
    scenarios must tell the same story."""
    errnos_of: dict[str, set[str]] = {}
    for error in catalogue.errors:
        errnos_of.setdefault(error.text, set()).add(error.errno)
    known = {error.errno for error in catalogue.errors}
    problems = []
    for sentence in _SENTENCE.split(text):
        texts = [t for t in errnos_of if t in sentence]
        texts = [t for t in texts if not any(t != u and t in u for u in texts)]
        names = set(_ERRNO_NAME.findall(sentence)) & known
        if len(texts) == 1 and len(names) == 1 and not names <= errnos_of[texts[0]]:
            problems.append(f"{texts[0]!r} is {sorted(errnos_of[texts[0]])}, not {names.pop()}")
    return problems
