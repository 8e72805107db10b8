"""The assessment of a sprint (goal met, outcome): at the close, or later as an amendment.

Also: closing a lab with an active sprint, and the overdue flag of a sprint
past its end date. Today is 2026-11-23; HJBH's sprint ended on the 20th.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time

import pytest

from tests.conftest import CLI_MODE, assert_refused, lablog_executable

SCRIPT = """
backlog add HJBH "Fælles medicinliste" --points 5 --on 2026-11-02
backlog add HJBH "Pilot med tre borgere" --points 8 --on 2026-11-02
sprint plan HJBH --goal "Første borger behandlet hjemme" --start 2026-11-02 --end 2026-11-20
sprint add HJBH HJBH-1 HJBH-2 --on 2026-11-02
sprint start HJBH --on 2026-11-02
item done HJBH-1 --on 2026-11-10
backlog add GRAV "Jordemoderbesøg i hjemmet" --points 3 --on 2026-11-16
sprint plan GRAV --start 2026-11-16 --weeks 2
sprint add GRAV GRAV-1 --on 2026-11-16
sprint start GRAV --on 2026-11-16
"""

GIVE = "Error: Invalid value for --goal-met: give --goal-met and --outcome, or --no-assessment"
NOT_ASSESSED = (
    "HJBH sprint 1 is not assessed yet; add goal met and outcome with "
    "`lablog sprint assess HJBH 1 --goal-met yes|partly|no --outcome TEXT`\n"
)


@pytest.fixture
def active(programme, store, scripted):
    store.load(scripted(store.backend, "assess", SCRIPT))
    return programme


@pytest.fixture
def terminal(monkeypatch):
    """Answer lablog's questions as a person at a terminal would (CliRunner's input=)."""
    if CLI_MODE != "runner":
        pytest.skip("answers questions in this process; test_a_real_terminal covers the executable")
    from lablog.cli import _common

    monkeypatch.setattr(_common, "at_terminal", lambda: True)


def sprint(cli, ref: str = "HJBH 1") -> dict:
    return cli(f"sprint show {ref} --json").json()["sprint"]


# Closing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("sprint close HJBH", GIVE),
        ("sprint close HJBH --goal-met yes", GIVE),
        ("sprint close HJBH --outcome 'To borgere'", GIVE),
        ("sprint close HJBH --goal-met yes --outcome ' '", GIVE),
        (
            "sprint close HJBH --no-assessment --goal-met yes",
            "Error: Invalid value for --no-assessment: give the assessment (--goal-met, --outcome) "
            "or --no-assessment, not both",
        ),
    ],
)
def test_close_off_a_terminal_needs_the_assessment_or_says_it_comes_later(active, store, command, message):
    assert_refused(active, store, command, 2, message)


def test_the_refusal_names_the_way_to_assess_later(active):
    run = active("sprint close HJBH", ok=False)
    assert run.stderr == (
        "Error: Invalid value for --goal-met: give --goal-met and --outcome, or --no-assessment to assess "
        "later with `lablog sprint assess HJBH N` (see `lablog sprint close --help`)\n"
    )


def test_an_assessment_given_at_the_close_is_part_of_the_close(active):
    active("sprint close HJBH --on 2026-11-20 --goal-met partly --outcome 'En borger behandlet hjemme'")
    shown = sprint(active)
    assert (shown["goal_met"], shown["outcome"]) == ("partly", "En borger behandlet hjemme")
    assert (shown["assessed_at"], shown["assessed_by"]) == (None, None)
    out = active("sprint show HJBH 1").stdout
    assert "Goal met: partly\nOutcome: En borger behandlet hjemme\n" in out
    assert "Assessed on" not in out
    summary = active("export sprint HJBH 1").stdout
    assert "- **Goal met:** partly\n- **Outcome:** En borger behandlet hjemme\n\n## Scrum masters" in summary


def test_close_without_assessment_then_assess_later(active):
    closed = active("sprint close HJBH --on 2026-11-20 --no-assessment")
    assert closed.stderr == NOT_ASSESSED
    shown = sprint(active)
    assert (shown["status"], shown["goal_met"], shown["outcome"], shown["assessed_at"]) == (
        "closed",
        None,
        None,
        None,
    )
    assert "Not assessed yet: add goal met and outcome with `lablog sprint assess HJBH 1`" in (
        active("sprint show HJBH 1").stdout
    )
    assert (
        "- **Goal met:** not assessed\n- **Outcome:** none recorded\n"
        in active("export sprint HJBH 1").stdout
    )

    run = active("--as mette-orum-holm sprint assess HJBH 1 --goal-met partly --outcome 'En borger hjemme'")
    assert (run.stdout, run.stderr) == ("", "Assessed HJBH sprint 1: goal met partly; outcome added\n")
    shown = sprint(active)
    assert (shown["goal_met"], shown["outcome"], shown["assessed_by"]) == (
        "partly",
        "En borger hjemme",
        "mette-orum-holm",
    )
    assert shown["assessed_at"].startswith("2026-11-23T") and shown["assessed_at"].endswith("Z")
    # Shown as an amendment of the frozen record, everywhere the record is shown.
    line = "Assessed on 2026-11-23 by mette-orum-holm, after the close"
    assert f"Goal met: partly\nOutcome: En borger hjemme\n{line}\n" in active("sprint show HJBH 1").stdout
    summary = active("export sprint HJBH 1").stdout
    assert (
        "- **Goal met:** partly\n- **Outcome:** En borger hjemme\n"
        "- **Assessed:** on 2026-11-23 by mette-orum-holm, after the close\n"
    ) in summary
    data = active("export sprint HJBH 1 --format json").json()["sprint"]
    assert (data["goal_met"], data["outcome"], data["assessed_by"]) == (
        "partly",
        "En borger hjemme",
        "mette-orum-holm",
    )
    assert data["assessed_at"] == shown["assessed_at"]
    # The change log keeps who and when, and what it said before.
    change = active("log --lab HJBH --limit 1 --json").json()[0]
    assert (change["actor"], change["entity"], change["key"], change["action"]) == (
        "mette-orum-holm",
        "sprint",
        "HJBH sprint 1",
        "update",
    )
    assert change["changes"]["goal_met"] == [None, "partly"]
    assert change["changes"]["outcome"] == [None, "En borger hjemme"]
    assert change["changes"]["assessed_by"] == [None, "mette-orum-holm"]


def test_an_amendment_changes_one_part_and_keeps_the_old_value_in_the_log(active, store):
    active("sprint close HJBH --on 2026-11-20 --goal-met partly --outcome 'En borger hjemme'")
    run = active("sprint assess HJBH 1 --goal-met yes")
    assert run.stderr == "Assessed HJBH sprint 1: goal met yes (was partly)\n"
    shown = sprint(active)
    assert (shown["goal_met"], shown["outcome"], shown["assessed_by"]) == (
        "yes",
        "En borger hjemme",
        "tester",
    )
    assert active("log --lab HJBH --limit 1 --json").json()[0]["changes"]["goal_met"] == ["partly", "yes"]
    run = active("sprint assess HJBH 1 --outcome 'To borgere hjemme' --json")
    assert run.stderr == "Assessed HJBH sprint 1: outcome amended\n"
    assert run.json()["sprint"]["outcome"] == "To borgere hjemme"
    # The same again changes nothing, not even who assessed it when.
    before = store.dump()
    run = active("sprint assess HJBH 1 --goal-met yes --outcome 'To borgere hjemme'")
    assert run.stderr == "HJBH sprint 1 was already assessed so; nothing changed\n"
    assert store.dump() == before


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        (
            "sprint assess HJBH 1 --goal-met yes",
            1,
            "Error: HJBH sprint 1 is active, not closed; give its assessment when you close it: "
            "`lablog sprint close HJBH --goal-met yes|partly|no --outcome TEXT`",
        ),
        ("sprint assess GRAV 2 --goal-met yes", 1, "Error: GRAV has no sprint 2; its sprints are 1–1"),
        (
            "sprint assess HJBH 1",
            2,
            "Error: Invalid value for --goal-met: give --goal-met, --outcome or both",
        ),
        ("sprint assess HJBH 1 --goal-met maybe", 2, "Error: Invalid value for '--goal-met'"),
        ("sprint assess HJBH --goal-met yes", 2, "Error: Missing argument 'N'"),
    ],
)
def test_only_a_closed_sprint_is_assessed(active, store, command, code, message):
    assert_refused(active, store, command, code, message)


def test_a_planned_sprint_and_an_empty_outcome_are_refused(active, store):
    active("sprint plan HJBH --start 2026-11-30")
    assert_refused(
        active,
        store,
        "sprint assess HJBH 2 --outcome 'Godt'",
        1,
        "Error: HJBH sprint 2 is planned, not closed; give its assessment when you close it",
    )
    active("sprint close HJBH --on 2026-11-20 --no-assessment")
    assert_refused(active, store, "sprint assess HJBH 1 --outcome ' '", 1, "Error: The outcome is empty")


def test_editing_a_closed_sprint_points_to_assess(active, store):
    active("sprint close HJBH --on 2026-11-20 --no-assessment")
    assert_refused(
        active,
        store,
        "sprint edit HJBH 1 --goal 'Noget andet'",
        1,
        "Error: HJBH sprint 1 is closed; its record is frozen. Goal met and outcome can still be added "
        "or amended with `lablog sprint assess HJBH 1`",
    )


# At a terminal ----------------------------------------------------------------------


def test_close_at_a_terminal_asks_for_goal_met_and_outcome(active, terminal):
    run = active("sprint close HJBH --on 2026-11-20", input="maybe\nPartly\n\nEn borger hjemme\n")
    assert run.stderr.count("Was the goal of HJBH sprint 1 met? [yes/partly/no/later]:") == 2
    assert "Answer yes, partly, no, or later to assess it with `lablog sprint assess HJBH 1`" in run.stderr
    # An empty outcome is asked again: with a goal met the outcome is due too.
    assert run.stderr.count("Outcome: what changed for the patient pathway, evidence, next step:") == 2
    shown = sprint(active)
    assert (shown["goal_met"], shown["outcome"], shown["assessed_at"]) == ("partly", "En borger hjemme", None)


def test_close_at_a_terminal_asks_only_for_what_is_missing(active, terminal):
    run = active("sprint close HJBH --on 2026-11-20 --goal-met no", input="Ingen borgere endnu\n")
    assert "Was the goal" not in run.stderr and "Outcome:" in run.stderr
    assert (sprint(active)["goal_met"], sprint(active)["outcome"]) == ("no", "Ingen borgere endnu")


def test_later_at_a_terminal_closes_without_assessment(active, terminal):
    run = active("sprint close HJBH --on 2026-11-20 --json", input="later\n")
    assert "Outcome:" not in run.stderr
    assert run.stderr.endswith(NOT_ASSESSED)
    assert (sprint(active)["status"], sprint(active)["goal_met"]) == ("closed", None)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("", "Aborted."),
        (
            "yes\nBorger 010190-1234 kom hjem\n",
            "Error: the outcome holds 010190-****, which looks like a CPR number",
        ),
    ],
)
def test_an_unanswered_or_refused_question_changes_nothing(active, store, terminal, answers, message):
    before = store.dump()
    run = active("sprint close HJBH --on 2026-11-20", input=answers, ok=False)
    assert run.exit_code == 1
    assert message in run.stderr.splitlines()[-1], run.stderr
    assert store.dump() == before


def _at_terminal(args: list[str], answers: bytes) -> tuple[int, str]:
    """lablog run with a terminal for stdin and stdout; the answers typed ahead. (exit code, stderr)."""
    controller, tty = pty.openpty()
    process = subprocess.Popen(
        [*lablog_executable(), *args], stdin=tty, stdout=tty, stderr=subprocess.PIPE, env=os.environ
    )
    os.close(tty)
    os.write(controller, answers)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        # Keep reading what the command shows on the terminal, so it never blocks writing.
        if select.select([controller], [], [], 0.1)[0]:
            try:
                os.read(controller, 4096)
            except OSError:
                break
    code = process.wait(20)
    stderr = process.stderr.read().decode()
    os.close(controller)
    return code, stderr


def test_a_real_terminal_is_asked(active):
    code, stderr = _at_terminal(
        ["sprint", "close", "HJBH", "--on", "2026-11-20"], b"yes\nTo borgere hjemme\n"
    )
    assert code == 0, stderr
    assert "Was the goal of HJBH sprint 1 met? [yes/partly/no/later]:" in stderr
    assert (sprint(active)["goal_met"], sprint(active)["outcome"]) == ("yes", "To borgere hjemme")


# Closing a lab with an active sprint ------------------------------------------------


def test_closing_a_lab_with_an_active_sprint_needs_yes_off_a_terminal(active, store):
    assert_refused(
        active,
        store,
        "lab close HJBH",
        1,
        "Error: HJBH sprint 1 is active; close it first with `lablog sprint close HJBH`, or pass --yes to "
        "close it with the lab (unfinished items back to the backlog, assessed later with "
        "`lablog sprint assess HJBH 1`)",
    )


def test_closing_a_lab_with_yes_closes_its_sprint_first(active):
    run = active("lab close HJBH --yes")
    assert run.stderr == (
        "Closed HJBH sprint 1 on 2026-11-23; back to the backlog: HJBH-2\n"
        + NOT_ASSESSED
        + "Closed lab HJBH on 2026-11-23\n"
    )
    shown = sprint(active)
    assert (shown["status"], shown["closed_on"], shown["carry_over"], shown["goal_met"]) == (
        "closed",
        "2026-11-23",
        "backlog",
        None,
    )
    assert active("backlog list HJBH --json").json()[0]["key"] == "HJBH-2"
    assert active("lab show HJBH --json").json()["lab"]["status"] == "closed"
    # The lab is closed; its last sprint can still be assessed.
    active("sprint assess HJBH 1 --goal-met partly --outcome 'Medicinlisten i brug'")
    assert sprint(active)["goal_met"] == "partly"


def test_closing_a_lab_before_its_sprint_started_changes_nothing(active, store):
    assert_refused(
        active,
        store,
        "lab close HJBH --yes --on 2026-11-01",
        1,
        "Error: --on 2026-11-01 is before HJBH sprint 1 started (2026-11-02)",
    )


def test_closing_a_lab_at_a_terminal_offers_to_close_its_sprint(active, store, terminal):
    before = store.dump()
    run = active("lab close HJBH", input="n\n", ok=False)
    assert run.exit_code == 1 and run.stderr.endswith("Aborted.\n")
    assert "HJBH sprint 1 is active (2026-11-02 – 2026-11-20)." in run.stderr
    assert store.dump() == before

    run = active("lab close HJBH", input="y\nno\nPiloten nåede ikke at starte\n")
    # The confirmation asks where every confirmation asks (lablog.cli._common.confirm).
    assert run.stdout.startswith(
        "Close sprint 1 (unfinished items back to the backlog) and then lab HJBH on 2026-11-23? [y/N]"
    )
    assert run.stderr.endswith("Closed lab HJBH on 2026-11-23\n") and "not assessed" not in run.stderr
    shown = sprint(active)
    assert (shown["status"], shown["goal_met"], shown["outcome"]) == (
        "closed",
        "no",
        "Piloten nåede ikke at starte",
    )


def test_closing_a_lab_at_a_terminal_without_assessment(active, terminal):
    run = active("lab close GRAV --no-assessment", input="y\n")
    assert "Was the goal" not in run.stderr
    assert "GRAV sprint 1 is not assessed yet" in run.stderr
    assert sprint(active, "GRAV 1")["status"] == "closed"


# Overdue ------------------------------------------------------------------------------


def test_an_active_sprint_past_its_end_is_overdue(active):
    hjbh, grav = sprint(active), sprint(active, "GRAV")
    assert (hjbh["overdue"], hjbh["overdue_days"], hjbh["days_left"]) == (True, 3, 0)
    assert (grav["overdue"], grav["overdue_days"], grav["days_left"]) == (False, None, 6)
    assert active("sprint show HJBH").stdout.splitlines()[0] == (
        "HJBH sprint 1  2026-11-02 – 2026-11-20 (W45–W47)  [active]  overdue by 3 days"
    )
    assert active("sprint show GRAV").stdout.splitlines()[0].endswith("[active]  6 days left")
    assert [
        (s["number"], s["overdue"], s["overdue_days"]) for s in active("sprint list HJBH --json").json()
    ] == [(1, True, 3)]
    assert " 1   overdue 3d   W45–W47 " in active("sprint list HJBH").stdout
    assert "- **Overdue:** the sprint ended 2026-11-20 and is still active (3 days)\n" in (
        active("export sprint HJBH").stdout
    )


def test_the_lab_list_flags_an_overdue_sprint(active):
    labs = {r["code"]: r for r in active("lab list --json").json()}
    assert [
        (c, r["active_sprint"], r["sprint_overdue"], r["sprint_overdue_days"]) for c, r in labs.items()
    ] == [
        ("GRAV", 1, False, None),
        ("HJBH", 1, True, 3),
        ("HJBS", None, False, None),
        ("INDL", None, False, None),
        ("UDSK", None, False, None),
    ]
    rows = {line.split()[0]: line for line in active("lab list").stdout.splitlines()[3:] if line.strip()}
    assert "  1 overdue 3d  " in rows["HJBH"]
    assert "overdue" not in rows["GRAV"]
    assert active("lab show HJBH --json").json()["lab"]["sprint_overdue_days"] == 3


def test_a_closed_sprint_is_not_overdue(active):
    active("sprint close HJBH --no-assessment")
    shown = sprint(active)
    assert (shown["overdue"], shown["overdue_days"]) == (False, None)
    assert active("lab list --json").json()[1]["active_sprint"] is None
