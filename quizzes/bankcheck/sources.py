"""A question's `source` in the bank's convention (docs/bank.md § Sources): primary sources with
the section and the version checked, joined by "; ", e.g.
`modprobe(8) § OPTIONS --remove (kmod 34); kernel/module/main.c § delete_module() (Linux 6.12)`.
The article may be cited after a primary source (`Article § Troubleshooting`), never alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The projects whose sources the bank cites: the kernel and kmod first; then the tools and texts
# around them (docs/bank.md § source). The union of what the three bank branches needed.
PROJECTS = (
    "Linux",
    "kmod",
    "util-linux",
    "systemd",
    "glibc",
    "man-pages",
    "coreutils",
    "procps-ng",
    "iproute2",
    "pciutils",
    "mokutil",
    "SystemTap",
    "GNU make",
    "XZ Utils",
    "zstd",
    "trace-cmd",
    "DKMS",
    "initramfs-tools",
    "dracut",
    "mkinitcpio",
)
VERSION = rf"(?:{'|'.join(PROJECTS)}) \d+(?:\.\d+)*"
# A man page `name(8)`; a path from the root of its tree (`kernel/module/main.c`), or a file at
# that root: one with an extension (`dkms.in`) or an all-capitals one (kmod's `NEWS`).
DOCUMENT = r"[\w.+-]+\(\d\w*\)|[\w.+-]+(?:/[\w.+-]+)+|[\w+-]+\.[\w.+-]+|[A-Z][A-Z0-9_]*"
PRIMARY_RE = re.compile(
    rf"(?P<document>{DOCUMENT})"
    rf" § (?P<section>[^;§\s][^;§]*?) \((?P<version>{VERSION})\)"
)
ARTICLE_RE = re.compile(r"Article § (?P<section>[^;§\s][^;§]*)")
SINCE_RE = re.compile(rf"{VERSION}")


@dataclass(frozen=True)
class SourceRef:
    document: str  # `modprobe(8)`, `kernel/module/main.c`, or `Article`
    section: str
    version: str  # empty for the article


def parse_source(source: str) -> list[SourceRef] | None:
    """The references of a source string, or None when it breaks the convention."""
    refs: list[SourceRef] = []
    for part in source.split("; "):
        if match := PRIMARY_RE.fullmatch(part):
            refs.append(SourceRef(match["document"], match["section"], match["version"]))
        elif (match := ARTICLE_RE.fullmatch(part)) and refs:
            refs.append(SourceRef("Article", match["section"], ""))
        else:
            return None
    return refs or None
