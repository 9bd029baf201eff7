"""boards/*.yaml: every file loads; bad fields get an error naming the file and field."""

import pytest

from hwgen.errors import HwgenError
from hwgen.flows import boards
from hwgen.flows.boards import board_names, load_board


def test_every_board_loads():
    names = board_names()
    assert {
        "pynq-z1",
        "pynq-z2",
        "zc706",
        "ultra96-v2",
        "zcu104",
        "kv260",
        "icebreaker",
        "ulx3s",
    } <= set(names)
    for n in names:
        b = load_board(n)
        assert b["luts"] > 0 and b["clock_mhz"] > 0


def test_unknown_board():
    with pytest.raises(HwgenError, match="unknown board 'nope'.*pynq-z2"):
        load_board("nope")


def test_bad_field_names_file_and_field(tmp_path, monkeypatch):
    (tmp_path / "boards").mkdir()
    (tmp_path / "boards" / "x.yaml").write_text(
        "name: x\npart: p\nfamily: f\nflow: vivado\nclock_mhz: fast\nluts: 1\nffs: 1\ndsps: 1\n"
    )
    monkeypatch.setattr(boards, "SHARE", tmp_path)
    with pytest.raises(HwgenError, match=r"x\.yaml: field 'clock_mhz' must be"):
        load_board("x")
    (tmp_path / "boards" / "x.yaml").write_text("name: x\npart: p\n")
    with pytest.raises(HwgenError, match=r"x\.yaml: missing field 'clock_mhz'"):
        load_board("x")
