"""The hardened YAML reader (generator/yamlsafe.py): limits, refusals, positions, warnings.

Most cases call `read_yaml` directly; a few go through `run` to show the same problem
located in a real file (front matter lines are offset by the opening `---`).
"""

from __future__ import annotations

import time

import pytest

from generator.yamlsafe import MAX_BYTES, MAX_DEPTH, Pos, YamlProblem, read_yaml
from tests.conftest import PORTFOLIO, PROGRAM, only

QUOTE_HINT = "quote the value if it contains ': ', ' #', or starts with a special character"
TAB_HINT = "indent with spaces; YAML does not allow tabs for indentation"

# The classic "billion laughs": 9 levels of 9 aliases, 341 bytes, ~387 million strings
# if a loader expanded it.
ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def problem(text: str, line_offset: int = 0) -> YamlProblem:
    """The single problem reading `text` produces."""
    doc = read_yaml(text, line_offset)
    assert len(doc.problems) == 1, doc.problems
    return doc.problems[0]


def where(p: YamlProblem) -> tuple[int, int, str, str]:
    return (p.line, p.column, p.severity, p.code)


# --------------------------------------------------------------------------- plain data


def test_reads_plain_data_with_the_position_of_every_key_and_value() -> None:
    doc = read_yaml("kind: project\nid: crm\nmilestones:\n  - id: go\n    due: 2026-09-01\n")
    assert doc.ok and doc.problems == []
    assert doc.data == {"kind": "project", "id": "crm",
                        "milestones": [{"id": "go", "due": "2026-09-01"}]}
    assert doc.positions[("id",)] == Pos(2, 1, 2, 5)
    assert doc.positions[("milestones", 0)] == Pos(4, 5, 4, 5)
    assert doc.positions[("milestones", 0, "due")] == Pos(5, 5, 5, 10)


def test_line_offset_shifts_every_position_and_problem() -> None:
    doc = read_yaml("a: 1\nb: 2\n", line_offset=1)
    assert doc.positions[("b",)] == Pos(3, 1, 3, 4)
    assert where(problem("a: 1\na: 2\n", line_offset=1)) == (3, 1, "error", "duplicate-key")
    assert problem("a: 1\na: 2\n", line_offset=1).message == (
        "duplicate key 'a' (first set on line 2)")


def test_pos_falls_back_to_the_nearest_located_ancestor() -> None:
    doc = read_yaml("team:\n  - name: Sam\n")
    assert doc.pos(("team", 0, "allocation")) == doc.positions[("team", 0)]
    assert doc.pos(("nothing", "here")) == doc.positions[()]


def test_empty_text_is_no_data_and_no_problem() -> None:
    doc = read_yaml("")
    assert doc.data is None and doc.problems == []
    assert read_yaml("# only a comment\n").data is None


@pytest.mark.parametrize("written", [
    "NO", "no", "yes", "Off", "on", "y", "1.10", "0777", "0x1F", "1_000", "+12", "1e3",
    "2026-01-01", "2026-13-45", ".inf", ".NaN", "12:30:00",
])
def test_scalars_stay_the_strings_the_author_wrote(written: str) -> None:
    doc = read_yaml(f"title: {written}\ntags: [{written}]\n")
    assert doc.problems == []
    assert doc.data == {"title": written, "tags": [written]}


@pytest.mark.parametrize("written", ["~", "null", "Null", "NULL", ""])
def test_null_spellings_are_none(written: str) -> None:
    assert read_yaml(f"due: {written}\n").data == {"due": None}


def test_quoted_null_spelling_stays_text() -> None:
    assert read_yaml('title: "null"\nnote: \'~\'\n').data == {"title": "null", "note": "~"}


def test_non_string_scalar_keys_become_strings() -> None:
    doc = read_yaml("1: one\ntrue: yes\n~: nothing\n2026-01-01: day\n")
    assert doc.problems == []
    assert doc.data == {"1": "one", "true": "yes", "null": "nothing", "2026-01-01": "day"}


@pytest.mark.parametrize("text", ["? [a, b]\n: 1\n", "? {a: 1}\n: x\n"])
def test_complex_keys_are_refused(text: str) -> None:
    p = problem(text)
    assert where(p) == (1, 3, "error", "yaml-key")
    assert p.message == "a mapping key must be a plain value, not a list or mapping"
    assert p.hint == "use a simple name as the key"
    assert read_yaml(text).data is None


# --------------------------------------------------------------------------- aliases


