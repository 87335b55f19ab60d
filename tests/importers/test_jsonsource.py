"""Positions in a JSON text: found in one iterative pass, whatever the nesting."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.importers.jsonsource import JsonSource, LineIndex, deeper_than, walk

TEXT = '{\n  "a": [1, {"b": "x,]}"}],\n  "c": {"d": null, "d": true}\n}'


def test_values_are_found_at_their_line_and_column():
    source = JsonSource(TEXT)
    found = source.positions({("a", 0), ("a", 1, "b"), ("c", "d"), ("a", 7, "zz")})
    assert found[("a", 0)] == (2, 9)
    assert found[("a", 1, "b")] == (2, 18)  # the string's opening quote
    assert found[("c", "d")] == (3, 14)  # the first of the two
    assert found[("a", 7, "zz")] == (2, 8)  # missing: the nearest parent, the list


def test_duplicate_keys_are_reported_where_they_repeat():
    assert JsonSource(TEXT).duplicates() == [(("c", "d"), (3, 20))]


def test_depth_is_measured_without_recursion_and_strings_do_not_count():
    deep = "[" * 200_000
    assert deeper_than(deep, 64)
    assert JsonSource(deep).too_deep(64) == (1, 65)
    assert not deeper_than('["[[[[[[[[[["]', 3)
    assert JsonSource(json.dumps({"a": {"b": [1]}})).too_deep(3) is None


def test_the_lines_of_an_arrays_elements():
    text = json.dumps({"x": 1, "items": [{"n": 1}, [2, 3], "s", 4]}, indent=1)
    lines = JsonSource(text).element_lines(("items",))
    assert lines == [4, 7, 11, 12]
    assert JsonSource('{"items": []}').element_lines(("items",)) == []


def test_an_unterminated_string_ends_the_walk():
    assert walk('{"a": "never closed, [', want=None).positions == {(): 0, ("a",): 6}


def test_line_index_positions_are_one_based():
    index = LineIndex("ab\ncd\n")
    assert [index.position(i) for i in (0, 1, 3, 5, 6)] == [(1, 1), (1, 2), (2, 1), (2, 3), (3, 1)]


@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=5),
        lambda i: st.lists(i, max_size=3) | st.dictionaries(st.text(max_size=3), i, max_size=3),
        max_leaves=15,
    )
)
@settings(max_examples=300, deadline=None)
def test_every_value_position_starts_that_value(value):
    text = json.dumps(value, indent=1)
    decoder = json.JSONDecoder()
    index = LineIndex(text)
    starts = {index.position(o): o for o in range(len(text) + 1)}
    for path, position in JsonSource(text).positions(_paths(value)).items():
        expected = value
        for part in path:
            expected = expected[part]
        assert decoder.raw_decode(text, starts[position])[0] == expected


def _paths(value, prefix=()):
    out = {prefix}
    if isinstance(value, dict):
        for key, item in value.items():
            out |= _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out |= _paths(item, (*prefix, i))
    return out
