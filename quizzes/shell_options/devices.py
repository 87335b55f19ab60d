"""Looking at devices: lspci (pciutils 3.x, lspci(8); short options only, repeats count) and
udevadm (systemd 252, udevadm(8), checked against `udevadm COMMAND --help`).
"""

from __future__ import annotations

from quizzes.shell_options.table import Tool, make_tool

LSPCI = make_tool(
    "lspci",
    "pciutils 3.x, lspci(8)",
    """
    -m *                              | acts    | machine-readable output (-mm: the other format)
    -t                                | acts    | prints a tree of buses and devices
    -v *                              | acts    | prints details (-vv, -vvv: more); includes -k
    -k                                | acts    | prints the kernel driver and modules of each
                                                | device (implied by -v)
    -x *                              | acts    | adds a hex dump of the configuration space (-xxx,
                                                | -xxxx: more of it)
    -b                                | acts    | prints bus-centric addresses
    -D                                | acts    | always prints the domain numbers
    -P *                              | acts    | identifies devices by their path through bridges
    -n *                              | acts    | prints numeric IDs (-nn: numbers and names)
    -q *                              | acts    | asks the online ID database for unknown names
    -Q                                | acts    | asks the online ID database for every device
    -s = <slot>                       | acts    | keeps only the devices in that slot
    -d = <device-id>                  | acts    | keeps only devices with those IDs
    -i = <file>                       | acts    | reads another pci.ids file
    -p = <file>                       | acts    | reads another kernel module map
    -M                                | acts    | bus mapping mode: scans every bus
    --version                         | acts    | prints the version and does nothing else
    -A = <method>                     | acts    | another access method
    -O = <parameter>                  | acts    | sets an access parameter
    -H = <mechanism>                  | acts    | direct hardware access (-H1, -H2)
    -F = <file>                       | acts    | reads a dump instead of the hardware
    -G *                              | output  | only raises the library's debug level
    """,
    abbreviate=False,
)

_VERSION_HELP = """
    -h --help                         | acts    | prints the help and does nothing else
    -V --version                      | acts    | prints the version and does nothing else
"""