def test_alias_bomb_is_refused_fast() -> None:
    start = time.perf_counter()
    doc = read_yaml(ALIAS_BOMB)
    assert time.perf_counter() - start < 0.5
    assert doc.data is None and not doc.ok
    p = problem(ALIAS_BOMB)
    assert where(p) == (2, 8, "error", "yaml-alias")
    assert p.message == "YAML aliases (*a) are not allowed"
    assert p.hint == "write the value out in full"


@pytest.mark.parametrize("text, column", [("a: &x [*x]\n", 8), ("a: &x {b: *x}\n", 11)])
def test_recursive_alias_is_refused(text: str, column: int) -> None:
    p = problem(text)
    assert where(p) == (1, column, "error", "yaml-alias")
    assert p.message == "YAML aliases (*x) are not allowed"


def test_an_anchor_without_alias_is_harmless() -> None:
    doc = read_yaml("a: &x 1\nb: 2\n")
    assert doc.problems == [] and doc.data == {"a": "1", "b": "2"}


def test_alias_bomb_as_a_yml_file_is_one_located_error(run) -> None:
    start = time.perf_counter()
    result = run({"index.md": PORTFOLIO, "risks/bomb.yml": "kind: risk\n" + ALIAS_BOMB})
    assert time.perf_counter() - start < 2
    d = only(result, "yaml-alias")
    assert (d.path, d.line, d.column, d.severity) == ("content/risks/bomb.yml", 3, 8, "error")
    assert result.model.records.by_kind("risk") == ()


def test_alias_in_front_matter_is_located_in_the_file(run) -> None:
    result = run({"index.md": PORTFOLIO,
                  "projects/a.md": "---\nkind: project\nid: &x a\ntitle: *x\n---\n"})
    d = only(result, "yaml-alias")
    assert (d.path, d.line, d.column) == ("content/projects/a.md", 4, 8)
    assert result.model.records.get("a") is None


# --------------------------------------------------------------------------- nesting


def test_deep_flow_nesting_is_refused_fast() -> None:
    text = "[" * 100_000 + "]" * 100_000
    start = time.perf_counter()
    p = problem(text)
    assert time.perf_counter() - start < 1
    # Our event-level limit stops it at column 41; libyaml >= 0.2.5 (PyYAML 6.0.4's
    # wheels) has its own limit of 1,000 flow levels and may stop the scan first.
    line, column, severity, code = where(p)
    assert (line, severity, code) == (1, "error", "too-deep")
    assert column in (MAX_DEPTH + 1, 1001)
    assert p.message == f"YAML nested more than {MAX_DEPTH} levels deep"
    assert p.hint == "flatten the structure"


def _nested(levels: int) -> str:
    """`levels` nested block mappings (the root counts as one)."""
    keys = "".join("  " * i + f"k{i}:\n" for i in range(levels - 1))
    return keys + "  " * (levels - 1) + "leaf: v\n"


def test_deep_block_nesting_is_refused_at_the_first_level_too_deep() -> None:
    p = problem(_nested(60))
    # The 41st mapping is the value of k39 and starts at k40 (line 41, column 81).
    assert where(p) == (41, 81, "error", "too-deep")


def test_nesting_up_to_the_limit_is_accepted() -> None:
    doc = read_yaml(_nested(MAX_DEPTH))
    assert doc.ok and doc.problems == []


# --------------------------------------------------------------------------- tags


@pytest.mark.parametrize("text, shown", [
    ("a: !!python/object/apply:os.system [\"echo hi\"]\n", "!!python/object/apply:os.system"),
    ("a: !!python/object:os.system x\n", "!!python/object:os.system"),
    ("a: !!python/name:os.system ''\n", "!!python/name:os.system"),
    ("a: !Ref x\n", "!Ref"),
    ("a: !!binary aGk=\n", "!!binary"),
    ("a: !!set {x, y}\n", "!!set"),
    ("a: !!omap [{x: 1}]\n", "!!omap"),
])
def test_non_standard_tags_are_refused(text: str, shown: str) -> None:
    p = problem(text)
    assert where(p) == (1, 4, "error", "yaml-tag")
    assert p.message == f"YAML tag {shown} is not allowed"
    assert p.hint == "remove the tag; pmsite reads plain data only"
    assert read_yaml(text).data is None


def test_standard_tags_are_plain_data() -> None:
    doc = read_yaml("a: !!str 0777\nb: !!int 3\nc: !!null x\n")
    assert doc.problems == []
    assert doc.data == {"a": "0777", "b": "3", "c": None}


def test_python_tag_in_front_matter_is_located(run) -> None:
    result = run({"evil.md": "---\nkind: risk\nid: !!python/object/apply:os.system [\"x\"]\n"
                             "title: T\n---\n"})
    d = only(result, "yaml-tag")
    assert (d.path, d.line, d.column) == ("content/evil.md", 3, 5)


