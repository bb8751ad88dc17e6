"""assets/text.js, the page's words in the browser, called by node with plain values: each language's
plural forms chosen by Intl.PluralRules from the build's words, numbers, dates and relative times
through Intl, and program.js's reasons said in French. One `node` process runs every case."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from repcard.i18n import Language, script_messages_of

from .conftest import ROOT
from .test_i18n import PLURALS

# Runs each case, {lang, messages, call, args}, against text.js's make(); program.js's with window's words.
RUNNER = """
const text = require(process.argv[1]);
const program = () => require(process.argv[2]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map(({ lang, messages, call, args }) => {
  const words = text.make(lang, messages);
  if (call === "prescribe") {
    global.window = { repcardText: { words } };
    const found = program().prescribe(...args);
    delete global.window;
    return found.why;
  }
  if (call === "date" || call === "time" || call === "day" || call === "month") return words[call](new Date(...args[0]).getTime(), args[1]);
  if (call === "ago") return words.ago(new Date(...args[0]).getTime(), new Date(...args[1]).getTime());
  return words[call](...args);
})));
"""


def run(cases: list[dict]) -> list:
    node = shutil.which("node")
    assert node, "node is missing: the tests run it, as they run actionlint (test_publish.py)"
    done = subprocess.run([node, "-e", RUNNER, str(ROOT / "assets/text.js"), str(ROOT / "assets/program.js")],
                          input=json.dumps(cases), capture_output=True, text=True, timeout=60, env={"TZ": "UTC"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def words_of(code: str, *scripts: str) -> dict:
    """What a page loading `scripts` carries, as the build writes it."""
    return Language(code).script_messages([m for s in scripts for m in script_messages_of((ROOT / "assets" / s).read_text())])


@pytest.mark.parametrize("code", PLURALS)
def test_plurals_are_chosen_by_each_languages_cldr_category(code):
    messages = words_of(code, "history.js")
    counts = [n for n in PLURALS[code] if n < 1_000_000]
    said = run([{"lang": code, "messages": messages, "call": "tn", "args": ["%(num)s set", "%(num)s sets", n]}
                for n in counts])
    assert dict(zip(counts, said)) == {n: PLURALS[code][n] for n in counts}


def test_a_message_with_values_and_one_without_words():
    fr = words_of("fr", "workout.js")
    said = run([
        {"lang": "fr", "messages": fr, "call": "t", "args": ["Last time: %(figures)s", {"figures": "40 kg × 10"}]},
        {"lang": "fr", "messages": fr, "call": "t", "args": ["Not a message of this page"]},
        {"lang": "fr", "messages": fr, "call": "tn", "args": ["%(done)s of %(num)s set done", "%(done)s of %(num)s sets done",
                                                            12, {"done": 3}]},
        {"lang": "en", "messages": {}, "call": "tn", "args": ["%(done)s of %(num)s set done", "%(done)s of %(num)s sets done",
                                                            1, {"done": 0}]},
        {"lang": "en", "messages": {}, "call": "t", "args": ["%(percent)s%% of %(weight)s", {"percent": 60, "weight": "40 kg"}]},
    ])
    assert said == ["La dernière fois : 40 kg × 10", "Not a message of this page", "3 sur 12 séries faites",
                    "0 of 1 set done", "60% of 40 kg"]


def test_numbers_dates_and_relative_times_are_the_languages():
    cases = [("en", "number", [42.5]), ("fr", "number", [42.5]), ("de", "number", [1234.5]), ("fr", "number", [1234.5, True]),
             ("ar", "number", [42.5]), ("en", "date", [[2024, 2, 4, 18, 30]]), ("fr", "date", [[2024, 2, 4, 18, 30]]),
             ("de", "date", [[2024, 2, 4, 18, 30]]), ("es", "time", [[2024, 2, 4, 18, 30]]), ("fr", "day", [[2024, 2, 4]]),
             ("fr", "month", [[2024, 0, 1], True]), ("fr", "ago", [[2024, 2, 2, 20], [2024, 2, 4, 9]]),
             ("en", "ago", [[2024, 2, 4, 8], [2024, 2, 4, 9]]), ("es", "ago", [[2024, 1, 25], [2024, 2, 4]])]
    said = run([{"lang": lang, "messages": {}, "call": call, "args": args} for lang, call, args in cases])
    assert said == ["42.5", "42,5", "1234,5", "1\u202f234,5", "42.5", "Mon 4 Mar 2024", "lun. 4 mars 2024",
                    "Mo., 4. März 2024", "18:30", "4 mars", "janv. 2024", "avant-hier", "today", "hace 8 días"]


def test_program_reasons_are_said_in_the_pages_language():
    rule = {"kind": "double", "low": 8, "high": 12, "add": 2.5, "unit": "kg", "every": "session"}
    history = [{"week": 1, "deload": 0, "sets": [{"set": 1, "reps": 12, "weight": 40, "unit": "kg"},
                                                 {"set": 2, "reps": 12, "weight": 40, "unit": "kg"}]}]
    args = [rule, history, {"number": 2, "deload": 0}, {"low": 8, "high": 12, "sets": 2}, "kg", {"kg": 2.5, "lb": 5}]
    deload = [rule, history, {"number": 5, "deload": 60}, {"low": 8, "high": 12, "sets": 2}, "kg", {"kg": 2.5, "lb": 5}]
    said = run([{"lang": "fr", "messages": words_of("fr", "program.js"), "call": "prescribe", "args": args},
                {"lang": "de", "messages": words_of("de", "program.js"), "call": "prescribe", "args": deload},
                {"lang": "en", "messages": {}, "call": "prescribe", "args": args}])
    assert said == ["40 kg × 12, 12 la dernière fois : tout au maximum — 42,5 kg aujourd’hui, visez 8",
                    "Deload-Woche: 60 % von 40 kg — heute 25 kg, 8 Wiederholungen",
                    "40 kg × 12, 12 last time: all at the top — 42.5 kg today, aim for 8"]
