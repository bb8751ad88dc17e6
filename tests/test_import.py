"""repcard.importer with the real free-exercise-db sample: what it writes, what it refuses,
and that it reads and writes nowhere it should not."""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml

from repcard.importer import EXISTS, import_exercises, main, make_slug, markdown_text

SAMPLE = Path(__file__).parent / "fixtures/free-exercise-db"  # six moves with their photos
EXERCISES = SAMPLE / "exercises"
KEYS = ["title", "muscles", "equipment", "photos"]



def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Items(HTMLParser):
    """The text of each <li>, as a browser shows it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.inside = False
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self.items.append("")
            self.inside = True
        else:
            self.tags.append(tag)

    def handle_endtag(self, tag):
        self.inside = self.inside and tag != "li"

    def handle_data(self, data):
        if self.inside:
            self.items[-1] += data


def steps_shown(body: str) -> tuple[list[str], list[str]]:
    """What the site shows of a body (Markdown with raw HTML let through, as with raw_html: true, so
    the importer's text is shown as text whatever the site says): the steps, and any tag but ol/li."""
    parser = Items()
    parser.feed(markdown.markdown(body, extensions=["sane_lists"]))
    return parser.items, [tag for tag in parser.tags if tag != "ol"]


def listing(folder: Path) -> list[tuple[str, int, int]]:
    return [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))]


def test_the_sample_imports_whole(tmp_path):
    content = tmp_path / "content"
    before = listing(SAMPLE)
    written, problems = import_exercises([SAMPLE], content)
    assert problems == []
    assert listing(SAMPLE) == before  # the source is only read
    assert list(tmp_path.iterdir()) == [content] and list(content.iterdir()) == [content / "exercises"]
    pages = sorted((content / "exercises").glob("*.md"))
    photos = sorted((content / "exercises").glob("*/*.jpg"))
    assert (len(pages), len(photos)) == (6, 12)
    assert sorted(written) == sorted(pages + photos)
    for source in sorted(EXERCISES.glob("*.json")):
        data = json.loads(source.read_text())
        slug = make_slug(data["id"])
        fields, body = front_matter(content / "exercises" / f"{slug}.md")
        expected_keys = [k for k in KEYS if k != "equipment" or data["equipment"] not in (None, "body only")]
        assert list(fields) == expected_keys, source
        assert fields["title"] == data["name"]
        muscles = data["primaryMuscles"] + data["secondaryMuscles"]
        assert fields["muscles"] == list(dict.fromkeys(muscles))
        if "equipment" in fields:
            assert fields["equipment"] == [data["equipment"]]
        assert fields["photos"] == [
            {"src": f"{slug}/0.jpg", "alt": f"{data['name']}, starting position"},
            {"src": f"{slug}/1.jpg", "alt": f"{data['name']}, end position"},
        ]
        for number, image in enumerate(data["images"]):
            assert (content / "exercises" / slug / f"{number}.jpg").read_bytes() == (EXERCISES / image).read_bytes()
        assert steps_shown(body) == ([" ".join(step.split()) for step in data["instructions"]], [])


def test_the_lead_s_example_exactly(tmp_path):
    import_exercises([EXERCISES / "Band_Good_Morning.json"], tmp_path)
    text = (tmp_path / "exercises/band-good-morning.md").read_text()
    assert text.startswith(
        "---\ntitle: Band Good Morning\nmuscles: [hamstrings, glutes, lower back]\nequipment: [bands]\nphotos:\n"
        "- src: band-good-morning/0.jpg\n  alt: Band Good Morning, starting position\n"
        "- src: band-good-morning/1.jpg\n  alt: Band Good Morning, end position\n---\n1. Using a 41 inch band, ")
    assert text.endswith("\n3. Ensure that you do not round your back as you go down back to the starting position.\n")


@pytest.mark.parametrize("source", [SAMPLE, EXERCISES])
def test_a_source_is_a_folder_or_the_repository_root(tmp_path, source):
    written, problems = import_exercises([source], tmp_path)
    assert problems == [] and len(written) == 6 + 12


def test_nothing_is_overwritten_without_force(tmp_path):
    one = EXERCISES / "Plank.json"
    import_exercises([one], tmp_path)
    page = tmp_path / "exercises/plank.md"
    page.write_text("---\ntitle: My own plank\n---\n")
    photo = tmp_path / "exercises/plank/1.jpg"
    written, problems = import_exercises([one], tmp_path)
    assert written == [] and [str(p) for p in problems] == [f"{page}: {EXISTS}"]
    assert page.read_text() == "---\ntitle: My own plank\n---\n"
    # A photo alone in the way is enough: the exercise is skipped whole.
    page.unlink()
    photo.write_bytes(b"mine")
    written, problems = import_exercises([one], tmp_path)
    assert written == [] and [str(p) for p in problems] == [f"{photo}: {EXISTS}"]
    assert not page.exists() and photo.read_bytes() == b"mine"
    written, problems = import_exercises([one], tmp_path, force=True)
    assert problems == [] and len(written) == 3
    assert photo.read_bytes() == (EXERCISES / "Plank/1.jpg").read_bytes()
    assert front_matter(page)[0]["title"] == "Plank"
    assert not [p for p in (tmp_path / "exercises").rglob(".*")]  # no temporary files left


