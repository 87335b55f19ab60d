"""Compressing modules: xz (XZ Utils 5.4, xz(1), checked against `xz --long-help`) and zstd
(1.5.4, zstd(1), checked against `zstd -H`). `unxz`, `xzcat`, `unzstd` and `zstdcat` are these
tools with options implied, as their man pages say (see ALIASES in the package).

zstd parses its own command line: short flags combine (`-dc`), a level is digits (`-19`), and
`-T`, `-B`, `-M`, `-b`, `-e`, `-i` take their number attached (`-T0`); long names are not
abbreviated.
"""

from __future__ import annotations

from quizzes.shell_options.table import Tool, make_tool

XZ = make_tool(
    "xz",
    "XZ Utils 5.4, xz(1)",
    """
    -z --compress                     | acts    | compresses
    -d --decompress --uncompress      | acts    | decompresses
    -t --test                         | acts    | only tests the files' integrity
    -l --list                         | acts    | lists information about .xz files
    -k --keep                         | acts    | keeps the input files
    -f --force                        | force   | overwrites existing output and follows links
    -c --stdout --to-stdout           | acts    | writes to stdout and keeps the input files
    --single-stream                   | acts    | decompresses only the first stream
    --no-sparse                       | same    | writes the same bytes without sparse holes
    -S --suffix = <suffix>            | acts    | uses another suffix
    --files =? <file>                 | acts    | reads the file names from a file
    --files0 =? <file>                | acts    | reads NUL-separated file names from a file
    -F --format = <format>            | acts    | another container format
    -C --check = <check>              | acts    | another integrity check
    --ignore-check                    | acts    | does not verify the integrity check
    -# <preset>                       | acts    | another compression preset
    --fast >-#=0                      | acts    | preset 0 (-0)
    --best >-#=9                      | acts    | preset 9 (-9)
    -e --extreme                      | acts    | a slower preset variant, another file
    -T --threads = <threads>          | acts    | with more than one thread, splits the file into
                                                | blocks
    --block-size = <size>             | acts    | another block size
    --block-list = <sizes>            | acts    | other block sizes
    --flush-timeout = <timeout>       | acts    | flushes after that timeout
    --memlimit-compress = <limit>     | acts    | may lower the compression settings
    --memlimit-decompress = <limit>   | acts    | may refuse to decompress
    --memlimit-mt-decompress = <limit> | acts   | limits threaded decompression
    -M --memlimit --memory = <limit>  | acts    | may lower the settings or refuse
    --no-adjust                       | acts    | fails instead of lowering the settings
    --lzma1 =? <options>              | acts    | another filter chain
    --lzma2 =? <options>              | acts    | another filter chain
    --x86 =? <options>                | acts    | another filter chain
    --arm =? <options>                | acts    | another filter chain
    --armthumb =? <options>           | acts    | another filter chain
    --arm64 =? <options>              | acts    | another filter chain
    --powerpc =? <options>            | acts    | another filter chain
    --ia64 =? <options>               | acts    | another filter chain
    --sparc =? <options>              | acts    | another filter chain
    --delta =? <options>              | acts    | another filter chain
    -q --quiet *                      | output  | only suppresses warnings (twice: errors); the same
                                                | files
    -v --verbose *                    | output  | only prints progress; the same files
    -Q --no-warn                      | acts    | warnings no longer change the exit status
    --robot                           | acts    | machine-parsable messages and listings
    --info-memory                     | acts    | prints memory limits and does nothing else
    -h --help                         | acts    | prints the help and does nothing else
    -H --long-help                    | acts    | prints the help and does nothing else
    -V --version                      | acts    | prints the version and does nothing else
    """,
)