# --------------------------------------------------------------------------- documents


def test_several_documents_are_refused_at_the_second() -> None:
    p = problem("kind: risk\nid: a\n---\nkind: risk\nid: b\n")
    assert where(p) == (3, 1, "error", "yaml-multi-document")
    assert p.message == "more than one YAML document in one file"
    assert p.hint == "keep one record or log per file, or use a log with `entries:`"


def test_one_explicit_document_is_fine() -> None:
    doc = read_yaml("---\nkind: risk\n...\n")
    assert doc.problems == [] and doc.data == {"kind": "risk"}


def test_multi_document_yml_file_is_located(run) -> None:
    result = run({"index.md": PORTFOLIO,
                  "risks/two.yml": "kind: risk\nid: r1\ntitle: A\n---\nkind: risk\nid: r2\n"})
    d = only(result, "yaml-multi-document")
    assert (d.path, d.line, d.column) == ("content/risks/two.yml", 4, 1)
    assert result.model.records.by_kind("risk") == ()


# --------------------------------------------------------------------------- size


def test_text_over_the_limit_is_refused_without_parsing() -> None:
    text = "a: " + "x" * MAX_BYTES
    p = problem(text, line_offset=1)
    assert where(p) == (2, 1, "error", "too-large")
    assert p.message == f"YAML text is {len(text):,} characters; the limit is {MAX_BYTES:,}"
    assert p.hint == "split it into several files"


def test_text_at_the_limit_is_read() -> None:
    text = "a: " + "x" * (MAX_BYTES - 4) + "\n"
    assert len(text) == MAX_BYTES
    doc = read_yaml(text)
    assert doc.ok and len(doc.data["a"]) == MAX_BYTES - 4


# --------------------------------------------------------------------------- syntax


@pytest.mark.parametrize("text, line, column", [
    ("a: 1\n\tb: 2\n", 2, 1),            # tab before a sibling key
    ("a:\n  b: 1\n\t c: 2\n", 3, 1),      # tab mixed into the indentation
    ("a:\n\tb: 1\n", 2, 1),               # a child indented with a tab
    ("\ta: 1\n", 1, 1),                   # the first key indented with a tab
])
def test_tab_indentation_is_a_syntax_error_with_an_indentation_hint(
        text: str, line: int, column: int) -> None:
    p = problem(text)
    assert where(p) == (line, column, "error", "yaml-syntax")
    assert p.message.startswith("invalid YAML: ")
    assert p.hint == TAB_HINT


@pytest.mark.parametrize("text, line, column, what", [
    ("title: Fix: the bug\n", 1, 11, "mapping values are not allowed in this context"),
    ("id: a\ntitle: @home\n", 2, 8, "found character that cannot start any token"),
    ("title: `x`\n", 1, 8, "found character that cannot start any token"),
    ("- a\nb: 1\n", 2, 1, "did not find expected '-' indicator"),
])
def test_syntax_errors_have_line_column_and_a_hint_to_quote(
        text: str, line: int, column: int, what: str) -> None:
    p = problem(text)
    assert where(p) == (line, column, "error", "yaml-syntax")
    assert p.message.startswith(f"invalid YAML: {what}")
    assert p.hint == QUOTE_HINT
    assert read_yaml(text).data is None


def test_unterminated_quote_points_at_the_opening_quote() -> None:
    # libyaml only notices at the end of the text; the author needs the line of the quote.
    p = problem('id: a\ntitle: "Kick-off\nmanager: Sam\nphase: planning\n')
    assert where(p) == (2, 8, "error", "yaml-syntax")
    assert "quoted scalar" in p.message


def test_syntax_error_in_front_matter_is_located_in_the_file(run) -> None:
    result = run({"projects/a.md": "---\nkind: project\nid: a\ntitle: Fix: the bug\n---\n"})
    d = only(result, "yaml-syntax")
    assert (d.path, d.line, d.column, d.severity) == ("content/projects/a.md", 4, 11, "error")
    assert d.hint == QUOTE_HINT


# --------------------------------------------------------------------------- duplicates


def test_duplicate_key_names_the_first_line_and_keeps_one_value() -> None:
    doc = read_yaml("id: a\ntitle: X\nid: b\n")
    p = problem("id: a\ntitle: X\nid: b\n")
    assert where(p) == (3, 1, "error", "duplicate-key")
    assert p.message == "duplicate key 'id' (first set on line 1)"
    assert p.hint == "remove one of them; YAML would silently keep only the last"
    assert doc.data is not None and set(doc.data) == {"id", "title"}


