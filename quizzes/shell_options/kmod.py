"""kmod's tools, from kmod 34's man pages (modprobe(8), insmod(8), rmmod(8), modinfo(8),
depmod(8), lsmod(8), kmod(8)) and checked against the installed kmod's `--help`.

Options added after the kmod 30 of Debian 12 (insmod's `--force` family, `--syslog` and
`--verbose`; depmod's `--moduledir` and `--outdir`; lsmod's options; modprobe's `--show-alias`)
are listed as kmod 34 documents them.
"""

from __future__ import annotations

from quizzes.shell_options.table import Tool, make_tool

MODPROBE = make_tool(
    "modprobe",
    "kmod 34, modprobe(8)",
    """
    -a --all                          | acts    | every argument is a module to insert; none is a
                                                | parameter
    -r --remove                       | acts    | removes the modules instead of inserting them
    --remove-holders --remove-dependencies | acts | also removes the modules that depend on it
    -w --wait = <timeout>             | acts    | keeps retrying a busy module for that long
    --first-time                      | acts    | fails when the module is already in (or already
                                                | out)
    -i --ignore-install --ignore-remove | acts  | skips the install/remove commands of modprobe.d
    -b --use-blacklist                | acts    | applies the blacklist to the name too: may load
                                                | nothing
    -f --force                        | force   | strips version magic and modversions: loads a
                                                | mismatched module
    --force-modversion                | force   | strips the modversions check
    --force-vermagic                  | force   | strips the version-magic check
    -R --show-alias --resolve-alias   | acts    | prints the modules an alias resolves to, loads
                                                | nothing
    -D --show-depends                 | acts    | prints the insmod lines, loads nothing
    -c --show-config --showconfig     | acts    | prints the effective configuration, loads nothing
    --show-modversions --dump-modversions | acts | prints a module's modversions, loads nothing
    --show-exports                    | acts    | prints a module's exported symbols, loads nothing
    -n --dry-run --show               | dry-run | does everything but insert or remove the modules
    -C --config = <directory>         | acts    | reads another configuration directory
    -d --dirname = <directory>        | acts    | looks for modules under another root directory
    -S --set-version = <kernel-release> default:release | acts | uses another kernel's modules; the
                                                               | running kernel's release is the
                                                               | default
    -s --syslog                       | output  | only sends error messages to syslog instead of
                                                | stderr
    -q --quiet                        | output  | only silences the error for a missing module; the
                                                | exit status still says so
    -v --verbose *                    | output  | only prints what modprobe does; the same modules
                                                | are inserted or removed
    -V --version                      | acts    | prints the version and does nothing else
    -h --help                         | acts    | prints the help and does nothing else
    """,
)

INSMOD = make_tool(
    "insmod",
    "kmod 34, insmod(8)",
    """
    -f --force                        | force   | tells the kernel to ignore module version and
                                                | vermagic
    --force-modversion                | force   | ignores the modversions check
    --force-vermagic                  | force   | ignores the version-magic check
    -s --syslog                       | output  | only sends errors to syslog instead of stderr
    -v --verbose *                    | output  | only prints what insmod does; the same module is
                                                | inserted
    -V --version                      | acts    | prints the version and does nothing else
    -h --help                         | acts    | prints the help and does nothing else
    """,
)

RMMOD = make_tool(
    "rmmod",
    "kmod 34, rmmod(8)",
    """
    -f --force                        | force   | removes a module in use (with
                                                | CONFIG_MODULE_FORCE_UNLOAD)
    -s --syslog                       | output  | only sends errors to syslog instead of stderr
    -v --verbose *                    | output  | only prints what rmmod does; the same modules are
                                                | removed
    -V --version                      | acts    | prints the version and does nothing else
    -h --help                         | acts    | prints the help and does nothing else
    """,
)

MODINFO = make_tool(
    "modinfo",
    "kmod 34, modinfo(8)",
    """
    -a --author >--field=author       | acts    | prints only the author field (-F author)
    -d --description >--field=description | acts | prints only the description field (-F
                                                 | description)
    -l --license >--field=license     | acts    | prints only the license field (-F license)
    -p --parameters >--field=parm     | acts    | prints only the parm fields (-F parm)
    -n --filename >--field=filename   | acts    | prints only the file name (-F filename)
    -0 --null                         | acts    | separates the values with NUL instead of newlines
    -m --modname                      | acts    | takes the argument as a module name even if a file
                                                | has that name
    -F --field = <field>              | acts    | prints only that field
    -k --set-version = <kernel-release> default:release | acts | reads another kernel's modules; the
                                                               | running kernel's release is the
                                                               | default
    -b --basedir = <directory>        | acts    | looks for modules under another root directory
    -V --version                      | acts    | prints the version and does nothing else
    -h --help                         | acts    | prints the help and does nothing else
    """,
)

DEPMOD = make_tool(
    "depmod",
    "kmod 34, depmod(8)",
    """
    -a --all                          | acts    | probes all modules (the default when no module
                                                | file is given)
    -A --quick                        | acts    | exits at once when no module is newer than
                                                | modules.dep
    -b --basedir = <directory>        | acts    | reads and writes a staging tree instead of /
    -m --moduledir = <directory>      | acts    | uses another module directory than /lib/modules
    -o --outdir = <directory>         | acts    | writes the files under another root
    -C --config = <file>              | acts    | reads another configuration
    -e --errsyms                      | acts    | reports unresolved symbols (with -F or -E)
    -E --symvers = <file>             | acts    | checks symbol versions against this Module.symvers
    -F --filesyms = <file>            | acts    | resolves symbols against this System.map
    -n --show --dry-run               | dry-run | prints modules.dep and the maps instead of writing
                                                | them
    -P --symbol-prefix = <prefix>     | acts    | ignores that symbol prefix
    -v --verbose *                    | output  | only prints each module's symbols as it works;
                                                | writes the same files
    -w --warn                         | output  | only warns about duplicate dependencies and
                                                | aliases; writes the same files
    -V --version                      | acts    | prints the version and does nothing else
    -h --help                         | acts    | prints the help and does nothing else
    """,
)

LSMOD = make_tool(
    "lsmod",
    "kmod 34, lsmod(8)",
    """
    -s --syslog                       | output  | only sends errors to syslog instead of stderr
    -v --verbose *                    | output  | only prints messages about what lsmod does; the
                                                | same list
    -V --version                      | acts    | prints the version and does nothing else
    -h --help                         | acts    | prints the help and does nothing else
    """,
)

KMOD = make_tool(
    "kmod",
    "kmod 34, kmod(8)",
    """
    -V --version                      | acts    | prints the version and does nothing else
    -h --help                         | acts    | prints the help and does nothing else
    """,
    permute=False,
    subcommands={
        "list": Tool("kmod list", LSMOD.options, "kmod(8): list, the same as lsmod"),
        "static-nodes": make_tool(
            "kmod static-nodes",
            "kmod(8): static-nodes",
            """
            -o --output = <file>      | acts    | writes to that file instead of stdout
            -f --format = <format>    | acts    | another output format (human, tmpfiles, devname)
            -h --help                 | acts    | prints the help and does nothing else
            """,
        ),
    },
)

KMOD_TOOLS: tuple[Tool, ...] = (MODPROBE, INSMOD, RMMOD, MODINFO, DEPMOD, LSMOD, KMOD)
