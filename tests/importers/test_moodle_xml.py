"""The Moodle XML parser: every question type, categories, tags and idnumbers; hostile XML
(entities, DTDs, deep nesting) refused with the line where it was found."""

from __future__ import annotations

import pytest

from tests.importers.formats import ParseLimits, by_id, fixture, moodle_sample, parsed, problems


@pytest.fixture(scope="module")
def bank():
    return parsed(fixture("kernel.moodle.xml"), "moodle_xml", skip_unsupported=True)


def test_every_type_maps_to_its_kind(bank):
    kinds = {q.external_id: q.kind for q in bank.questions}
    assert kinds == {
        "mx-lsmod": "single_choice",
        "Unloads": "multiple_choice",
        "Deps": "true_false",
        "Dep-file": "short_answer",
        "Fields": "short_answer",
        "Match": "matching",
        "Taint": "flashcard",
        "Build-order": "ordering",
        "Gaps": "cloze",
    }
    assert [(t.slug, t.parent) for t in bank.topics] == [
        ("kernel", None),
        ("kernel/modules", "kernel"),
    ]
    assert all(q.topics == ("kernel/modules",) for q in bank.questions)


def test_html_becomes_markdown_without_scripts_and_files_are_noticed(bank):
    q = by_id(bank)["mx-lsmod"]
    assert q.prompt == "Which command lists the **loaded** modules?"
    assert q.explanation.startswith("It reads `/proc/modules`.")
    assert q.spec["shuffle"] is False and q.spec["correct"] == "a"
    assert q.tags == ("basics", "lsmod-tool")
    assert any("embedded file" in n.message and n.text == "a.png" for n in bank.notices)
    assert any("partial credit (50%)" in n.message for n in bank.notices)


def test_answers_of_each_kind(bank):
    questions = by_id(bank)
    assert questions["Unloads"].spec["correct"] == ["a", "b"]
    assert questions["Deps"].prompt == "modprobe resolves dependencies \\& aliases."
    assert questions["Dep-file"].spec == {
        "accepted": ["modules.dep", "modules.dep.bin"],
        "case_sensitive": True,
    }
    assert questions["Fields"].spec == {"accepted": ["6"], "tolerance": 0}
    assert [r["text"] for r in questions["Match"].spec["right"]] == [
        "lists",
        "removes",
        "indexes",
        "signs",
    ]
    assert questions["Taint"].spec["back"].startswith("Something the kernel")
    assert questions["Build-order"].spec["correct_order"] == ["a", "b", "c"]
    assert questions["Gaps"].spec == {
        "text": "{{c1::modprobe}} reads {{c2::modules.dep}} and {{c3::6}} fields.",
        "alternatives": {"c1": ["modprobe(8)"]},
    }


def test_description_is_noticed_and_calculated_is_unsupported(bank):
    assert any("description" in n.message and n.line == 71 for n in bank.notices)
    assert [(u.type, u.title, u.line) for u in bank.unsupported] == [("calculated", "Formula", 75)]
    found = problems(fixture("kernel.moodle.xml"), "moodle_xml")
    assert [(p.line, "calculated" in p.message) for p in found] == [(75, True)]


def test_moodle_sample_category_with_description():
    bank = parsed(moodle_sample("category_with_description.xml"), "moodle_xml")
    (q,) = bank.questions
    assert (q.external_id, q.kind, q.spec, q.prompt) == (
        "Alpha-Question", "true_false", {"correct": True}, "Testing Alpha Question",
    )  # fmt: skip
    assert [(t.slug, t.title) for t in bank.topics] == [("alpha", "Alpha")]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<quiz><question type="truefalse"><name><text>&b;</text></name></question></quiz>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><name><text>&x;</text></name></question></quiz>"""
DTD_ONLY = (
    '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd">\n<quiz/>'
)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL, DTD_ONLY])
def test_dtds_and_entities_are_refused(document):
    (found,) = problems(document, "moodle_xml")
    assert "DTD, entities or external references" in found.message
    assert found.line == 2


def test_deep_nesting_is_a_problem_not_a_crash():
    document = "<quiz>" + "<a>" * 100_000 + "</a>" * 100_000 + "</quiz>"
    (found,) = problems(document, "moodle_xml")
    assert "nested more than 64 deep" in found.message
    deep_html = "<p>" * 200 + "x" + "</p>" * 200
    text = (
        '<quiz><question type="truefalse"><name><text>d</text></name>'
        f'<questiontext format="html"><text><![CDATA[{deep_html}]]></text></questiontext>'
        '<answer fraction="100"><text>true</text></answer></question></quiz>'
    )
    assert "nested 200 levels deep" in problems(text, "moodle_xml")[0].message


def test_malformed_xml_names_line_and_column():
    (found,) = problems("<quiz>\n  <question type='x'>\n</quiz>", "moodle_xml")
    assert (found.line, found.column) == (3, 3)
    assert found.message.startswith("not well-formed XML: mismatched tag")


def test_every_question_problem_at_once_and_limits():
    document = """<quiz>
<question type="truefalse"><name><text>a</text></name><questiontext><text>Q</text></questiontext>
<answer fraction="0"><text>true</text></answer>
<answer fraction="0"><text>false</text></answer></question>
<question type="shortanswer"><name><text>b</text></name><questiontext><text>Q2</text></questiontext>
<answer fraction="x"><text>y</text></answer></question>
</quiz>"""
    found = problems(document, "moodle_xml")
    assert [p.line for p in found] == [2, 5, 6]
    assert (
        found[1].message == "no answer has fraction 100"
        or found[2].message == "no answer has fraction 100"
    )
    small = ParseLimits(max_text_chars=10)
    found = problems(document.replace("Q2", "Q" * 50), "moodle_xml", limits=small)
    assert any("characters long" in p.message and p.line == 5 for p in found)
