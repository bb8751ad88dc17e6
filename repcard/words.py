"""The words the build writes around the content, in the site's language: "10 reps", "Circuit 2",
"round 3", "rest 60 s", "Week 3 of 6", a program rule in a sentence.

The content model holds numbers and the author's text only; these turn them into words at render
time, through the language's catalogue (i18n.py), so one model draws every language. Templates
call them as `words.reps(slot.reps)`; the card measures the same words to fit its sheet (card.py),
and the structured data says them too (seo.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import SOURCE, Language
from .model import Circuit, NextUp, Reps, Variation
from .program_model import Amount, ProgramUse, Rule, WeekOf


@dataclass(frozen=True)
class Words:
    language: Language = field(default_factory=lambda: Language(SOURCE))

    @property
    def arrow(self) -> str:
        """What leads from one move to the next: it points the way the line reads. Right to left,
        between right-to-left marks: else the pairs (`1A`, Latin) and the arrow around them are
        laid out as one left-to-right run, `1A ← 1B`, which points back from 1B to 1A."""
        return "\u200f←\u200f" if self.language.dir == "rtl" else "→"

    def _(self, message: str, **values) -> str:
        return self.language.gettext(message) % values if values else self.language.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, **values) -> str:
        return self.language.ngettext(singular, plural, n) % {"num": n, **values}

    # --- numbers and amounts

    def reps(self, reps: Reps) -> str:
        """What a set asks for: `10 reps`, `10–12 reps`, `20 total each side` (the author's unit), `to failure`."""
        if not reps.count:
            return reps.unit
        if reps.unit:
            return f"{reps.count} {reps.unit}"
        return self.ngettext("%(count)s rep", "%(count)s reps", reps.high or 0, count=reps.count)

    def reps_unit(self, reps: Reps) -> str:
        """The word after a count, for a big figure with its unit beside it: `reps`, or the author's unit."""
        return reps.unit or self.ngettext("rep", "reps", reps.high or 0)

    def sets(self, n: int) -> str:
        return self.ngettext("%(num)s set", "%(num)s sets", n)

    def prescription(self, sets: int, reps: Reps) -> str:
        """`2 sets × 10 reps`."""
        return self._("%(sets)s × %(reps)s", sets=self.sets(sets), reps=self.reps(reps))

    def rounds(self, n: int) -> str:
        return self.ngettext("%(num)s round", "%(num)s rounds", n)

    def rounds_between(self, fewest: int, most: int) -> str:
        """`3 rounds`, or `3–5 rounds` where circuits do different numbers."""
        return self.rounds(most) if fewest == most else self._("%(fewest)s–%(most)s rounds", fewest=fewest, most=most)

    def amount(self, amount: Amount) -> str:
        """A weight with its unit: `2.5 kg`."""
        return str(amount)

    # --- the routine

    def circuit_label(self, circuit: Circuit) -> str:
        """The circuit's name, or `Circuit 2`."""
        return circuit.name or self._("Circuit %(number)s", number=circuit.number)

    def rounds_out(self, first: int, last: int) -> str:
        """The rounds an exercise sits out: `round 3`, `rounds 3–4`."""
        if first == last:
            return self._("round %(number)s", number=first)
        return self._("rounds %(first)s–%(last)s", first=first, last=last)

    def sets_of(self, next_up: NextUp) -> str:
        """Which sets a NextUp follows: `each set`, `set 1`, `sets 1–2`."""
        if next_up.each:
            return self._("each set")
        first, last = next_up.sets[0], next_up.sets[-1]
        if first == last:
            return self._("set %(number)s", number=first)
        return self._("sets %(first)s–%(last)s", first=first, last=last)

    def seconds(self) -> str:
        """The unit after a count of seconds: `s`, `ث`."""
        return self.language.translations.pgettext("unit of time", "s")

    def rest(self, seconds: int) -> str:
        return self._("rest %(seconds)s s", seconds=seconds)

    def flow(self, circuit: Circuit, last: bool) -> str:
        """The circuit's order on the card: `1A → 1B × 2 · rest 60 s`; a rest follows every
        round but the routine's very last. (An exercise with fewer sets than the circuit has
        rounds shows its own sets, `2 × 10 reps`, and as many tick boxes.)"""
        text = f" {self.arrow} ".join(s.pair for s in circuit.slots) + f" × {circuit.rounds}"
        if circuit.rounds > 1 or not last:
            text += " · " + self.rest(circuit.rest)
        return text

    def label(self, label: str) -> str:
        """A variation's label, capitalised: repcard's own `easier` and `harder` in the site's
        language, any other as the author wrote it."""
        known = {"easier": self._("Easier"), "harder": self._("Harder")}
        return known.get(label.lower()) or label[:1].upper() + label[1:]

    def variation_label(self, variation: Variation) -> str:
        return self.label(variation.label)

    def lower_label(self, label: str) -> str:
        """A label inside a sentence: `harder`, `plus difficile`; an author's own as written."""
        return self.label(label).lower() if label.lower() in ("easier", "harder") else label

    def this_week(self, variation: Variation) -> str:
        """`This week, harder:` before a program week's variation."""
        return self._("This week, %(label)s:", label=self.lower_label(variation.label))

    # --- a program

    def week_label(self, week: WeekOf) -> str:
        return self._("Week %(number)s of %(weeks)s", number=week.number, weeks=week.weeks)

    def deload(self, percent: int) -> str:
        return self._("deload: %(percent)s%% of the working weight", percent=percent)

    def week_line(self, week: WeekOf) -> str:
        """A week's line on its card, under the title: `Week 3 of 6 · Six Weeks · deload: ... · note`."""
        return " · ".join(filter(None, (self.week_label(week), week.program_title,
                                        week.deload and self.deload(week.deload), week.note)))

    def week_span(self, numbers) -> str:
        """[1, 2, 3, 6] -> `weeks 1–3 and 6`; [5] -> `week 5`."""
        numbers = sorted(set(numbers))
        runs: list[list[int]] = []
        for n in numbers:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        parts = [f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs]
        listed = self._("%(some)s and %(last)s", some=", ".join(parts[:-1]), last=parts[-1]) if len(parts) > 1 else parts[0]
        if len(numbers) == 1:
            return self._("week %(weeks)s", weeks=listed)
        return self._("weeks %(weeks)s", weeks=listed)

    def rule_summary(self, rule: Rule) -> str:
        """The rule in words, for the program's and the exercise's pages."""
        if rule.kind == "double":
            text = self._("%(range)s reps; once every set reaches %(top)s, add %(add)s and start again at %(bottom)s "
                          "(double progression)", range=rule.reps.count, top=rule.reps.high, add=self.amount(rule.add),
                          bottom=rule.reps.low)
        elif rule.kind == "linear":
            every = self._("each session in which every set made its reps") if rule.every == "session" \
                else self._("each week in which every set made its reps")
            text = self._("add %(add)s %(every)s, else the same weight again (linear progression)",
                          add=self.amount(rule.add), every=every)
        else:
            text = self.ngettext("one more rep each week, up to %(top)s", "%(num)s more reps each week, up to %(top)s",
                                 rule.add_reps, top=rule.up_to)
        if rule.start:
            text = self._("%(rule)s; start at %(start)s", rule=text, start=self.amount(rule.start))
        return text

    def program_use(self, use: ProgramUse) -> tuple[str, ...]:
        """How a program uses an exercise, in sentences for the exercise's page."""
        routines = self._("%(some)s and %(last)s", some=", ".join(use.routines[:-1]), last=use.routines[-1]) \
            if len(use.routines) > 1 else use.routines[0]
        how = [_sentence(self._("%(weeks)s, in %(routines)s.", weeks=self.week_span(use.weeks), routines=routines))]
        if use.rule:
            how.append(_sentence(self._("%(rule)s.", rule=self.rule_summary(use.rule))))
        how += [self._("The %(label)s variation in %(weeks)s.", label=self.lower_label(label), weeks=self.week_span(numbers))
                for label, numbers in use.varied]
        how += [self._("Week %(number)s is a deload: %(percent)s%% of the working weight.", number=number, percent=percent)
                for number, percent in use.deloads]
        return tuple(how)

    # --- search engines

    def exercise_type(self, circuit: bool) -> str:
        return self._("Circuit training") if circuit else self._("Strength training")

    def how_to(self, title: str) -> str:
        return self._("How to do %(title)s", title=title)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


ENGLISH = Words()
