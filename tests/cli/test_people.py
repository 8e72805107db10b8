"""People added twice by mistake: a warning on the way in, and a way back out."""

from __future__ import annotations

from tests.conftest import assert_refused


def test_a_namesake_is_noted_and_a_mistake_can_be_removed(programme, store):
    run = programme("person add 'anders  KJÆR' --org RAN")
    assert run.stderr == (
        "Note: anders-kjaer has the same name; if anders-kjaer-2 is the same person, "
        "remove it with `lablog person remove anders-kjaer-2`\n"
        "Added anders KJÆR as anders-kjaer-2 (RAN)\n"
    )
    assert programme("person remove anders-kjaer-2 --json").json()["handle"] == "anders-kjaer-2"
    assert "anders-kjaer-2" not in programme("person list").stdout
    assert programme("log --limit 1 --json").json()[0]["key"] == "anders-kjaer-2"
    # Someone with a history stays: a membership here.
    assert_refused(
        programme,
        store,
        "person remove anders-kjaer",
        1,
        "Error: anders-kjaer has a history in the store (1 lab membership, 1 scrum-master stretch), so they stay; "
        "`lablog person forget anders-kjaer` erases their name instead",
    )
    assert_refused(programme, store, "person remove nobody", 1, "Error: No person")
