"""The one atomic writer: a folder or a file in the way is a clear error, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from punos_lib._atomic import atomic_write_bytes
from punos_lib.cli import main
from punos_lib.errors import InputError


def test_a_folder_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    target.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        atomic_write_bytes(target, b"x")
    assert list(tmp_path.iterdir()) == [target] and not any(target.iterdir())


def test_a_file_in_place_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("keep")
    with pytest.raises(InputError, match="is a file"):
        atomic_write_bytes(tmp_path / "f" / "out.csv", b"x")
    assert (tmp_path / "f").read_text() == "keep"


def test_forum_template_into_a_folder_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "d.xlsx").mkdir()
    assert main(["forum", "template", "--sector", "metsa", "--output", str(tmp_path / "d.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and "Traceback" not in err
