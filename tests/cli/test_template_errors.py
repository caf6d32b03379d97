"""Template errors on the command line: each names the template file, its line and the fix.

Every test renders the district publicity office's example with a template file under work
(``render DATA --template FILE``), the way an author iterates on one template.
"""

# Template lines are whole prose paragraphs, one per line as the markup wants them.
# ruff: noqa: E501

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import attrs
import pytest

import epireport
from epireport.cli import main

pytest.importorskip("epireport_district_publicity")

HEAD = "# 城关区宣传工作总结\n## 宣传\n共发布{{ figure('billboards') }}。\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The district example as a report input file, without its h5_title input."""
    example = epireport.example_input("district-publicity")
    narrative = {k: v for k, v in example.narrative.items() if k != "h5_title"}
    path = tmp_path / "data.yaml"
    path.write_text(
        epireport.dumps_report(attrs.evolve(example, narrative=narrative)), encoding="utf-8"
    )
    return path


def render(tmp_path: Path, data: Path, template: str, *extra: str) -> tuple[int, str, str, Path]:
    """Render *data* with *template* written to draft.md.j2; return status, out, err, file."""
    path = tmp_path / "draft.md.j2"
    path.write_text(template, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["render", str(data), "--template", str(path), *extra])
    return status, out.getvalue(), err.getvalue(), path


def test_a_template_file_extends_the_institutions_template(tmp_path: Path, data: Path) -> None:
    """--template FILE renders the file; its {% extends %} reaches the institution's templates."""
    status, out, err, _ = render(
        tmp_path,
        data,
        '{% extends "district-publicity/report.md.j2" %}\n{% block next_steps %}\n下一步，继续做好宣传。\n{% endblock %}\n',
    )
    assert status == 0, err
    assert "下一步，继续做好宣传。" in out
    assert "高度重视，加强领导" in out  # the rest is the institution's


