"""What ships cites published sources: no course-internal source names, no paths outside the repo.

The kit was written from five published articles; learners have none of the course's private
copies, so the package, notebooks, exercises, datasets and README cite the articles themselves
(title, author or publisher, URL). A random-number seed (``seed=20240101``) is fine.
"""

import re
from pathlib import Path

from conftest import ROOT

SHIPPED = [ROOT / "valuelab", ROOT / "notebooks", ROOT / "exercises", ROOT / "datasets"]
SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints"}

#: "seed 000", "seed-001", "seed_002", "seeds 002 and 004", "the seed's example".
SOURCE_NAME = re.compile(r"\bseeds?[ _-]?0\d\d\b|\bthe seed(?:'s|s)\b", re.IGNORECASE)
#: "../shared/...", "shared/reference", "/work/shared/seeds", and the private files' names.
OUTSIDE_PATH = re.compile(r"\.\./shared\b|(?<![\w.-])shared/|\bFACTS\.md\b|\bDOMAIN\.md\b")


def _texts() -> list[Path]:
    files = [ROOT / "README.md"]
    for top in SHIPPED:
        files += [p for p in sorted(top.rglob("*")) if p.is_file() and not SKIP_DIRS & set(p.parts)]
    return files


def _offences(pattern: re.Pattern[str]) -> list[str]:
    found = []
    for path in _texts():
        raw = path.read_bytes()
        if b"\0" in raw:
            continue  # binary (images)
        text = raw.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = pattern.search(line)
            if match:
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r}")
    return found


def test_no_course_internal_source_names():
    assert _offences(SOURCE_NAME) == [], "cite the published article, not a course source number"


def test_no_paths_outside_the_repository():
    assert _offences(OUTSIDE_PATH) == [], "users have no files outside the repository"


def test_the_patterns_catch_what_they_should():
    for bad in ["seed 000", "(seed 003)", "Seeds 002 and 004", "seed-001", "The seed's example"]:
        assert SOURCE_NAME.search(bad), bad
    for fine in ["seed=20240101", "a seeded generator", "SEED = 20240601", "the seed the file"]:
        assert not SOURCE_NAME.search(fine), fine
    for bad in ["``../shared/DOMAIN.md``", "/work/shared/seeds/", "see FACTS.md topic 4"]:
        assert OUTSIDE_PATH.search(bad), bad
    for fine in ["a shared host", "valuelab/data/synthetic/", "shares of the pool"]:
        assert not OUTSIDE_PATH.search(fine), fine
