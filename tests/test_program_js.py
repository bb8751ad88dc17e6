"""assets/program.js, the prescription a program's pages run, called with plain values: a table of
cases for every rule, rounding, unit conversion, a missed week, a deload and a lifter who changed the
figure, and for which week and session come next. All are run by one `node` process (the module
has no page, storage or clock to stand in for)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from .conftest import ROOT

STEPS = {"kg": 2.5, "lb": 5}
DOUBLE = {"kind": "double", "low": 8, "high": 12, "add": 2.5, "unit": "kg", "every": "session"}
LINEAR = {"kind": "linear", "low": 5, "high": 5, "add": 2.5, "unit": "kg", "every": "session"}
WEEKLY = dict(LINEAR, every="week")
REPS = {"kind": "reps", "addReps": 1, "upTo": 15}
RANGE = {"low": 8, "high": 12, "sets": 2}
FIVES = {"low": 5, "high": 5, "sets": 3}


def sets(weight, *reps, unit="kg"):
    return [{"set": n, "reps": r, "weight": weight, "unit": unit} for n, r in enumerate(reps, 1)]


def session(week, weight, *reps, unit="kg", deload=0):
    return {"week": week, "deload": deload, "sets": sets(weight, *reps, unit=unit)}


def week(number, deload=0):
    return {"number": number, "deload": deload}


def plan(weight, reps, why, unit="kg"):
    return {"weight": weight, "unit": unit, "reps": reps, "why": why}


# prescribe(rule, history, week, target, unit, steps) -> plan (steps: 2.5 kg and 5 lb, added below)
PRESCRIPTIONS = {
    "double: every set at the top adds the increment and starts at the bottom": (
        (DOUBLE, [session(1, 40, 12, 12)], week(2), RANGE, "kg"),
        plan(42.5, [8, 8], "40 kg × 12, 12 last time: all at the top — 42.5 kg today, aim for 8")),
    "double: short of the top keeps the weight and aims one rep higher a set": (
        (DOUBLE, [session(1, 40, 12, 10)], week(1), RANGE, "kg"),
        plan(40, [12, 11], "40 kg × 12, 10 last time — 40 kg again, aim for 12, 11 (top: 12)")),
    "double: a set more than last time aims as the set before it": (
        (DOUBLE, [session(1, 40, 9)], week(1), dict(RANGE, sets=3), "kg"),
        plan(40, [10, 10, 10], "40 kg × 9 last time — 40 kg again, aim for 10, 10, 10 (top: 12)")),
    "double: the first time without a start says to choose": (
        (DOUBLE, [], week(1), RANGE, "kg"),
        plan(None, [8, 8], "First time: choose a weight you can lift 8–12 times, well")),
    "double: the first time with a start in lb, for a lifter in kg": (
        (dict(DOUBLE, start=45, startUnit="lb"), [], week(1), RANGE, "kg"),
        plan(20, [8, 8], "First session: 20 kg, 8–12 reps")),
    "double: the page's range wins over the rule's (a week changed it)": (
        (DOUBLE, [session(1, 40, 6, 6)], week(6), {"low": 4, "high": 6, "sets": 2}, "kg"),
        plan(42.5, [4, 4], "40 kg × 6, 6 last time: all at the top — 42.5 kg today, aim for 4")),
    "rounding: to the nearest plate step": (
        (DOUBLE, [session(1, 41, 12, 12)], week(2), RANGE, "kg"),
        plan(42.5, [8, 8], "41 kg × 12, 12 last time: all at the top — 42.5 kg today, aim for 8")),
    "rounding: an increment smaller than the step still goes up a step": (
        (dict(DOUBLE, add=1), [session(1, 40, 12, 12)], week(2), RANGE, "kg"),
        plan(42.5, [8, 8], "40 kg × 12, 12 last time: all at the top — 42.5 kg today, aim for 8")),
    "units: kg logged, a lifter in lb: converted and rounded to 5 lb": (
        (DOUBLE, [session(1, 40, 12, 12)], week(2), RANGE, "lb"),
        plan(95, [8, 8], "40 kg × 12, 12 last time: all at the top — 95 lb today, aim for 8", unit="lb")),
    "units: lb logged, an increment in lb, a lifter in kg": (
        (dict(DOUBLE, add=5, unit="lb"), [session(1, 100, 12, 12, unit="lb")], week(2), RANGE, "kg"),
        plan(47.5, [8, 8], "100 lb × 12, 12 last time: all at the top — 47.5 kg today, aim for 8")),
    "linear: every set made its reps adds the increment": (
        (LINEAR, [session(1, 60, 5, 5, 5)], week(1), FIVES, "kg"),
        plan(62.5, [5, 5, 5], "60 kg × 5, 5, 5 last time: every set made 5 — 62.5 kg today")),
    "linear: a set short keeps the weight": (
        (LINEAR, [session(1, 60, 5, 4, 3)], week(1), FIVES, "kg"),
        plan(60, [5, 5, 5], "60 kg × 5, 4, 3 last time: not every set made 5 — 60 kg again")),
    "linear each week: a second session in the same week keeps the weight": (
        (WEEKLY, [session(2, 60, 5, 5, 5)], week(2), FIVES, "kg"),
        plan(60, [5, 5, 5], "60 kg × 5, 5, 5 last time this week — 60 kg again; more next week")),
    "linear each week: a missed week adds one increment, not two": (
        (WEEKLY, [session(2, 60, 5, 5, 5)], week(4), FIVES, "kg"),
        plan(62.5, [5, 5, 5], "60 kg × 5, 5, 5 last time: every set made 5 — 62.5 kg today")),
    "reps per week: the week's reps, last time's weight": (
        (REPS, [session(2, 10, 11, 11)], week(3), {"low": 12, "high": 14, "sets": 2}, "kg"),
        plan(10, [12, 12], "Week 3: 12 reps, one more each week up to 15; 10 kg as last time")),
    "reps per week: without weight": (
        (dict(REPS, addReps=2), [], week(2), {"low": 12, "high": 12, "sets": 2}, "kg"),
        plan(None, [12, 12], "Week 2: 12 reps, two more each week up to 15".replace("two more", "2 more"))),
    "deload: a share of the working weight, rounded to the step": (
        (DOUBLE, [session(4, 42.5, 10, 9)], week(5, deload=60), RANGE, "kg"),
        plan(25, [8, 8], "Deload week: 60% of 42.5 kg — 25 kg today, 8 reps")),
    "deload: for a move without a rule too": (
        (None, [session(4, 20, 10, 10)], week(5, deload=50), {"low": 10, "high": 10, "sets": 2}, "kg"),
        plan(10, [10, 10], "Deload week: 50% of 20 kg — 10 kg today, 10 reps")),
    "deload: a move done without weight goes by its rule of reps, not a share of no weight": (
        (REPS, [session(4, None, 13, 13)], week(5, deload=50), {"low": 14, "high": 14, "sets": 2}, "kg"),
        plan(None, [14, 14], "Week 5: 14 reps, one more each week up to 15")),
    "deload: a move without weight or rule is left to last time": (
        (None, [session(4, None, 10, 10)], week(5, deload=50), {"low": 10, "high": 10, "sets": 2}, "kg"), None),
    "deload: nothing logged yet": (
        (DOUBLE, [], week(5, deload=60), RANGE, "kg"),
        plan(None, [8, 8], "Deload week: 60% of your working weight")),
    "after a deload: the working session before it counts, not the light one": (
        (DOUBLE, [session(4, 42.5, 12, 12), session(5, 25, 8, 8, deload=60)], week(6), RANGE, "kg"),
        plan(45, [8, 8], "42.5 kg × 12, 12 last time: all at the top — 45 kg today, aim for 8")),
    "a lifter who changed the figure: what was lifted counts, not what was prescribed": (
        # 42.5 kg was prescribed; the lifter did 40 kg and reached the top with it.
        (DOUBLE, [session(2, 40, 12, 12)], week(3), RANGE, "kg"),
        plan(42.5, [8, 8], "40 kg × 12, 12 last time: all at the top — 42.5 kg today, aim for 8")),
    "a move without a rule in a working week: nothing to say": (
        (None, [session(1, 20, 10, 10)], week(2), RANGE, "kg"), None),
}
PRESCRIPTIONS = {case: ((*args, STEPS), want) for case, (args, want) in PRESCRIPTIONS.items()}

# forSet(plan, set, logged today) -> figures for that set
PLAN = plan(42.5, [8, 8, 8], "…")
FOR_SET = {
    "the plan's figures for the first set": ((PLAN, 1, []), {"reps": 8, "weight": 42.5, "unit": "kg"}),
    "a weight the lifter changed on set 1 carries to set 2": (
        (PLAN, 2, sets(40, 8)), {"reps": 8, "weight": 40, "unit": "kg"}),
    "the latest changed weight, in its unit": (
        (PLAN, 3, sets(40, 8) + [{"set": 2, "reps": 8, "weight": 90, "unit": "lb"}]), {"reps": 8, "weight": 90, "unit": "lb"}),
}

PROGRAM = {"path": "programs/p/", "perWeek": 2, "weeks": [
    {"number": 1, "deload": 0, "sessions": ["programs/p/week-1-a/", "programs/p/week-1-b/"]},
    {"number": 2, "deload": 0, "sessions": ["programs/p/week-2-a/", "programs/p/week-2-b/"]},
    {"number": 3, "deload": 60, "sessions": ["programs/p/week-3-a/", "programs/p/week-3-b/"]}]}
SITE = "/repcard/"
HOUR = 3600_000
NOW = 100 * 24 * HOUR  # day 100


def logged(page, started, finished=None, id=None):
    return {"id": id or f"{page}@{started}", "routine": SITE + "programs/p/" + page, "started": started,
            "finished": started + HOUR if finished is None else finished}


def next_session(sessions, state=None):
    return (PROGRAM, sessions, state or {}, NOW, 3 * HOUR, SITE)


# nextSession(program, sessions, state, now, idle, sitePath) -> the next
NEXT = {
    "nothing logged: week 1, session 1": (next_session([]), {"week": 1, "session": 1, "path": "programs/p/week-1-a/",
                                                             "going": False}),
    "one session done: the week's second, its B day": (
        next_session([logged("week-1-a/", 1 * HOUR)]),
        {"week": 1, "session": 2, "path": "programs/p/week-1-b/", "going": False}),
    "day B done first: day A is next, not B again, named as its routine": (
        (dict(PROGRAM, weeks=[dict(PROGRAM["weeks"][0], titles=["Day A", "Day B"])]), [logged("week-1-b/", 1 * HOUR)],
         {}, NOW, 3 * HOUR, SITE),
        {"week": 1, "session": 2, "path": "programs/p/week-1-a/", "title": "Day A", "going": False}),
    "a week's two sessions done: the next week": (
        next_session([logged("week-1-a/", 1 * HOUR), logged("week-1-b/", 30 * HOUR)]),
        {"week": 2, "session": 1, "path": "programs/p/week-2-a/", "going": False}),
    "a missed week is not skipped: weeks on the calendar do not count": (
        next_session([logged("week-1-a/", 1 * HOUR), logged("week-1-b/", 2 * 24 * HOUR)]),  # 98 days ago
        {"week": 2, "session": 1, "path": "programs/p/week-2-a/", "going": False}),
    "a session under way is offered to continue": (
        next_session([logged("week-1-a/", 1 * HOUR), logged("week-1-b/", NOW - HOUR, finished=0)]),
        {"week": 1, "session": 2, "path": "programs/p/week-1-b/", "going": True}),
    "a session left unfinished for hours counts as done": (
        next_session([logged("week-1-a/", 1 * HOUR), logged("week-1-b/", NOW - 5 * HOUR, finished=0)]),
        {"week": 2, "session": 1, "path": "programs/p/week-2-a/", "going": False}),
    "sessions of other routines do not count": (
        next_session([{"id": "x", "routine": SITE + "routines/a/", "started": HOUR, "finished": 2 * HOUR}]),
        {"week": 1, "session": 1, "path": "programs/p/week-1-a/", "going": False}),
    "moved to week 3: from there": (
        next_session([logged("week-1-a/", 1 * HOUR)], {"since": 2 * HOUR, "week": 3}),
        {"week": 3, "session": 1, "path": "programs/p/week-3-a/", "going": False}),
    "restarted: sessions before count no more": (
        next_session([logged("week-1-a/", 1 * HOUR), logged("week-1-b/", 2 * HOUR)], {"since": 3 * HOUR, "week": 1}),
        {"week": 1, "session": 1, "path": "programs/p/week-1-a/", "going": False}),
    "every week done": (
        next_session([logged(f"week-{w}-{d}/", (w * 10 + i) * HOUR) for w in (1, 2, 3) for i, d in enumerate("ab")]),
        {"finished": True}),
}

HISTORY = {
    "an exercise's sessions, oldest first, with their week and deload; today's left out": (
        (PROGRAM, [{"session": "s2", "set": 2, "reps": 8, "weight": 25}, {"session": "s1", "set": 1, "reps": 12, "weight": 40},
                   {"session": "s2", "set": 1, "reps": 8, "weight": 25}, {"session": "now", "set": 1, "reps": 8, "weight": 40},
                   {"session": "lost", "set": 1, "reps": 1, "weight": 1}],
         [logged("week-3-a/", 20 * HOUR, id="s2"), {"id": "s1", "routine": SITE + "routines/a/", "started": HOUR},
          logged("week-1-a/", NOW, id="now")], "now", SITE),
        [{"started": HOUR, "week": 0, "deload": 0, "sets": [{"session": "s1", "set": 1, "reps": 12, "weight": 40}]},
         {"started": 20 * HOUR, "week": 3, "deload": 60, "sets": [{"session": "s2", "set": 1, "reps": 8, "weight": 25},
                                                                  {"session": "s2", "set": 2, "reps": 8, "weight": 25}]}]),
}

TABLES = {"prescribe": PRESCRIPTIONS, "forSet": FOR_SET, "nextSession": NEXT, "historyOf": HISTORY}
RUNNER = """
const program = require(process.argv[1]);
const calls = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(calls.map(([name, args]) => program[name](...args) ?? null)));
"""


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], object]:
    """Every case's value, worked out by node in one run."""
    node = shutil.which("node")
    assert node, "node is missing: the tests run it, as they run actionlint (test_publish.py)"
    cases = [(name, case) for name, table in TABLES.items() for case in table]
    calls = [[name, TABLES[name][case][0]] for name, case in cases]
    done = subprocess.run([node, "-e", RUNNER, str(ROOT / "assets/program.js")], input=json.dumps(calls),
                          capture_output=True, text=True, timeout=60, check=True)
    return dict(zip(cases, json.loads(done.stdout)))


@pytest.mark.parametrize("table, case", [(name, case) for name, table in TABLES.items() for case in table])
def test_program_js(results, table, case):
    assert results[(table, case)] == TABLES[table][case][1]


def test_conversion_is_the_pound_of_1959():
    done = subprocess.run([shutil.which("node") or "node", "-e", f"const p = require({json.dumps(str(ROOT / 'assets/program.js'))});"
                           "console.log(JSON.stringify([p.convert(100, 'lb', 'kg'), p.convert(45.359237, 'kg', 'lb'), "
                           "p.roundTo(2.5 * 17, 2.5), p.roundTo(93.7, 5)]))"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == [45.359237, 100, 42.5, 95]
