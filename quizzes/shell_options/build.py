"""Building modules: make (GNU Make 4.3, make(1), checked against `make --help`) and dkms
(dkms 3.x, dkms(8) and the option parser of the `dkms` script).

dkms parses its own command line: options are whole words (`-m mod`, `--kernelver=6.1`), short
flags do not combine and long names are not abbreviated; the action and `module/version` may
stand anywhere.
"""

from __future__ import annotations

from quizzes.shell_options.table import Tool, make_tool

MAKE = make_tool(
    "make",
    "GNU Make 4.3, make(1)",
    """
    -b -m                             | same    | ignored by GNU make, kept for compatibility
    -B --always-make                  | acts    | rebuilds every target, even up-to-date ones
    -C --directory = <directory>      | acts    | runs in that directory (kbuild: the kernel tree)
    -d                                | output  | only prints debugging information as it builds the
                                                | same targets
    --debug =?                        | output  | only prints debugging information as it builds the
                                                | same targets
    -e --environment-overrides        | acts    | lets the environment override the makefile's
                                                | variables
    -E --eval = <expression>          | acts    | evaluates more makefile text
    -f --file --makefile = <file>     | acts    | reads another makefile
    -h --help                         | acts    | prints the help and does nothing else
    -i --ignore-errors                | acts    | carries on after failing recipes
    -I --include-dir = <directory>    | acts    | searches another directory for included makefiles
    -j --jobs =? ~number <jobs>       | same    | runs recipes in parallel; the same targets are
                                                | built (kbuild is parallel-safe)
    -k --keep-going                   | acts    | builds what it can after a failure
    -l --load-average --max-load =? ~number <load> | same | only limits parallel jobs by load; the
                                                          | same targets are built
    -L --check-symlink-times          | acts    | compares symlink times too
    -n --just-print --dry-run --recon | dry-run | prints the recipes without running them
    -o --old-file --assume-old = <file> | acts  | treats that file as up to date
    -O --output-sync =?               | output  | only groups the output of parallel jobs
    -p --print-data-base              | acts    | prints make's rules and variables
    -q --question                     | acts    | only answers by exit status whether targets are up
                                                | to date
    -r --no-builtin-rules             | acts    | drops the built-in rules
    -R --no-builtin-variables         | acts    | drops the built-in variables
    -s --silent --quiet               | output  | only stops echoing the recipes; the same targets
                                                | are built
    --no-silent                       | output  | only echoes the recipes (the default)
    -S --no-keep-going --stop         | acts    | stops at the first failure (cancels -k)
    -t --touch                        | acts    | touches the targets instead of building them
    --trace                           | output  | only prints why each target is rebuilt
    -v --version                      | acts    | prints the version and does nothing else
    -w --print-directory              | output  | only prints the directory it enters and leaves
    --no-print-directory              | output  | only stops printing the directory it enters and
                                                | leaves
    -W --what-if --new-file --assume-new = <file> | acts | treats that file as just changed
    --warn-undefined-variables        | output  | only warns about undefined variables
    """,
)

DKMS = make_tool(
    "dkms",
    "dkms 3.x, dkms(8)",
    """
    -m --module = <module>            | acts    | the module (module/version) to act on
    -v = <module-version>             | acts    | the module's version
    -k --kernelver = <kernel-release> default:release | acts | the kernel to act on; the running
                                                             | kernel is the default for build,
                                                             | install and uninstall
    -a --arch = <architecture>        | acts    | the architecture to build for
    -c = <file>                       | acts    | reads another dkms.conf
    --templatekernel = <kernel-release> | acts  | the kernel whose modules match copies
    -q --quiet                        | output  | only silences dkms's messages; the same module is
                                                | built or installed
    -V --version                      | acts    | prints the version and does nothing else
    -h --help                         | acts    | prints the help and does nothing else
    --no-initrd                       | same    | ignored (deprecated): dkms warns and carries on
    --no-clean-kernel                 | same    | ignored (deprecated): dkms warns and carries on
    --no-prepare-kernel               | same    | ignored (deprecated): dkms warns and carries on
    --binaries-only                   | acts    | leaves the source out of the tarball
    --source-only                     | acts    | leaves the built modules out of the tarball
    --force                           | force   | rebuilds or reinstalls over existing files
    --force-version-override          | force   | installs even an older version than the installed
                                                | one
    --all                             | acts    | acts on every kernel the module was built for
    --verbose                         | output  | only prints the external commands' output
    --rpm_safe_upgrade                | acts    | RPM upgrade handling of add and remove
    --dkmstree = <directory>          | acts    | uses another DKMS tree
    --sourcetree = <directory>        | acts    | reads sources from another tree
    --installtree = <directory>       | acts    | installs modules into another tree
    --symlink-modules                 | acts    | links the modules instead of copying them
    --config = <file>                 | acts    | reads another kernel configuration
    --archive = <file>                | acts    | the tarball to write or load
    --kernelsourcedir = <directory>   | acts    | builds against another kernel source tree
    --directive = <directive>         | acts    | sets a dkms.conf directive
    --no-depmod                       | acts    | does not run depmod after install or uninstall
    --modprobe-on-install             | acts    | loads the module after installing it
    --debug                           | output  | only traces the dkms script as it runs
    -j = <jobs>                       | same    | runs that many build jobs in parallel; the same
                                                | module is built
    """,
    cluster=False,
    abbreviate=False,
)

BUILD_TOOLS: tuple[Tool, ...] = (MAKE, DKMS)