def test_hostile_text_round_trips(tmp_path):
    source = tmp_path / "db/exercises"
    (source / "Evil_1").mkdir(parents=True)
    shutil.copy(EXERCISES / "Plank/0.jpg", source / "Evil_1/0.jpg")
    name = "---\nEvil: \"quoted\" 'single' <script>alert(1)</script> # not a comment & more\t ..."
    steps = ["# not a heading", "1. not a list", "- nor this", "> nor a quote", "---",
             "<img src=x onerror=alert(1)> &amp; *stars* _under_ `code` [link](javascript:x) \\ back",
             "two\nlines", "   ", "{{ jinja }} {% raw %}"]
    (source / "Evil_1.json").write_text(json.dumps({
        "id": "Evil_1", "name": name, "equipment": "a: b", "primaryMuscles": ["glutes", "x: [y]"],
        "secondaryMuscles": ["glutes", "- z"], "instructions": steps, "images": ["Evil_1/0.jpg"]}))
    written, problems = import_exercises([source], tmp_path / "content")
    assert problems == []
    fields, body = front_matter(tmp_path / "content/exercises/evil-1.md")
    title = "--- Evil: \"quoted\" 'single' <script>alert(1)</script> # not a comment & more ..."
    assert fields == {"title": title, "muscles": ["glutes", "x: [y]", "- z"], "equipment": ["a: b"],
                      "photos": [{"src": "evil-1/0.jpg", "alt": title}]}
    shown, tags = steps_shown(body)
    assert tags == []  # no heading, quote, nested list, rule, emphasis, code, link or raw HTML
    assert shown == [" ".join(step.split()) for step in steps if step.strip()]


@pytest.mark.parametrize("text", ["1. a", "12) b", "+ c", "#d", ">e", "-f", "=== g", "a & b", "&copy;", "x<y"])
def test_markdown_text_shows_what_it_was_given(text):
    assert steps_shown(f"1. {markdown_text(text)}\n") == ([text], [])


def test_bad_sources_are_all_reported_and_the_good_ones_imported(tmp_path):
    db = tmp_path / "db"
    db.mkdir()
    shutil.copy(EXERCISES / "Plank.json", db)
    shutil.copytree(EXERCISES / "Plank", db / "Plank")
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"secret")
    (db / "Linked").mkdir()
    (db / "Linked/0.jpg").symlink_to(outside)
    bad = {
        "Not_Json.json": "{name: 'no quotes'}",
        "Not_Object.json": "[1, 2]",
        "No_Name.json": json.dumps({"id": "No_Name", "instructions": ["x"]}),
        "Missing_Photo.json": json.dumps({"id": "Missing_Photo", "name": "M", "images": ["Missing_Photo/0.jpg"]}),
        "Climbs.json": json.dumps({"id": "Climbs", "name": "C", "images": ["../secret.jpg"]}),
        "Absolute.json": json.dumps({"id": "Absolute", "name": "A", "images": [str(outside)]}),
        "Linked.json": json.dumps({"id": "Linked", "name": "L", "images": ["Linked/0.jpg"]}),
        "Latin1.json": "{\"name\": \"caf\xe9\"}",
        "Huge.json": json.dumps({"id": "Huge", "name": "H", "images": ["Huge/0.jpg"]}),
    }
    for name, text in bad.items():
        (db / name).write_bytes(text.encode("latin-1"))
    (db / "Huge").mkdir()
    with open(db / "Huge/0.jpg", "wb") as huge:  # read whole, 3 GB ran out of memory: a traceback
        huge.truncate(3 * 2**30)  # sparse: no disk taken
    (db / "Unreadable.json").mkdir()  # a folder named .json is not read as a file
    written, problems = import_exercises([db, tmp_path / "nowhere"], tmp_path / "content")
    assert sorted(p.name for p in written) == ["0.jpg", "1.jpg", "plank.md"]
    messages = {Path(p.path).name: p.message for p in problems}
    assert messages == {
        "Absolute.json": f"image '{outside}': must be a path inside {db}, without '..'",
        "Climbs.json": f"image '../secret.jpg': must be a path inside {db}, without '..'",
        "Latin1.json": "not UTF-8 text: byte 0xe9 cannot be decoded",
        "Linked.json": f"image 'Linked/0.jpg': is a link to {outside}, outside {db}",
        "Missing_Photo.json": f"image 'Missing_Photo/0.jpg': no such file beside the exercise ({db}/Missing_Photo/0.jpg)",
        "No_Name.json": "'name': missing; expected the exercise's name as text",
        "Not_Json.json": "not valid JSON: Expecting property name enclosed in double quotes",
        "Not_Object.json": "expected a JSON object with 'name', 'instructions', 'images', ...",
        "nowhere": "does not exist: name an exercise .json file or a folder of them",
        "0.jpg": "is 3072 MB; expected at most 20 MB",
    }
    lines = {Path(p.path).name: p.line for p in problems}
    assert lines == {"Absolute.json": 1, "Climbs.json": 1, "Latin1.json": 1, "Linked.json": 1, "Missing_Photo.json": 1,
                     "No_Name.json": None, "Not_Json.json": 1, "Not_Object.json": 1, "nowhere": None, "0.jpg": None}
    assert not (tmp_path / "content/exercises/linked").exists()
    assert files(tmp_path / "content").keys() == {"exercises/plank.md", "exercises/plank/0.jpg", "exercises/plank/1.jpg"}


