"""trace-cmd (3.x; trace-cmd(1) and trace-cmd-COMMAND(1), with the optstrings of its sources).

`record`, `start` and `extract` share one option parser in trace-cmd, so they share a table
here; their optstring starts with `+`: the command to trace ends the options.
"""

from __future__ import annotations

from quizzes.shell_options.table import Tool, make_tool

_RECORD = """
    -h --help                         | acts    | prints the help and does nothing else
    -a                                | acts    | acts on every buffer instance
    -e = <event>                      | acts    | records that event
    -f = <filter>                     | acts    | filters the previous event
    -F                                | acts    | traces only the command it runs
    -A = <guest>                      | acts    | records a guest
    -p = <tracer>                     | acts    | uses that tracer
    -c                                | acts    | also traces the command's children (with -F or -P)
    -C = <clock>                      | acts    | uses that clock
    -d                                | acts    | disables the function tracer with the stack tracer
    -D                                | acts    | disables the function tracer fully
    -G                                | acts    | function graph across CPUs
    -o = <file> default:trace.dat     | acts    | writes another file; trace.dat is the default
    -O = <option>                     | acts    | sets a tracing option
    -s = <microseconds>               | same    | only changes how often the recorder wakes up; the
                                                | same events are recorded
    -r = <priority>                   | same    | only changes the recorder threads' priority
    -V = <cid:port>                   | acts    | sends the data over vsockets
    -v                                | acts    | negates the next event (-e): does not record it
    -g = <function>                   | acts    | graphs that function
    -l = <function>                   | acts    | traces only that function
    -n = <function>                   | acts    | does not trace that function
    -P = <pid>                        | acts    | traces only that process
    -N = <host:port>                  | acts    | sends the data to a listener
    -t                                | acts    | uses TCP to the listener
    -b = <size>                       | acts    | sets the buffer size
    -R = <trigger>                    | acts    | adds an event trigger
    -B = <buffer>                     | acts    | records into another buffer instance
    -k                                | acts    | leaves the tracing settings as they are after
                                                | recording
    -K                                | acts    | keeps tracing on after recording
    -i                                | acts    | ignores events that do not exist
    -T                                | acts    | records a stack trace for each event
    -m = <size>                       | acts    | limits the file size
    -M = <cpumask>                    | acts    | traces only those CPUs
    -H = <hooks>                      | acts    | adds event hooks
    -q --quiet                        | output  | only silences trace-cmd's own messages
    -S                                | acts    | records only the events given (with --profile)
    --date                            | acts    | records the wall-clock time too
    --func-stack                      | acts    | records the stack of each function
    --nosplice                        | same    | copies without splice; the same data
    --nofifos                         | same    | reads without fifos; the same data
    --profile                         | acts    | profiles instead
    --stderr                          | output  | only sends the output to stderr
    --by-comm                         | acts    | profiles by command name
    --ts-offset = <offset>            | acts    | shifts the timestamps
    --max-graph-depth = <depth>       | acts    | limits the graph depth
    --cmdlines-size = <size>          | acts    | sizes the saved command lines
    --no-filter                       | acts    | records trace-cmd's own events too
    --debug                           | output  | only prints trace-cmd's debug messages
    --notimeout                       | acts    | never times out on the agent
    --proc-map                        | acts    | records the process memory maps
    --user = <user>                   | acts    | runs the command as that user
    --module = <module>               | acts    | filters functions of that module
    --tsync-interval = <milliseconds> | acts    | time synchronisation interval
    --fork                            | acts    | returns at once, tracing in the background (start)
    --tsc2nsec                        | acts    | converts timestamps to nanoseconds
    --poll                            | same    | reads by polling; the same data
    --name = <name>                   | acts    | names the guest or agent
    --verbose =? <level>              | output  | only prints more of trace-cmd's messages
    --compression = <algorithm>       | acts    | compresses the file
    --file-version = <version>        | acts    | writes another file format
    --proxy = <vsocket>               | acts    | records through a proxy
    --temp = <directory>              | acts    | keeps temporary files elsewhere
    --subbuf-size = <size>            | acts    | sets the sub-buffer size
    --daemonize                       | acts    | runs as a daemon
"""

