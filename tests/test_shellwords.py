from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.shellwords import (
    PWD,
    RELEASE,
    Pipeline,
    ShellSyntaxError,
    Stage,
    literal_release_to_substitution,
    split_command_line,
)


def words(line: str) -> list[tuple[str, ...]]:
    """The words of every stage of every pipeline, flattened, for compact expectations."""
    return [stage.words for pipeline in split_command_line(line) for stage in pipeline.stages]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("modprobe -r foo", [("modprobe", "-r", "foo")]),
        ("  modprobe\t-r   foo  ", [("modprobe", "-r", "foo")]),
        ("echo 'module foo +p'", [("echo", "module foo +p")]),
        ('echo "module foo +p"', [("echo", "module foo +p")]),
        ("echo mod'ule f'oo", [("echo", "module foo")]),
        (r"echo module\ foo", [("echo", "module foo")]),
        (r'echo "a \"b\" \$c \x"', [("echo", r'a "b" $c \x')]),
        ("echo ''", [("echo", "")]),
        (
            "make -C /lib/modules/$(uname -r)/build",
            [("make", "-C", f"/lib/modules/{RELEASE}/build")],
        ),
        ("echo `uname -r`", [("echo", RELEASE)]),
        ("echo $( uname   --kernel-release )", [("echo", RELEASE)]),
        ('echo "$(uname -r)"', [("echo", RELEASE)]),
        ("echo $PWD ${PWD} $(pwd) `pwd` $(PWD)", [("echo", PWD, PWD, PWD, PWD, PWD)]),
        ("echo $(echo $(uname -r) x)", [("echo", "$(echo $(uname -r) x)")]),
        ("echo $(echo 'a)b')", [("echo", "$(echo a)b)")]),
        ("echo $((1 + 2))", [("echo", "$((1 + 2))")]),
        ("echo $HOME $1 $", [("echo", "$HOME", "$1", "$")]),
        ("dmesg | tail -50", [("dmesg",), ("tail", "-50")]),
        ("dmesg|grep -i usb|less", [("dmesg",), ("grep", "-i", "usb"), ("less",)]),
        ("echo 'a|b' \"c;d\"", [("echo", "a|b", "c;d")]),
        ("modinfo foo # the comment", [("modinfo", "foo")]),
        ("echo a#b", [("echo", "a#b")]),
        ("make \\\n modules", [("make", "modules")]),
    ],
)
def test_words_are_grouped_like_a_shell_groups_them(line: str, expected: list[tuple[str, ...]]):
    assert words(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("echo x > /sys/f", Stage(("echo", "x"), ((">", "/sys/f"),))),
        ("echo x >/sys/f", Stage(("echo", "x"), ((">", "/sys/f"),))),
        ("echo x 1>/sys/f", Stage(("echo", "x"), ((">", "/sys/f"),))),
        ("echo x >> log", Stage(("echo", "x"), ((">>", "log"),))),
        ("make 2>&1", Stage(("make",), (("2>&", "1"),))),
        ("make 2> /dev/null", Stage(("make",), (("2>", "/dev/null"),))),
        ("echo '2'>f", Stage(("echo", "2"), ((">", "f"),))),
        ("cat < file", Stage(("cat",), (("<", "file"),))),
        ("> /sys/f echo x", Stage(("echo", "x"), ((">", "/sys/f"),))),
        ("make &> log", Stage(("make",), (("&>", "log"),))),
    ],
)
def test_redirections_are_kept_apart_from_the_words(line: str, expected: Stage):
    (pipeline,) = split_command_line(line)
    assert pipeline.stages == (expected,)


def test_sequences_keep_their_operators():
    assert split_command_line("depmod -a && modprobe foo; lsmod || true") == (
        Pipeline((Stage(("depmod", "-a")),), "&&"),
        Pipeline((Stage(("modprobe", "foo")),), ";"),
        Pipeline((Stage(("lsmod",)),), "||"),
        Pipeline((Stage(("true",)),), ""),
    )


def test_a_trailing_semicolon_or_newline_changes_nothing():
    assert (
        split_command_line("lsmod;") == split_command_line("lsmod\n") == split_command_line("lsmod")
    )


def test_pipe_with_stderr_adds_the_redirection():
    (pipeline,) = split_command_line("make |& less")
    assert pipeline.stages[0] == Stage(("make",), (("2>&", "1"),))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", "empty"),
        ("   # only a comment", "empty"),
        ("echo 'foo", "unbalanced quote"),
        ('echo "foo', "unbalanced quote"),
        ("echo $(uname -r", "unbalanced $("),
        ("echo $(echo $(uname -r)", "unbalanced $("),
        ("echo `uname -r", "unbalanced backtick"),
        ("echo ${PWD", "unbalanced ${"),
        ("echo foo\\", "backslash"),
        ("| grep x", "no command before |"),
        ("dmesg |", "ends with |"),
        ("depmod &&", "ends with &&"),
        ("echo x >", "no target"),
        ("echo x > | cat", "no target"),
        ("(cd /tmp)", "subshells"),
    ],
)
def test_unreadable_lines_say_why(line: str, reason: str):
    with pytest.raises(ShellSyntaxError, match=re.escape(reason)):
        split_command_line(line)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("6.1.0-18-amd64", RELEASE),
        ("5.15.0-91-generic", RELEASE),
        ("6.8.9-300.fc40.x86_64", RELEASE),
        ("6.10.0", RELEASE),
        ("/lib/modules/6.1.0-18-amd64/build", f"/lib/modules/{RELEASE}/build"),
        ("linux-headers-5.15.0-91-generic", f"linux-headers-{RELEASE}"),
        ("1.5", "1.5"),
        ("hello-1.0.0.ko", "hello-1.0.0.ko"),
        ("v6.1.0", "v6.1.0"),
        ("snd_hda_intel", "snd_hda_intel"),
    ],
)
def test_literal_kernel_releases_become_the_uname_substitution(word: str, expected: str):
    assert literal_release_to_substitution(word) == expected


def test_deeply_nested_substitutions_do_not_exhaust_the_stack():
    line = "echo " + "$(" * 500 + "x" + ")" * 500
    assert words(line)[0][0] == "echo"


SHELLISH = st.text(alphabet=st.sampled_from(list("ab -'\"$()`|&;<>\\\n#{}12=/.")), max_size=40)


@settings(deadline=None, max_examples=300)
@given(st.one_of(SHELLISH, st.text()))
def test_splitting_random_text_raises_nothing_but_shell_syntax_errors(line: str):
    try:
        result = split_command_line(line)
    except ShellSyntaxError as exc:
        assert str(exc)
    else:
        assert all(stage.words for pipeline in result for stage in pipeline.stages)


def test_every_word_knows_its_number_in_the_line_as_typed():
    pipelines = split_command_line("sudo depmod -a && echo 'a b' > /x/y | sudo tee -a f")
    numbers = [stage.numbers for pipeline in pipelines for stage in pipeline.stages]
    # sudo(1) depmod(2) -a(3) && echo(4) 'a b'(5) > /x/y(6) | sudo(7) tee(8) -a(9) f(10)
    assert numbers == [(1, 2, 3), (4, 5), (7, 8, 9, 10)]
