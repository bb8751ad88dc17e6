"""Write a synthetic routine: deterministic, realistic front matter and bodies.

    python -m bench.generate OUT_DIR --exercises 1000 [--per-circuit 2] [--words 300]

Used by the benchmark and by tests that need routines of a given size.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

MOVES = ["Squat", "Lunge", "Bridge", "Deadlift", "Step-Up", "Row", "Press", "Plank", "Curl", "Raise",
         "Walk", "Kick", "Hinge", "Twist", "Hold"]
ADJECTIVES = ["Single-Leg", "Banded", "Split", "Reverse", "Lateral", "Sumo", "Tempo", "Paused", "Goblet",
              "Staggered", "Kneeling", "Elevated"]
WORDS = ("keep your hips level and your ribs down while you press the floor away drive through the heel "
         "breathe out on the effort control the lower slowly pause at the top squeeze the glute hold the "
         "brace knees track over toes shoulders stay packed neck long chest proud weight in mid foot").split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def exercise_markdown(rng: random.Random, title: str, pair: str | None, words: int, long: bool) -> str:
    cue = sentence(rng, 30)[:139] if long else sentence(rng, 9)
    easier = sentence(rng, 25)[:200] if long else sentence(rng, 5)
    harder = sentence(rng, 25)[:200] if long else sentence(rng, 4)
    steps = "\n".join(f"{i}. {sentence(rng, words // 6)}" for i in range(1, 5))
    cues = "\n".join(f"- {sentence(rng, words // 12)}" for _ in range(2))
    placed = f"pair: {pair}\n" if pair else ""  # the library layout places exercises in routines/
    return (f"---\ntitle: {title}\n{placed}sets: {rng.choice([2, 3])}\n"
            f"reps: {rng.choice(['10', '8-12', '10–12', '20 total each side', '30 s hold'])}\n"
            f"cue: {cue}\nmuscles: [glutes, hamstrings]\nequipment: [{rng.choice(['mat', 'band', 'dumbbells'])}]\n"
            f"variations:\n  easier: {easier}\n  harder: {harder}\n---\n{steps}\n\n## Cues\n\n{cues}\n")


def generate(out: Path, exercises: int, per_circuit: int = 2, words: int = 300, long: bool = False,
             seed: int = 7, routines: int = 0) -> Path:
    """Write OUT/index.md and OUT/exercises/*.md; file names are not in doing order on purpose.

    With `routines`, the library layout instead: the exercises carry no pair, and each of
    OUT/routines/routine-<k>.md places ROUTINE_SIZE of them (exercise k, k + routines, ...).
    """
    rng = random.Random(seed)
    (out / "exercises").mkdir(parents=True, exist_ok=True)
    title = "A Very Long Routine Title That Goes On " * (2 if long else 0) + f"Synthetic Routine of {exercises}"
    if routines:
        (out / "index.md").write_text(f"---\ntitle: Synthetic Library of {exercises}\n"
                                      f"description: Generated for benchmarks.\n---\n{sentence(rng, 40)}\n")
    else:
        (out / "index.md").write_text(routine_header(rng, title, -(-exercises // per_circuit), long) +
                                      f"{sentence(rng, 40)}\n\n## Check in\n\n{sentence(rng, 30)}\n")
    slugs = []
    for i in range(exercises):
        circuit, slot = divmod(i, per_circuit)
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(MOVES)} {i + 1}"
        if long:
            title = f"{title} With A Long Descriptive Name"
        text = exercise_markdown(rng, title, None if routines else f"{circuit + 1}{chr(65 + slot)}", words, long)
        slugs.append(f"move-{(i * 7919) % (exercises * 10):05d}-{i}")
        (out / "exercises" / f"{slugs[-1]}.md").write_text(text)
    if routines:
        (out / "routines").mkdir(exist_ok=True)
    for k in range(routines):
        chosen = slugs[k::routines][:ROUTINE_SIZE]
        placed = "".join(f"  {n // per_circuit + 1}{chr(65 + n % per_circuit)}: {slug}\n" for n, slug in enumerate(chosen))
        (out / "routines" / f"routine-{k + 1}.md").write_text(
            routine_header(rng, f"Routine {k + 1}", -(-len(chosen) // per_circuit), long).removesuffix("---\n")
            + f"exercises:\n{placed}---\n{sentence(rng, 30)}\n")
    return out


ROUTINE_SIZE = 12  # exercises a generated library's routine places: a card's worth


def routine_header(rng: random.Random, title: str, circuits: int, long: bool) -> str:
    """A routine's front matter: every third circuit named."""
    names = "\n".join(f"  {n}: {rng.choice(ADJECTIVES)} Block" for n in range(1, circuits + 1, 3))
    return (f"---\ntitle: {title}\ndescription: Generated for tests and benchmarks.\n"
            f"checkin: {sentence(rng, 20 if long else 8)}\nrest: 45\ncircuits:\n{names}\n---\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--exercises", type=int, default=100)
    parser.add_argument("--per-circuit", type=int, default=2)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--long", action="store_true", help="every text at the longest the format allows")
    parser.add_argument("--routines", type=int, default=0, help="the library layout, with this many routines")
    args = parser.parse_args()
    generate(args.out, args.exercises, args.per_circuit, args.words, args.long, routines=args.routines)


if __name__ == "__main__":
    main()