def test_duplicate_key_inside_a_list_item() -> None:
    p = problem("items:\n  - a: 1\n    b: 2\n    a: 3\n")
    assert where(p) == (4, 5, "error", "duplicate-key")
    assert p.message == "duplicate key 'a' (first set on line 2)"


def test_same_key_in_different_mappings_is_fine() -> None:
    doc = read_yaml("m:\n  - id: a\n  - id: b\n")
    assert doc.problems == []


def test_duplicate_key_in_front_matter_is_located(run) -> None:
    result = run({"index.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                  "projects/a.md": "---\nkind: project\nid: a\ntitle: A\nmanager: X\n"
                                   "program: cx\ntitle: B\n---\n"})
    d = only(result, "duplicate-key")
    assert (d.path, d.line, d.column) == ("content/projects/a.md", 7, 1)
    assert d.message == "duplicate key 'title' (first set on line 4)"


# --------------------------------------------------------------------------- comments


def test_hash_after_a_value_warns_that_it_was_a_comment() -> None:
    doc = read_yaml("title: Update #2\n")
    assert doc.data == {"title": "Update"}
    assert doc.ok  # a warning, not an error
    p = problem("title: Update #2\n")
    assert where(p) == (1, 15, "warning", "yaml-comment")
    assert p.message == "'#2' after 'Update' is a YAML comment and was dropped"
    assert p.hint == 'put the whole value in quotes, e.g. "Update #2"'


@pytest.mark.parametrize("text, value", [
    ('title: "Update #2"\n', "Update #2"),
    ("title: Update#2\n", "Update#2"),
    ("title: Update # a real comment\n", "Update"),
    ("# heading comment\ntitle: Update\n", "Update"),
    ("title: Update  #\n", "Update"),
    ("due: # to be decided\n", None),
])
def test_no_comment_warning_for_quoted_values_or_real_comments(text: str, value: str) -> None:
    doc = read_yaml(text)
    assert doc.problems == []
    assert doc.data == {"title" if "title" in text else "due": value}


def test_comment_warning_in_a_list_item() -> None:
    p = problem("tags:\n  - release #3\n")
    assert where(p) == (2, 13, "warning", "yaml-comment")
    assert p.message == "'#3' after 'release' is a YAML comment and was dropped"


# --------------------------------------------------------------------------- characters


def test_control_character_is_reported_on_its_own_line_and_column() -> None:
    p = problem("a: 1\nb: 2\nc: x\x07y\n")
    assert where(p) == (3, 5, "error", "yaml-syntax")
    assert "control characters are not allowed" in p.message
    assert p.hint == "remove control characters from the file"


def test_control_character_line_respects_the_offset() -> None:
    p = problem("a: 1\nb: x\x1by\n", line_offset=1)
    assert (p.line, p.column) == (3, 5)


def test_control_character_on_the_first_line() -> None:
    p = problem("a: \x07\n")
    assert where(p) == (1, 4, "error", "yaml-syntax")


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_line_separator_characters_are_refused_where_they_stand(char: str) -> None:
    # U+2028 is a line break to YAML but not to editors, git or the front-matter split.
    doc = read_yaml(f'a: 1\ntitle: "A{char}B"\nstart: x\n')
    assert doc.data is None
    assert [(p.line, p.column, p.code) for p in doc.problems] == [(2, 10, "invalid-character")]


def test_lone_surrogate_is_a_problem_not_an_exception() -> None:
    doc = read_yaml("title: \ud800\n")
    assert doc.data is None
    assert [p.code for p in doc.problems] == ["encoding"]


@pytest.mark.parametrize("text", [
    "kind: project\nid: a\nmilestones:\n  - {id: m1, due: 2026-01-05}\n  - id: m2\n",
    "- 1\n- [2, [3, {x: y}]]\n",
    "plain scalar\n",
    "",
    "a: 1\na: 2\n",  # (a problem, data kept)
    "kind: x\nid: a\nbad: [\n",  # (no data: its identity read line by line)
])
def test_a_document_pickles_to_an_equal_one(text: str) -> None:
    """Read in another process, a document comes back pickled (`load.read_documents`):
    the same data, the same positions (each a Pos again), problems and identity."""
    import pickle

    doc = read_yaml(text, line_offset=3)
    back = pickle.loads(pickle.dumps(doc, pickle.HIGHEST_PROTOCOL))
    assert back == doc
    assert list(back.positions) == list(doc.positions)
    assert all(type(pos) is Pos for pos in back.positions.values())
    assert back.ok == doc.ok and back.pos(("milestones", 0, "due")) == doc.pos(
        ("milestones", 0, "due"))
