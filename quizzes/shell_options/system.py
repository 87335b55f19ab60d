"""sudo (sudo 1.9, sudo(8)) and sysctl (procps-ng 4.0, sysctl(8), checked against its
`--help`).

sudo's own options come before the command (its optstring starts with `+`); those that only
change how sudo asks for a password or which environment variables it keeps are `same`: the
command still runs as root, in the current directory. `-u root` (or `-u '#0'`) names the
default target user.
"""

from __future__ import annotations

from quizzes.shell_options.table import Tool, make_tool

SUDO = make_tool(
    "sudo",
    "sudo 1.9, sudo(8)",
    """
    -A --askpass                      | same    | only reads the password through a helper program
    -a --auth-type = <type>           | same    | only picks the BSD authentication type
    -B --bell                         | same    | only rings the bell at the password prompt
    -b --background                   | acts    | runs the command in the background: the next
                                                | command does not wait for it
    -C --close-from = <fd>            | same    | only closes file descriptors above that number, as
                                                | sudo does by default
    -c --login-class = <class>        | acts    | runs with another login class's limits
    -D --chdir = <directory>          | acts    | runs the command in another directory
    -E --preserve-env =? <variables>  | same    | only keeps the user's environment; the same
                                                | command runs as root
    -e --edit                         | acts    | edits files instead of running a command
    -g --group = <group>              | acts    | runs with another primary group
    -H --set-home                     | same    | only sets HOME to root's home directory
    -h --help                         | acts    | prints the help and runs nothing
    --host = <host>                   | acts    | runs on another host
    -i --login                        | acts    | runs a login shell in root's home directory:
                                                | relative paths change
    -K --remove-timestamp             | acts    | forgets the cached credentials and runs nothing
    -k --reset-timestamp              | same    | only asks for the password again before running
                                                | the command
    -l --list                         | acts    | lists privileges instead of running the command
    -N --no-update                    | same    | only leaves the cached credentials as they are
    -n --non-interactive              | same    | only refuses to prompt; the same command runs when
                                                | no password is needed
    -P --preserve-groups              | same    | only keeps the user's supplementary groups; still
                                                | root
    -p --prompt = <prompt>            | same    | only changes the password prompt
    -R --chroot = <directory>         | acts    | runs the command in another root directory
    -r --role = <role>                | acts    | runs with another SELinux role
    -S --stdin                        | same    | only reads the password from standard input
    -s --shell                        | same    | runs the same command through the user's shell
    -t --type = <type>                | acts    | runs with another SELinux type
    -U --other-user = <user>          | acts    | lists another user's privileges (with -l)
    -T --command-timeout = <timeout>  | acts    | kills the command after a timeout
    -u --user = <user> default:root   | acts    | runs the command as another user; root is the
                                                | default
    -V --version                      | acts    | prints the version and runs nothing
    -v --validate                     | acts    | refreshes the cached credentials and runs nothing
    """,
    permute=False,
)

SYSCTL = make_tool(
    "sysctl",
    "procps-ng 4.0, sysctl(8)",
    """
    -a --all -A -X                    | acts    | prints every key
    --deprecated                      | acts    | lists deprecated keys too
    --dry-run                         | dry-run | prints the keys and values without writing them
    -b --binary                       | acts    | prints values without a newline
    -e --ignore                       | acts    | ignores errors about unknown keys
    -N --names                        | acts    | prints only the names
    -n --values                       | acts    | prints only the values
    -p --load =? <file>               | acts    | loads the settings of a file (/etc/sysctl.conf by
                                                | default)
    -f >--load                        | acts    | loads the settings of the files given (-p)
    --system                          | acts    | loads the settings of every system directory
    -r --pattern = <pattern>          | acts    | keeps only keys matching the pattern
    -q --quiet                        | output  | only stops echoing the values it sets; the same
                                                | keys are written
    -w --write                        | acts    | writes every argument (the default for a key=value
                                                | argument)
    -o                                | same    | does nothing (BSD compatibility)
    -x                                | same    | does nothing (BSD compatibility)
    -h --help -d                      | acts    | prints the help and does nothing else
    -V --version                      | acts    | prints the version and does nothing else
    """,
)

SYSTEM_TOOLS: tuple[Tool, ...] = (SUDO, SYSCTL)
