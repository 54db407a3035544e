"""Progress: every stage is timed; nothing is drawn when output is not a terminal."""

from engine.run.progress import Progress


def test_stages_are_timed_in_order_and_quiet_off_a_terminal(capsys):
    with Progress(enabled=True) as progress:  # pytest's captured stderr is not a terminal
        with progress.stage("linking"):
            pass
        with progress.stage("matching"):
            pass
    assert [name for name, _ in progress.timings] == ["linking", "matching"]
    assert all(seconds >= 0 for _, seconds in progress.timings)
    assert not progress.enabled
    assert capsys.readouterr().err == ""