def test_problems_name_the_line_of_what_is_wrong(tmp_path):
    db = tmp_path / "db"
    (db / "X").mkdir(parents=True)
    (db / "X/0.jpg").write_bytes(b"photo")
    (db / "X.json").write_text(json.dumps({
        "id": "X", "name": "Ünï", "equipment": 3, "primaryMuscles": "glutes",
        "images": ["X/0.jpg", "X/1.jpg", "../../etc/passwd.jpg", "X/ü.gif"]}, indent=2, ensure_ascii=False))
    (db / "Big.json").write_text('{"id": "Big", "name": "B", "sets": ' + "9" * 5000 + "}")
    (db / "Deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (db / "Bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "Bom", "name": "Bom"}).encode())
    written, problems = import_exercises([db], tmp_path / "content")
    assert [p.name for p in written] == ["bom.md"]
    x = str(db / "X.json")
    assert [str(p) for p in problems if p.path == x] == [
        f"{x}:4: 'equipment': expected text or null",
        f"{x}:5: 'primaryMuscles': expected a list of text",
        f"{x}:8: image 'X/1.jpg': no such file beside the exercise ({db}/X/1.jpg)",
        f"{x}:9: image '../../etc/passwd.jpg': must be a path inside {db}, without '..'",
        f"{x}:10: image 'X/ü.gif': expected a JPEG, PNG or WebP file (.jpg, .jpeg, .png, .webp)",
    ]
    assert {Path(p.path).name: p.message.split(":")[0] for p in problems if p.path != x} == {
        "Big.json": "not valid JSON", "Deep.json": "not valid JSON"}


def test_two_sources_with_one_slug_are_a_problem(tmp_path):
    db = tmp_path / "db"
    db.mkdir()
    for ident in ("Good_Morning", "Good-Morning"):
        (db / f"{ident}.json").write_text(json.dumps({"id": ident, "name": ident}))
    written, problems = import_exercises([db, db / "Good-Morning.json"], tmp_path / "content")
    assert [p.name for p in written] == ["good-morning.md"]
    assert [str(p) for p in problems] == [
        f"{db / 'Good_Morning.json'}: has the same file name 'good-morning.md' as {db / 'Good-Morning.json'}; "
        "imported only the first"]


def test_nothing_is_written_through_a_link_out_of_the_content_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    content = tmp_path / "content"
    content.mkdir()
    (content / "exercises").symlink_to(elsewhere)
    written, problems = import_exercises([EXERCISES / "Plank.json"], content)
    assert written == [] and len(problems) == 1 and "leads out of" in problems[0].message
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(("ident", "slug"), [("Band_Good_Morning", "band-good-morning"),
                                             ("Shoulder_Press_-_With_Bands", "shoulder-press-with-bands"),
                                             ("__3/4_Sit-Up__", "3-4-sit-up"), ("Ünïcode", "n-code"),
                                             ("A" * 99 + "_B", "a" * 99)])  # at most the build's 100 characters
def test_slugs(ident, slug):
    assert make_slug(ident) == slug


def test_the_command_line(tmp_path, capsys):
    content = tmp_path / "content"
    assert main(["--content", str(content), str(SAMPLE)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[0] == f"wrote {content}/exercises/band-good-morning.md"
    assert out.splitlines()[-1] == f"imported 6 exercises, 12 photos into {content}/exercises; 0 skipped"
    assert main(["--content", str(content), str(EXERCISES / "Plank.json"), str(tmp_path / "nowhere")]) == 1
    out, err = capsys.readouterr()
    assert out == f"imported 0 exercises, 0 photos into {content}/exercises; 1 skipped; 1 problem\n"
    assert err.splitlines() == [f"{tmp_path}/nowhere: does not exist: name an exercise .json file or a folder of them",
                                f"{content}/exercises/plank.md: {EXISTS}"]
    assert main(["--content", str(content), "--force", str(EXERCISES / "Plank.json")]) == 0
    assert main([str(SAMPLE)]) == 2  # --content is required when the caller gives no default
    assert main([]) == 2
    capsys.readouterr()
    assert os.listdir(tmp_path) == ["content"]


def test_ctrl_c_during_an_import_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    """The command line handed `import` over before it took Ctrl-C: a KeyboardInterrupt traceback."""
    from repcard import cli, importer

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "import_exercises", interrupted)
    assert cli.main(["import", "--content", str(tmp_path / "content"), str(SAMPLE)], root=tmp_path) == 130
    assert capsys.readouterr().err == "repcard: interrupted; the files written so far stay, each whole\n"
