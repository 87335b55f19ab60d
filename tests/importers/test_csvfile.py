"""The CSV parser: documented columns, spreadsheet exports (LibreOffice, Excel), UTF-8 only."""

from __future__ import annotations

from tests.importers.formats import by_id, fixture, parsed, problems

HEADER = "id,kind,prompt,correct,option_1,option_2,option_3\n"


def test_libreoffice_export_with_every_kind():
    bank = parsed(fixture("libreoffice.csv"), "csv")
    questions = by_id(bank)
    assert [q.kind for q in bank.questions] == [
        "flashcard", "single_choice", "multiple_choice", "true_false", "short_answer",
        "shell_command", "cloze", "ordering", "matching", "short_answer",
    ]  # fmt: skip
    assert questions["c1"].spec == {"back": "The loaded modules,\nfrom /proc/modules."}
    assert (questions["c1"].difficulty, questions["c1"].source, questions["c1"].tags) == (
        1, "lsmod(8)", ("basics",),
    )  # fmt: skip
    assert questions["c1"].topics == ("commands/lsmod",)
    assert [(t.slug, t.title) for t in bank.topics] == [
        ("commands", "Commands"),
        ("commands/lsmod", "lsmod"),
    ]
    assert questions["c3"].spec["correct"] == ["a", "b"]
    assert questions["c7"].spec["alternatives"] == {"c2": ["modules.dep.bin"]}
    assert questions["c9"].spec["right"][-1] == {"id": "r4", "text": "signs"}
    assert questions["c10"].spec == {"accepted": ["6"], "tolerance": 0}
    assert questions["c2"].line == 4  # the flashcard's back spans lines 2-3


def test_excel_export_with_bom_semicolons_crlf_and_formula_guards():
    bank = parsed(fixture("excel.csv"), "csv")
    x1, x2, x3 = bank.questions
    assert x1.spec["correct"] == "b" and x1.spec["shuffle"] is False
    assert (x2.spec, x2.difficulty) == ({"correct": True}, 1)
    assert x2.prompt == "A module runs in kernel space; always."
    assert [o["text"] for o in x3.spec["options"]] == ["=2", "-3", "+4"]


def test_other_encodings_are_a_clear_error():
    data = (HEADER + "q1,true_false,Caf\u00e9?,true,,,\n").encode("cp1252")
    (found,) = problems(data, "csv")
    assert "not UTF-8" in found.message and "CSV UTF-8" in found.message
    assert (found.line, found.column) == (2, 18)


def test_every_problem_at_once_with_line_and_column():
    data = (
        "id,kind,prompt,correct,option_1,option_2,option_3,colour\n"
        "q1,single_choice,Which?,4,a,b,c,\n"
        "q2,essay,Why?,,,,,\n"
        "q3,true_false,Right?,maybe,,,,\n"
    )
    found = problems(data, "csv")
    assert [(p.line, p.column) for p in found] == [(1, 8)]  # a bad header stops the rows
    found = problems(data.replace(",colour", "").replace(",\n", "\n"), "csv")
    assert [(p.line, p.column, p.path) for p in found] == [
        (2, 4, "column 'correct'"),
        (3, 2, "column 'kind'"),
        (4, 4, "column 'correct'"),
    ]
    assert found[1].text == "essay"


def test_ids_are_the_id_column_else_a_content_hash():
    data = "kind,prompt,correct\ntrue_false,Same?,true\ntrue_false,Same?,false\n"
    first, second = parsed(data, "csv").questions
    assert first.external_id.startswith("csv-") and second.external_id == first.external_id + "-2"


def test_long_fields_and_nul_characters_are_problems():
    data = "id,kind,prompt,source,correct\nq1,true_false,A\x00B,x,true\nq2,true_false,Ok,"
    found = problems(data + "s" * 400 + ",true\n", "csv")
    assert [p.line for p in found] == [2, 3]
    assert "NUL" in found[0].message and "source" in found[1].message
    assert len(str(found[1])) < 300
