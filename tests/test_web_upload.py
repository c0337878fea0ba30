"""Files from the browser (`jobs.upload`): the same checks and messages as any input, plus no tags,
no anchors, no paths, a size limit, and messages that name the file as the browser called it."""

from __future__ import annotations

import time
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


# -- hostile uploads: bounded in time and memory, off the event loop --------------------------------
def _xfd_workbook(path: Path, rows: int) -> Path:
    """The tiny scenario's workbook with `rows` extra rows whose one cell sits in the last column (XFD):
    under 1 MB packed, but a reader that pads rows to the used range makes 16,384 cells of each."""
    import openpyxl

    book = path.parent / "tiny-source.xlsx"
    assert CliRunner().invoke(main, ["convert", str(TINY), str(book), "--quiet"]).exit_code == 0
    workbook = openpyxl.load_workbook(book)
    sheet = workbook.worksheets[2]
    first = sheet.max_row + 1
    for row in range(first, first + rows):
        sheet.cell(row=row, column=16384, value="x")
    workbook.save(path)
    return path


def _long_list_yaml(path: Path, items: int) -> Path:
    """A scenario whose one list has `items` items: about 2 MB of YAML."""
    path.write_text(TINY.read_text(encoding="utf-8") + "\nextra_list: [" + "1," * items + "1]\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["xfd-workbook", "long-yaml-list"])
def test_a_hostile_upload_is_bounded_in_time_and_memory_and_never_blocks_the_event_loop(tmp_path, kind):
    """The page awaits the reader from a worker thread (as web.panels.scenario does) while the event
    loop keeps ticking; the reader runs in a child process with a deadline and a memory bound, so
    the server's own memory does not grow and the answer (a message, never a hang) comes in time."""
    import asyncio
    import resource

    if kind == "xfd-workbook":
        held, name = _xfd_workbook(tmp_path / "0.xlsx", 100_000), "hostile.xlsx"
    else:
        held, name = _long_list_yaml(tmp_path / "0.yaml", 990_000), "hostile.yaml"
    assert held.stat().st_size < upload.MAX_UPLOAD_BYTES
    seconds, memory = 8.0, 256 * 1024 * 1024
    measured: dict[str, float] = {}

    def read() -> object:
        try:
            return upload.read_scenario_upload(held, name, "nl", seconds=seconds, memory=memory)
        except InputError as exc:
            return exc

    async def page() -> tuple[object, float]:
        gaps, last = [], time.monotonic()
        reading = asyncio.ensure_future(asyncio.to_thread(read))
        while not reading.done():
            await asyncio.sleep(0.02)
            now = time.monotonic()
            gaps.append(now - last)
            last = now
        return reading.result(), max(gaps)

    from sporen.jobs.whatif import bounded

    original = bounded.run_bounded

    def measuring(*args, **kwargs):
        return original(*args, **kwargs, measured=measured)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(upload, "run_bounded", measuring)
        answer, longest_gap = asyncio.run(page())
    took = time.monotonic() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    print(f"{kind}: {took:.1f} s, child peak {measured.get('peak_bytes', 0) / 1e6:.0f} MB, "
          f"server grew {grown / 1e6:.0f} MB, longest event-loop gap {longest_gap * 1000:.0f} ms")
    assert longest_gap < 0.5, "the event loop waited for the upload"
    assert took < seconds + 5, "the deadline did not hold"
    assert grown < 100e6, "the server's own memory grew with the upload"
    if "peak_bytes" in measured:   # the child could still say (it is killed at the deadline)
        assert measured["peak_bytes"] < measured["start_bytes"] + memory + 64e6
    assert isinstance(answer, InputError), answer   # refused: by a reader's own limit, the memory bound or the deadline
    lines = [str(p) for p in answer.problems]
    assert lines and all(line.startswith(name) for line in lines)


def test_a_good_upload_still_reads_in_the_bounded_child(tmp_path):
    scenario = upload.read_scenario_upload(stored(tmp_path, TINY.read_bytes()), "tiny.yaml", "nl")
    assert scenario == load_scenario(TINY)
    plan = stored(tmp_path, "staff: {km_werk: {fte: 2.0}}\n", "1.yaml")
    assert upload.read_plan_upload(plan, "plan.yaml", scenario, "nl").staff["km_werk"].fte == 2.0


def test_deadline_and_memory_overruns_are_messages_in_the_pages_language(tmp_path):
    from sporen.jobs.whatif.bounded import Overrun

    with pytest.raises(Overrun) as slow:
        from sporen.jobs.whatif.bounded import run_bounded

        run_bounded(time.sleep, 30, seconds=1.0, memory=64 * 1024 * 1024)
    assert slow.value.kind == "time"
    message = str(upload._overrun(slow.value, "x.yaml", "nl").problems[0])
    assert message.startswith("x.yaml: inlezen duurde langer dan 1 s")
    with pytest.raises(Overrun) as big:
        run_bounded(bytearray, 512 * 1024 * 1024, seconds=10.0, memory=64 * 1024 * 1024)
    assert big.value.kind == "memory"