ZSTD = make_tool(
    "zstd",
    "zstd 1.5.4, zstd(1)",
    """
    -z --compress                     | acts    | compresses
    -d --decompress --uncompress      | acts    | decompresses
    -t --test                         | acts    | only tests the files' integrity
    -l --list                         | acts    | lists information about .zst files
    -o = <file>                       | acts    | writes to that file
    -k --keep                         | same    | keeps the input files, as zstd does by default
    --rm                              | acts    | removes the input files
    -# <level>                        | acts    | another compression level
    --ultra                           | acts    | allows levels above 19
    --fast =? <level>                 | acts    | fast levels, another file
    --adapt =? <options>              | acts    | adapts the level as it goes
    --long =? <window>                | acts    | long-distance matching, another file
    --patch-from = <file>             | acts    | compresses against a reference file
    -T --threads =@ <threads>         | same    | compresses with more threads; the same frame
                                                | format
    --single-thread                   | same    | compresses in one thread; the same frame format
    --auto-threads = <cores>          | same    | counts cores another way for -T0
    -D = <file>                       | acts    | uses a dictionary
    -B =@ <size>                      | acts    | another job size
    --rsyncable                       | acts    | rsync-friendly compression, another file
    --exclude-compressed              | acts    | skips files already compressed
    --stream-size = <size>            | acts    | pledges the input size
    --size-hint = <size>              | acts    | tunes for that input size
    --target-compressed-block-size = <size> | acts | another block size
    -C --check                        | same    | adds the checksum, as zstd does by default
    --no-check                        | acts    | leaves the checksum out (or does not verify it)
    --content-size                    | same    | records the size, as zstd does by default
    --no-content-size                 | acts    | leaves the size out
    --no-dictID                       | acts    | leaves the dictionary ID out
    --compress-literals               | acts    | forces compressed literals
    --no-compress-literals            | acts    | forces uncompressed literals
    --row-match-finder                | acts    | another match finder
    --no-row-match-finder             | acts    | another match finder
    --format = <format>               | acts    | another format (gzip, xz, lzma, lz4)
    -M --memory =@ <limit>            | acts    | may refuse to decompress
    --sparse                          | same    | writes the same bytes with sparse holes
    --no-sparse                       | same    | writes the same bytes without sparse holes
    --pass-through                    | acts    | copies uncompressed input as it is
    --no-pass-through                 | acts    | refuses uncompressed input
    -f --force                        | force   | overwrites existing files and accepts any input
    -c --stdout                       | acts    | writes to stdout
    -r                                | acts    | recurses into directories
    --filelist = <file>               | acts    | reads the file names from a file
    --output-dir-flat = <directory>   | acts    | writes into another directory
    --output-dir-mirror = <directory> | acts    | writes into another directory tree
    --asyncio                         | same    | reads and writes asynchronously; the same files
    --no-asyncio                      | same    | reads and writes synchronously; the same files
    -v --verbose *                    | output  | only prints more about the work; the same files
    -q --quiet *                      | output  | only suppresses warnings and progress; the same
                                                | files
    --progress                        | output  | only shows the progress counter
    --no-progress                     | output  | only hides the progress counter
    --trace = <file>                  | output  | only logs tracing to a file
    --show-default-cparams            | acts    | prints the default parameters
    --train                           | acts    | trains a dictionary instead
    --train-cover =? <options>        | acts    | trains a dictionary instead
    --train-fastcover =? <options>    | acts    | trains a dictionary instead
    --train-legacy =? <options>       | acts    | trains a dictionary instead
    --maxdict = <size>                | acts    | limits the dictionary size
    --dictID = <id>                   | acts    | sets the dictionary ID
    -b =@ <level>                     | acts    | benchmarks instead
    -e =@ <level>                     | acts    | benchmarks up to that level
    -i =@ <seconds>                   | acts    | benchmarks for that long
    -S                                | acts    | benchmark result per file
    --priority = <priority>           | acts    | real-time priority
    -h                                | acts    | prints the help and does nothing else
    -H --help                         | acts    | prints the help and does nothing else
    -V --version                      | acts    | prints the version and does nothing else
    """,
    abbreviate=False,
)

COMPRESS_TOOLS: tuple[Tool, ...] = (XZ, ZSTD)
