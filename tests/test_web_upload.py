"""Files from the browser (`jobs.upload`): the same checks and messages as any input, plus no tags,
no anchors, no paths, a size limit, and messages that name the file as the browser called it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sporen.cli import main
from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario
from sporen.jobs.whatif import upload

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"


def stored(tmp_path: Path, data: bytes | str, name: str = "0.yaml") -> Path:
    """Where the server holds an upload (Shiny names it by number, never by the browser's name)."""
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_a_good_scenario_upload_is_the_scenario(tmp_path):
    scenario = upload.load_scenario_upload(stored(tmp_path, TINY.read_bytes()), "C:\\Users\\x\\tiny.yaml")
    assert scenario == load_scenario(TINY)


def test_the_scenario_workbook_uploads(tmp_path):
    book = tmp_path / "tiny.xlsx"
    assert CliRunner().invoke(main, ["convert", str(TINY), str(book), "--quiet"]).exit_code == 0
    held = stored(tmp_path, book.read_bytes(), "0.xlsx")
    assert upload.load_scenario_upload(held, "tiny.xlsx") == load_scenario(book)


def test_broken_files_say_what_is_wrong_and_name_the_upload_not_the_server_path(tmp_path):
    held = stored(tmp_path, (DATA / "bad" / "negative.yaml").read_bytes())
    with pytest.raises(InputError) as caught:
        upload.load_scenario_upload(held, "../../etc/negative.yaml")
    lines = problems(caught)
    assert lines and all(line.startswith("negative.yaml: ") for line in lines)
    assert not any(str(tmp_path) in line for line in lines)
    # the same problems as the command line gives for the same file
    from sporen.inputs.load import load_scenario as load

    with pytest.raises(InputError) as direct:
        load(DATA / "bad" / "negative.yaml")
    assert [(p.path, p.message) for p in caught.value.problems] == [(p.path, p.message) for p in direct.value.problems]


@pytest.mark.parametrize("text, word", [
    ("name: !!python/object/apply:os.system ['echo hi']\n", "tag"),
    ("name: !!str tiny\n", "tag"),
    ("name: !include other.yaml\n", "tag"),
    ("a: &x [1, 2]\nb: *x\n", "anchor"),
])
def test_yaml_tags_and_aliases_are_refused_before_anything_is_built(tmp_path, text, word):
    with pytest.raises(InputError) as caught:
        upload.load_scenario_upload(stored(tmp_path, text), "s.yaml")
    assert any(word in p.message and p.path.startswith("line ") for p in caught.value.problems)


def test_no_paths_from_the_browser(tmp_path):
    raw = TINY.read_text(encoding="utf-8")
    with_series = raw + "series: {applications: ../../../etc/passwd}\n"
    with pytest.raises(InputError) as caught:
        upload.load_scenario_upload(stored(tmp_path, with_series), "s.yaml")
    assert [p.path for p in caught.value.problems] == ["series"]
    rules = raw.replace("finance:\n", "finance:\n  vangnet_rules: /etc/rules.yaml\n", 1)
    with pytest.raises(InputError) as caught:
        upload.load_scenario_upload(stored(tmp_path, rules), "s.yaml")
    assert [p.path for p in caught.value.problems] == ["finance.vangnet_rules"]
    variant = "variant: v\nbase: ../bmwe.yaml\nset: {policy.priority: fifo}\n"
    with pytest.raises(InputError) as caught:
        upload.load_scenario_upload(stored(tmp_path, variant), "v.yaml")
    assert [p.path for p in caught.value.problems] == ["variant"]


def test_size_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(InputError) as caught:
        upload.load_scenario_upload(stored(tmp_path, "a: 1\n" * 400), "big.yaml")
    assert "at most" in caught.value.problems[0].allowed
    with pytest.raises(InputError):
        upload.load_scenario_upload(stored(tmp_path, b""), "empty.yaml")


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "MAX_UNPACKED_BYTES", 1_000_000)
    bomb = tmp_path / "0.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(InputError) as caught:
        upload.load_scenario_upload(bomb, "bomb.xlsx")
    assert "unpacks to" in caught.value.problems[0].message


def test_only_scenario_files(tmp_path):
    with pytest.raises(InputError) as caught:
        upload.load_scenario_upload(stored(tmp_path, "x"), "notes.txt")
    assert "not a scenario file" in caught.value.problems[0].message
    with pytest.raises(InputError):
        upload.load_scenario_upload(stored(tmp_path, b"\xff\xfe\x00bad"), "s.yaml")


def test_plan_uploads_are_checked_against_the_scenario(tmp_path):
    scenario = load_scenario(TINY)
    good = "staff: {km_werk: {fte: 2.0}}\ninstruments: {leerwerk: {2019: 20}}\n"
    plan = upload.load_plan_upload(stored(tmp_path, good), "plan.yaml", scenario)
    assert plan.staff["km_werk"].fte == 2.0
    bad = "staff: {km_werk: {fte: 2.3}, nobody: {fte: 1}}\n"
    with pytest.raises(InputError) as caught:
        upload.load_plan_upload(stored(tmp_path, bad), "plan.yaml", scenario)
    assert {p.path for p in caught.value.problems} == {"staff.km_werk.fte", "staff.nobody"}
    assert all(p.file == "plan.yaml" for p in caught.value.problems)


def test_display_names_are_only_names():
    assert upload.display_name("../../etc/passwd") == "passwd"
    assert upload.display_name("C:\\Users\\me\\bmwe.yaml") == "bmwe.yaml"
    assert upload.display_name("<script>.yaml") == "_script_.yaml"
    assert upload.display_name("") == "upload"
