"""Reading an Anki package's zip safely: names checked, entries counted, bytes capped as read.

The sizes a zip's headers declare are not trusted: what is counted is what decompression
actually produced, for the zip entries and again for the zstd-compressed collection inside.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

import zstandard

from quizzes.importers.base import ParseLimits

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CHUNK = 1 << 20


class ArchiveProblem(ValueError):
    """The package cannot be read safely; the message says why."""


def _unsafe(name: str) -> bool:
    parts = re.split(r"[/\\]", name)
    return (
        name.startswith(("/", "\\"))
        or bool(re.match(r"^[A-Za-z]:", name))
        or ".." in parts
        or "\x00" in name
    )


class Package:
    """The entries of a package (names only), and a reader with one shared byte budget."""

    def __init__(self, data: bytes, limits: ParseLimits) -> None:
        self.limits = limits
        self.budget = limits.max_uncompressed_bytes
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise ArchiveProblem(f"not a readable zip archive ({exc})") from exc
        if len(infos) > limits.max_archive_entries:
            raise ArchiveProblem(
                f"the archive has {len(infos):,} entries (at most {limits.max_archive_entries:,})"
            )
        bad = [i.filename for i in infos if _unsafe(i.filename)]
        if bad:
            raise ArchiveProblem(f"an entry's path leaves the archive: {bad[0][:100]!r}")
        self.names = [i.filename for i in infos]

    def media_count(self) -> int:
        # Media files are stored under numeric names ("0", "1", ...).
        return sum(1 for name in self.names if name.isdigit())

    def read(self, name: str) -> bytes:
        """An entry's bytes, decompressed and counted against the shared budget."""
        out = bytearray()
        try:
            with self.zip.open(name) as entry:
                while chunk := entry.read(_CHUNK):
                    self._spend(len(chunk))
                    out += chunk
        except ArchiveProblem:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                ValueError, OSError) as exc:  # fmt: skip
            raise ArchiveProblem(f"the entry {name!r} cannot be read ({exc})") from exc
        return bytes(out)

    def unzstd(self, data: bytes) -> bytes:
        """A zstd frame's content, counted against the same budget (the frame's own size
        field is not trusted)."""
        out = bytearray()
        try:
            decompressor = zstandard.ZstdDecompressor(max_window_size=1 << 27)
            with decompressor.stream_reader(io.BytesIO(data), read_across_frames=True) as reader:
                while chunk := reader.read(_CHUNK):
                    self._spend(len(chunk))
                    out += chunk
        except zstandard.ZstdError as exc:
            raise ArchiveProblem(f"the collection cannot be decompressed ({exc})") from exc
        return bytes(out)

    def _spend(self, size: int) -> None:
        self.budget -= size
        if self.budget < 0:
            raise ArchiveProblem(
                f"the package unpacks to more than {self.limits.max_uncompressed_bytes:,} bytes"
            )
