"""Tab completion: commands, options and the store's own values, as the shells ask for them."""

from __future__ import annotations

import pytest


def complete(cli, monkeypatch, line: str) -> list[str]:
    """What bash gets for `line` (the word under the cursor is the last, maybe empty)."""
    words = line.split(" ")
    monkeypatch.setenv("_LABLOG_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", line)
    monkeypatch.setenv("COMP_CWORD", str(len(words) - 1))
    run = cli("")
    monkeypatch.delenv("_LABLOG_COMPLETE")
    assert run.stderr == ""
    return run.stdout.split()


def test_bash_completes_commands_and_the_stores_values(programme, monkeypatch):
    programme("backlog add HJBH Første")
    programme("backlog add HJBH Anden")
    programme("backlog add INDL Tredje")
    programme("measure add UDSK Genindlæggelser --type outcome --unit % --better down")
    assert complete(programme, monkeypatch, "lablog sp") == ["sprint"]
    assert complete(programme, monkeypatch, "lablog sprint show ") == ["GRAV", "HJBH", "HJBS", "INDL", "UDSK"]
    assert complete(programme, monkeypatch, "lablog sprint show h") == ["HJBH", "HJBS"]
    assert complete(programme, monkeypatch, "lablog item start HJBH-") == ["HJBH-1", "HJBH-2"]
    assert complete(programme, monkeypatch, "lablog backlog list HJBH --owner mette") == ["mette-orum-holm"]
    assert complete(programme, monkeypatch, "lablog person show an") == ["anders-kjaer"]
    assert complete(programme, monkeypatch, "lablog measure show ") == ["M-1"]
    assert complete(programme, monkeypatch, "lablog org show p") == ["PL"]
    assert "--goal" in complete(programme, monkeypatch, "lablog sprint plan HJBH --")


def test_no_store_completes_nothing_and_says_nothing(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("LABLOG_DB", str(tmp_path / "missing" / "lablog.db"))
    assert complete(cli, monkeypatch, "lablog sprint show ") == []
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script_for_the_shell(cli, shell):
    script = cli(f"completion {shell}").stdout
    assert "_LABLOG_COMPLETE" in script and "lablog" in script
