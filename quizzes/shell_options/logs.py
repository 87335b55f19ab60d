"""Reading the kernel log: dmesg (util-linux 2.38, dmesg(1)) and journalctl (systemd 252,
journalctl(1)), checked against the installed tools' `--help`.

Both tools exist to print, so every option that changes what they print acts; only the pager
and colour switches leave the text alone.
"""

from __future__ import annotations

from quizzes.shell_options.table import Tool, make_tool

DMESG = make_tool(
    "dmesg",
    "util-linux 2.38, dmesg(1)",
    """
    -C --clear                        | acts    | clears the ring buffer, prints nothing
    -c --read-clear                   | acts    | prints, then clears the ring buffer
    -D --console-off                  | acts    | stops printing messages to the console
    -E --console-on                   | acts    | starts printing messages to the console
    -F --file = <file>                | acts    | reads a file instead of the kernel's buffer
    -f --facility = <facility-list>   | acts    | keeps only those facilities
    -H --human                        | acts    | human-readable timestamps and layout
    -J --json                         | acts    | prints JSON
    -k --kernel                       | acts    | keeps only kernel messages
    -L --color =?                     | output  | only colours the same lines (on a terminal by
                                                | default)
    -l --level = <level-list>         | acts    | keeps only those levels
    -n --console-level = <level>      | acts    | sets the console log level, prints nothing
    -P --nopager                      | same    | only turns the pager off; the same lines are
                                                | printed
    -p --force-prefix                 | acts    | repeats the timestamp on continuation lines
    -r --raw                          | acts    | prints the raw buffer with level prefixes
    --noescape                        | acts    | leaves unprintable characters unescaped
    -S --syslog                       | acts    | reads through syslog(2), which may show less
    -s --buffer-size = <size>         | acts    | queries that buffer size (with syslog(2))
    -u --userspace                    | acts    | keeps only userspace messages
    -w --follow                       | acts    | keeps waiting for new messages
    -W --follow-new                   | acts    | prints only messages that arrive from now on
    -x --decode                       | acts    | prints facility and level as words
    -d --show-delta                   | acts    | prints the time between messages
    -e --reltime                      | acts    | prints local time and deltas
    -T --ctime                        | acts    | prints human-readable timestamps
    -t --notime                       | acts    | prints no timestamps
    --time-format = <time-format>     | acts    | prints timestamps in that format
    --since = <time>                  | acts    | keeps only messages since then
    --until = <time>                  | acts    | keeps only messages until then
    -h --help                         | acts    | prints the help and does nothing else
    -V --version                      | acts    | prints the version and does nothing else
    """,
)

JOURNALCTL = make_tool(
    "journalctl",
    "systemd 252, journalctl(1)",
    """
    --system                          | acts    | shows only the system journal
    --user                            | acts    | shows only the user's journal
    -M --machine = <machine>          | acts    | shows a container's journal
    -m --merge                        | acts    | merges remote journals too
    -D --directory = <directory>      | acts    | reads another journal directory
    --file = <file>                   | acts    | reads that journal file
    --root = <directory>              | acts    | reads a journal under another root
    --image = <image>                 | acts    | reads a journal in a disk image
    --namespace = <namespace>         | acts    | reads another journal namespace
    -S --since = <time>               | acts    | keeps only entries since then
    -U --until = <time>               | acts    | keeps only entries until then
    -c --cursor = <cursor>            | acts    | starts at that cursor
    --after-cursor = <cursor>         | acts    | starts after that cursor
    --cursor-file = <file>            | acts    | starts after the cursor in that file and updates
                                                | it
    -b --boot =? ~boot <boot>         | acts    | keeps only one boot's entries
    -u --unit = <unit>                | acts    | keeps only that unit's entries
    --user-unit = <unit>              | acts    | keeps only that user unit's entries
    -t --identifier = <identifier>    | acts    | keeps only that syslog identifier's entries
    -p --priority = <priority>        | acts    | keeps only entries at that priority or more severe
    --facility = <facility>           | acts    | keeps only that syslog facility's entries
    -g --grep = <pattern>             | acts    | keeps only messages matching the pattern
    --case-sensitive =?               | acts    | matches the pattern with or without case
    -k --dmesg                        | acts    | keeps only kernel messages (of the current boot
                                                | unless -b says otherwise)
    -o --output = <format>            | acts    | prints in another format
    --output-fields = <fields>        | acts    | prints only those fields
    -n --lines =? ~lines <lines>      | acts    | prints only the last lines
    -r --reverse                      | acts    | prints the newest entries first
    --show-cursor                     | acts    | prints the cursor after the last entry
    --utc                             | acts    | prints times in UTC
    -x --catalog                      | acts    | adds explanations from the message catalog
    --no-hostname                     | acts    | leaves the host name out
    --no-full                         | acts    | ellipsizes long fields
    -a --all                          | acts    | prints every field, unprintable ones too
    -f --follow                       | acts    | keeps waiting for new entries
    --no-tail                         | acts    | shows all stored entries in follow mode
    -q --quiet                        | output  | only suppresses the informational notes (such as
                                                | "-- No entries --")
    --no-pager                        | same    | only turns the pager off; the same entries are
                                                | printed
    -e --pager-end                    | same    | only starts the pager at the end; the same entries
    --interval = <interval>           | acts    | changes the sealing interval (with --setup-keys)
    --verify-key = <key>              | acts    | verifies with that key
    --force                           | acts    | overwrites the sealing keys (with --setup-keys)
    -h --help                         | acts    | prints the help and does nothing else
    --version                         | acts    | prints the version and does nothing else
    -N --fields                       | acts    | lists the field names instead
    -F --field = <field>              | acts    | lists the values of that field instead
    --list-boots                      | acts    | lists the boots instead
    --disk-usage                      | acts    | prints the disk usage instead
    --vacuum-size = <size>            | acts    | deletes archived journals above that size
    --vacuum-files = <count>          | acts    | deletes archived journals beyond that count
    --vacuum-time = <time>            | acts    | deletes archived journals older than that
    --verify                          | acts    | checks the journal files instead
    --sync                            | acts    | writes unwritten entries to disk
    --relinquish-var                  | acts    | stops writing to /var
    --smart-relinquish-var            | acts    | stops writing to /var unless it is the root file
                                                | system
    --flush                           | acts    | moves the runtime journal to /var
    --rotate                          | acts    | rotates the journal files
    --header                          | acts    | prints the journal files' headers instead
    --list-catalog                    | acts    | lists the catalog instead
    --dump-catalog                    | acts    | dumps the catalog instead
    --update-catalog                  | acts    | rebuilds the catalog index
    --setup-keys                      | acts    | generates sealing keys
    """,
)

LOG_TOOLS: tuple[Tool, ...] = (DMESG, JOURNALCTL)