UDEVADM_COMMANDS: dict[str, Tool] = {
    "info": make_tool(
        "udevadm info",
        "systemd 252, udevadm(8) info",
        _VERSION_HELP
        + """
    -q --query = <query>              | acts    | prints only that kind of information
    --property = <property>           | acts    | prints only those properties
    --value                           | acts    | prints only the values
    -p --path = <sysfs-path>          | acts    | the device, by its sysfs path
    -n --name = <device-name>         | acts    | the device, by its node name
    -r --root                         | acts    | prints node paths with /dev
    -a --attribute-walk               | acts    | prints the sysfs attributes of the device and its
                                                | parents
    -t --tree                         | acts    | prints the device tree
    -d --device-id-of-file = <file>   | acts    | prints the major:minor of a file's device
    -x --export                       | acts    | prints key='value' pairs
    -P --export-prefix = <prefix>     | acts    | prefixes the exported keys
    -e --export-db                    | acts    | dumps the udev database
    -c --cleanup-db                   | acts    | cleans the udev database up
    -w --wait-for-initialization =? <seconds> | acts | waits for the device's initialisation
    --no-pager                        | same    | only turns the pager off; the same output
    """,
    ),
    "trigger": make_tool(
        "udevadm trigger",
        "systemd 252, udevadm(8) trigger",
        _VERSION_HELP
        + """
    -v --verbose                      | output  | only prints the devices it triggers
    -n --dry-run                      | dry-run | does not actually trigger the events
    -q --quiet                        | output  | only suppresses error messages
    -t --type = <type> default:devices | acts   | triggers devices or subsystems; devices is the
                                                | default
    -c --action = <action> default:change | acts | the event action; change is the default
    -s --subsystem-match = <subsystem> | acts   | only devices of that subsystem
    -S --subsystem-nomatch = <subsystem> | acts | not the devices of that subsystem
    -a --attr-match = <attribute>     | acts    | only devices with that attribute
    -A --attr-nomatch = <attribute>   | acts    | not the devices with that attribute
    -p --property-match = <property>  | acts    | only devices with that property
    -g --tag-match = <tag>            | acts    | only devices with that tag
    -y --sysname-match = <name>       | acts    | only devices with that sysfs name
    --name-match = <name>             | acts    | only the device with that node name
    -b --parent-match = <device>      | acts    | only that device and its children
    --initialized-match               | acts    | only devices already initialised
    --initialized-nomatch             | acts    | only devices not initialised yet
    -w --settle                       | acts    | waits until the triggered events are processed
    --wait-daemon =? <seconds>        | acts    | waits for udevd first
    --uuid                            | acts    | prints the events' UUIDs
    --prioritized-subsystem = <subsystems> | acts | triggers those subsystems first
    """,
    ),
    "settle": make_tool(
        "udevadm settle",
        "systemd 252, udevadm(8) settle",
        _VERSION_HELP
        + """
    -t --timeout = <seconds>          | acts    | waits at most that long
    -E --exit-if-exists = <file>      | acts    | stops waiting once the file exists
    """,
    ),
    "control": make_tool(
        "udevadm control",
        "systemd 252, udevadm(8) control",
        _VERSION_HELP
        + """
    -e --exit                         | acts    | stops the daemon
    -l --log-level --log-priority = <level> | acts | sets the daemon's log level
    -s --stop-exec-queue              | acts    | queues events without running them
    -S --start-exec-queue             | acts    | runs queued events
    -R --reload --reload-rules        | acts    | reloads the rules and databases
    -p --property --env = <property>  | acts    | sets a property for every event
    -m --children-max = <count>       | acts    | limits the worker processes
    --ping                            | acts    | waits for the daemon to answer
    -t --timeout = <seconds>          | acts    | waits at most that long for a reply
    """,
    ),
    "monitor": make_tool(
        "udevadm monitor",
        "systemd 252, udevadm(8) monitor",
        _VERSION_HELP
        + """
    -p --property                     | acts    | prints the event properties
    -k --kernel                       | acts    | prints the kernel's uevents
    -u --udev                         | acts    | prints udev's events
    -s --subsystem-match = <subsystem> | acts   | only events of that subsystem
    -t --tag-match = <tag>            | acts    | only events with that tag
    """,
    ),
    "test": make_tool(
        "udevadm test",
        "systemd 252, udevadm(8) test",
        _VERSION_HELP
        + """
    -a --action = <action>            | acts    | simulates that action
    -N --resolve-names = <when>       | acts    | resolves user and group names then
    """,
    ),
    "test-builtin": make_tool(
        "udevadm test-builtin",
        "systemd 252, udevadm(8) test-builtin",
        _VERSION_HELP
        + """
    -a --action = <action>            | acts    | simulates that action
    """,
    ),
    "wait": make_tool(
        "udevadm wait",
        "systemd 252, udevadm(8) wait",
        _VERSION_HELP
        + """
    -t --timeout = <seconds>          | acts    | waits at most that long
    --initialized = <boolean>         | acts    | waits for initialisation or not
    --removed                         | acts    | waits for the devices to go away
    --settle                          | acts    | also waits for the queued events
    """,
    ),
    "lock": make_tool(
        "udevadm lock",
        "systemd 252, udevadm(8) lock",
        _VERSION_HELP
        + """
    -d --device = <device>            | acts    | locks that block device
    -b --backing = <file>             | acts    | locks the device behind that file
    -t --timeout = <seconds>          | acts    | waits at most that long for the lock
    -p --print                        | acts    | only prints which device it would lock
    """,
        permute=False,
    ),
    "hwdb": make_tool(
        "udevadm hwdb",
        "systemd 252, udevadm(8) hwdb",
        _VERSION_HELP
        + """
    -u --update                       | acts    | rebuilds the hardware database
    -s --strict                       | acts    | fails on parse errors
    --usr                             | acts    | writes under /lib/udev instead of /etc/udev
    -t --test = <modalias>            | acts    | looks a modalias up
    -r --root = <directory>           | acts    | works under another root
    """,
    ),
}

UDEVADM = make_tool(
    "udevadm",
    "systemd 252, udevadm(8)",
    """
    -d --debug                        | output  | only prints debug messages
    -h --help                         | acts    | prints the help and does nothing else
    -V --version                      | acts    | prints the version and does nothing else
    """,
    permute=False,
    subcommands=UDEVADM_COMMANDS,
)

DEVICE_TOOLS: tuple[Tool, ...] = (LSPCI, UDEVADM)
