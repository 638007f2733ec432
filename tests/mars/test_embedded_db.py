import json
import os

from mars.embedded_db import _forget_dead_handles, _prepare_runtime_dir


def test_dead_processes_are_dropped_from_the_handle_list(tmp_path):
    (tmp_path / ".handle_pids.json").write_text(json.dumps([os.getpid(), 999_999_99]))
    _forget_dead_handles(tmp_path)
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [os.getpid()]


def test_a_missing_handle_list_is_left_alone(tmp_path):
    _forget_dead_handles(tmp_path)
    assert not (tmp_path / ".handle_pids.json").exists()


def test_runtime_dir_is_made_private_when_unset(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    _prepare_runtime_dir(tmp_path)
    assert os.environ["XDG_RUNTIME_DIR"] == str(tmp_path / "run")
    assert (tmp_path / "run").stat().st_mode & 0o777 == 0o700