def test_a_missing_template_file_is_named(
    tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --template path that is not there is a usage error naming it, not a lookup miss."""
    assert main(["render", str(data), "--template", "./nowhere.md.j2"]) == 2
    err = capsys.readouterr().err
    assert "./nowhere.md.j2" in err
    assert "no such template file" in err


def test_a_set_tag_after_a_heading_keeps_its_section(tmp_path: Path, data: Path) -> None:
    """{%- set %} right under a heading no longer joins the next line to it (the vanished section)."""
    status, out, err, _ = render(
        tmp_path,
        data,
        HEAD
        + '## 消毒工作情况\n{%- set spraying = measure("outdoor_publicity") %}\n对街道喷洒消毒每日两次。\n## 下一步\n继续。\n',
    )
    assert status == 0, err
    assert "二、消毒工作情况" in out
    assert "对街道喷洒消毒每日两次。" in out
    assert "三、下一步" in out


def test_an_empty_section_is_an_error_naming_heading_and_line(tmp_path: Path, data: Path) -> None:
    """A heading with nothing printed under it stops a final render: heading, file, line, fix."""
    template = (
        HEAD + "## 消毒工作情况\n{% if false %}对街道喷洒消毒。{% endif %}\n## 下一步\n继续。\n"
    )
    status, _, err, path = render(tmp_path, data, template)
    assert status == 2
    assert f"template {str(path)!r}, line 4" in err
    assert "'消毒工作情况' is empty" in err
    assert "@optional" in err
    assert "Traceback" not in err


def test_an_empty_section_is_a_warning_in_a_draft(tmp_path: Path, data: Path) -> None:
    """A draft is written anyway, with the same problem printed as a warning."""
    template = (
        HEAD + "## 消毒工作情况\n{% if false %}对街道喷洒消毒。{% endif %}\n## 下一步\n继续。\n"
    )
    status, out, err, path = render(tmp_path, data, template, "--draft")
    assert status == 0
    assert "epireport: warning: " in err
    assert f"template {str(path)!r}, line 4" in err
    assert "二、下一步" in out


def test_an_optional_section_may_come_out_empty(tmp_path: Path, data: Path) -> None:
    """@optional under the heading lets the section disappear quietly; the rest renumber."""
    template = (
        HEAD
        + "## 消毒工作情况\n@optional\n{% if false %}对街道喷洒消毒。{% endif %}\n## 下一步\n继续。\n"
    )
    status, out, err, _ = render(tmp_path, data, template)
    assert status == 0, err
    assert err == ""
    assert "消毒工作情况" not in out
    assert "二、下一步" in out


def test_a_filter_called_as_a_function_says_which_function(tmp_path: Path, data: Path) -> None:
    """as_of(...) is undefined: the error says as_of is a filter and names format_as_of."""
    status, _, err, path = render(tmp_path, data, HEAD + "截至{{ as_of(period) }}。\n")
    assert status == 2
    assert f"template {str(path)!r}, line 4: 'as_of' is undefined" in err
    assert "'as_of' is a filter" in err
    assert "format_as_of" in err


def test_a_misspelled_name_gets_a_did_you_mean(tmp_path: Path, data: Path) -> None:
    """An undefined name is found when the template loads, with the closest known name."""
    status, _, err, _ = render(tmp_path, data, HEAD + "{{ unti }}继续。\n")
    assert status == 2
    assert "line 4: 'unti' is undefined; did you mean 'unit'?" in err


def test_a_misspelled_filter_gets_a_did_you_mean(tmp_path: Path, data: Path) -> None:
    """An unknown filter names the line and the closest filter."""
    status, _, err, _ = render(tmp_path, data, HEAD + "截至{{ period | as_o }}。\n")
    assert status == 2
    assert "line 4: no filter named 'as_o'; did you mean the filter 'as_of'?" in err


def test_every_problem_is_on_its_own_line(tmp_path: Path, data: Path) -> None:
    """Three problems in a template are three lines on stderr, each with its line."""
    status, _, err, _ = render(
        tmp_path, data, HEAD + "{{ unti }}\n{{ as_of(period) }}\n{{ figure('bilboards') }}\n"
    )
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3, err
    assert [("line 4" in lines[0]), ("line 5" in lines[1]), ("line 6" in lines[2])] == [True] * 3
    assert "did you mean 'billboards'" in lines[2]


def test_an_optional_narrative_input_left_out_renders_as_absent(tmp_path: Path, data: Path) -> None:
    """narrative.h5_title, declared optional and missing from the data, renders as nothing."""
    status, out, err, _ = render(
        tmp_path,
        data,
        HEAD
        + "制作了H5“{{ narrative.h5_title }}”。{% if 'h5_title' not in narrative %}未给出标题。{% endif %}\n",
    )
    assert status == 0, err
    assert "制作了H5“”。未给出标题。" in out


def test_an_undeclared_narrative_input_is_named_with_its_line(tmp_path: Path, data: Path) -> None:
    """narrative.close_contact_note, declared nowhere, is an error naming line and input."""
    status, _, err, _ = render(tmp_path, data, HEAD + "{{ narrative.close_contact_note }}。\n")
    assert status == 2
    assert "line 4: unknown narrative input 'close_contact_note'" in err


def test_a_helper_given_none_fails_with_line_and_hint_in_final(tmp_path: Path, data: Path) -> None:
    """chinese_numeral(none) in a final render names the line and suggests has() or figure()."""
    status, _, err, path = render(
        tmp_path, data, HEAD + "召开了{{ chinese_numeral(none) }}次会议。\n"
    )
    assert status == 2
    assert f"template {str(path)!r}, line 4: chinese_numeral" in err
    assert "has(" in err
    assert "figure(" in err


def test_a_helper_given_none_writes_the_placeholder_in_a_draft(tmp_path: Path, data: Path) -> None:
    """The same template as a draft writes xx where the number goes."""
    status, out, err, _ = render(
        tmp_path, data, HEAD + "召开了{{ chinese_numeral(none) }}次会议。\n", "--draft"
    )
    assert status == 0, err
    assert "召开了xx次会议。" in out


def test_a_runtime_undefined_attribute_names_its_line(tmp_path: Path, data: Path) -> None:
    """An attribute a value does not have, found only while rendering, names the line."""
    status, _, err, path = render(tmp_path, data, HEAD + "\n\n{{ report.nosuch }}。\n")
    assert status == 2
    assert f"template {str(path)!r}, line 6:" in err
    assert "no attribute 'nosuch'" in err


def test_a_heading_swallowed_by_the_line_above_is_named(tmp_path: Path, data: Path) -> None:
    """A tag ending a line eats the break before ## 下一步: the heading and its line are named."""
    status, _, err, path = render(
        tmp_path, data, HEAD + "继续宣传。{% if true %}{% endif %}\n## 下一步\n继续。\n"
    )
    assert status == 2
    assert f"template {str(path)!r}, line 5: the heading ## '下一步' is joined" in err
    assert "put the tag on a line of its own" in err