_REPORT = """
    -h --help                         | acts    | prints the help and does nothing else
    -S                                | acts    | prints the event statistics
    -I                                | acts    | leaves interrupt events out
    -i = <file> default:trace.dat     | acts    | reads another file; trace.dat is the default
    -H = <hooks>                      | acts    | adds event hooks
    -f                                | acts    | lists the functions in the file
    -e                                | acts    | prints the file's endianness
    -G                                | acts    | prints the graph as plain events
    -p                                | acts    | lists the plugins
    -R                                | acts    | prints raw events
    -r = <event>                      | acts    | prints those events raw
    -t                                | acts    | prints full timestamps
    -P                                | acts    | lists the printk formats
    -N                                | acts    | loads no plugins
    -n = <event>                      | acts    | loads no plugin for those events
    -L                                | acts    | loads no system plugins
    -l                                | acts    | prints latency information
    -E                                | acts    | lists the event formats
    -w                                | acts    | prints wakeup latencies
    -F = <filter>                     | acts    | keeps only events matching the filter
    -V =? <level>                     | output  | only prints more of trace-cmd's messages
    -v                                | acts    | inverts the filters
    -T                                | acts    | tests the filters
    -q                                | output  | only hides warnings
    -O = <option>                     | acts    | sets a plugin option
    --cpu = <cpus>                    | acts    | keeps only those CPUs
    --cpus                            | acts    | lists the CPUs in the file
    --events                          | acts    | lists the events in the file
    --event = <event>                 | acts    | prints that event's format
    --filter-test                     | acts    | tests the filters
    --first-event                     | acts    | prints the first event of each CPU
    --kallsyms = <file>               | acts    | reads another kallsyms
    --pid = <pid>                     | acts    | keeps only that process
    --comm = <command>                | acts    | keeps only that command
    --check-events                    | acts    | checks the event formats
    --nodate                          | acts    | leaves the date out
    --stat                            | acts    | prints the buffer statistics
    --boundary                        | acts    | marks buffer boundaries
    --debug                           | output  | only prints trace-cmd's debug messages
    --last-event                      | acts    | prints the last event of each CPU
    --profile                         | acts    | prints a profile
    --uname                           | acts    | prints the recorded uname
    --version                         | acts    | prints the recorded trace-cmd version
    --by-comm                         | acts    | profiles by command name
    --ts-offset = <offset>            | acts    | shifts the timestamps
    --ts2secs = <hz>                  | acts    | converts timestamps to seconds
    --ts-diff                         | acts    | prints timestamp differences
    --ts-check                        | acts    | checks that timestamps increase
    --raw-ts                          | acts    | prints raw timestamps
    --align-ts                        | acts    | aligns the first timestamp to zero
    --verbose =? <level>              | output  | only prints more of trace-cmd's messages
"""

_INSTANCE = """
    -B = <buffer>                     | acts    | acts on another buffer instance
    -a                                | acts    | acts on every buffer instance
    -t                                | acts    | acts on the top instance too
"""

TRACE_CMD_COMMANDS: dict[str, Tool] = {
    "record": make_tool("trace-cmd record", "trace-cmd-record(1)", _RECORD, permute=False),
    "start": make_tool("trace-cmd start", "trace-cmd-start(1)", _RECORD, permute=False),
    "extract": make_tool("trace-cmd extract", "trace-cmd-extract(1)", _RECORD, permute=False),
    "report": make_tool("trace-cmd report", "trace-cmd-report(1)", _REPORT, permute=False),
    "stop": make_tool("trace-cmd stop", "trace-cmd-stop(1)", _INSTANCE),
    "reset": make_tool(
        "trace-cmd reset",
        "trace-cmd-reset(1)",
        _INSTANCE
        + """
    -b = <size>                       | acts    | sets the buffer size
    -d                                | acts    | also removes the instance
    -k = <dynamic-event>              | acts    | keeps that dynamic event
    """,
    ),
    "show": make_tool(
        "trace-cmd show",
        "trace-cmd-show(1)",
        """
    -p                                | acts    | shows the trace_pipe, consuming it
    -s                                | acts    | shows the snapshot
    -c = <cpu>                        | acts    | shows only that CPU
    -f                                | acts    | prints the file name
    -B = <buffer>                     | acts    | shows another buffer instance
    --tracing_on                      | acts    | shows tracing_on instead
    --current_tracer                  | acts    | shows the current tracer instead
    --buffer_size                     | acts    | shows the buffer size instead
    --buffer_total_size               | acts    | shows the total buffer size instead
    --buffer_subbuf_size              | acts    | shows the sub-buffer size instead
    --buffer_percent                  | acts    | shows buffer_percent instead
    --ftrace_filter                   | acts    | shows the function filter instead
    --ftrace_notrace                  | acts    | shows the function notrace list instead
    --ftrace_pid                      | acts    | shows the function pid filter instead
    --graph_function                  | acts    | shows the graph functions instead
    --graph_notrace                   | acts    | shows the graph notrace list instead
    --hist = <event>                  | acts    | shows that event's histogram instead
    --trigger = <event>               | acts    | shows that event's triggers instead
    --cpumask                         | acts    | shows the CPU mask instead
    """,
    ),
    "list": make_tool(
        "trace-cmd list",
        "trace-cmd-list(1)",
        """
    -e =? ~word <regex>               | acts    | lists the events (matching the regex)
    -F                                | acts    | prints the event formats
    --full                            | acts    | prints the full event formats
    -l                                | acts    | prints the event filters
    -R                                | acts    | prints the event triggers
    -s                                | acts    | lists the event systems
    -t -p                             | acts    | lists the tracers
    -o                                | acts    | lists the tracing options
    -O                                | acts    | lists the plugin options
    -f =? ~word <regex>               | acts    | lists the traceable functions (matching the regex)
    --proto                           | acts    | prints the functions' prototypes
    -P                                | acts    | lists the plugin files
    -B                                | acts    | lists the buffer instances
    -C                                | acts    | lists the clocks
    -c                                | acts    | lists the compression algorithms
    """,
    ),
    "stat": make_tool(
        "trace-cmd stat",
        "trace-cmd-stat(1)",
        """
    -B = <buffer>                     | acts    | another buffer instance
    -t                                | acts    | the top instance too
    -o                                | acts    | prints the options too
    """,
    ),
    "clear": make_tool(
        "trace-cmd clear",
        "trace-cmd-clear(1)",
        """
    -B = <buffer>                     | acts    | clears another buffer instance
    -a                                | acts    | clears every buffer instance
    """,
    ),
}

TRACE_CMD = make_tool(
    "trace-cmd",
    "trace-cmd 3.x, trace-cmd(1)",
    """
    -h --help                         | acts    | prints the help and does nothing else
    """,
    permute=False,
    subcommands=TRACE_CMD_COMMANDS,
)

TRACING_TOOLS: tuple[Tool, ...] = (TRACE_CMD,)
