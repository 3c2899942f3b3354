"""Tests mirror the package: every module has its own test file.

``valuelab/<wing>/<module>.py`` is tested in ``tests/<wing>/test_<module>.py``
(``valuelab/cli.py`` in ``tests/test_cli.py``). Skipped: ``__init__.py``,
``__main__.py`` and private ``_x.py`` modules. The packages whose modules are
one family each have one test file: the exercise questions
(``tests/course/test_questions.py``) and the synthetic data generators
(``tests/data/test_synthetic.py``).
"""

from pathlib import Path, PurePosixPath

from support import ROOT

#: Packages tested as a whole -> their one test file (paths under valuelab/ and tests/).
FAMILIES = {
    PurePosixPath("course/questions"): PurePosixPath("course/test_questions.py"),
    PurePosixPath("data/synthetic"): PurePosixPath("data/test_synthetic.py"),
}


def expected_test_files(package: Path) -> dict[PurePosixPath, list[PurePosixPath]]:
    """Test file (under tests/) -> the modules (under the package) it must test."""
    expected: dict[PurePosixPath, list[PurePosixPath]] = {}
    for path in sorted(package.rglob("*.py")):
        module = PurePosixPath(path.relative_to(package).as_posix())
        if module.name.startswith("_"):  # __init__, __main__ and private modules
            continue
        family = next((f for f in FAMILIES if module.is_relative_to(f)), None)
        test = FAMILIES[family] if family else module.parent / f"test_{module.name}"
        expected.setdefault(test, []).append(module)
    return expected


def missing_test_files(package: Path, tests: Path) -> list[str]:
    """One line per test file that does not exist, naming the modules it should test."""
    return [
        f"tests/{test} (for {', '.join(f'valuelab/{m}' for m in modules)})"
        for test, modules in expected_test_files(package).items()
        if not (tests / test).is_file()
    ]


def test_every_module_has_its_own_test_file():
    expected = expected_test_files(ROOT / "valuelab")
    assert expected[PurePosixPath("royalties/test_moneyflow.py")] == [
        PurePosixPath("royalties/moneyflow.py")
    ]
    assert PurePosixPath("test_cli.py") in expected
    assert len(expected[PurePosixPath("course/test_questions.py")]) >= 5
    missing = missing_test_files(ROOT / "valuelab", ROOT / "tests")
    assert not missing, "modules without their test file:\n" + "\n".join(missing)


def test_the_check_lists_what_is_missing(tmp_path):
    package, tests = tmp_path / "valuelab", tmp_path / "tests"
    for module in [
        "__init__.py",
        "cli.py",
        "kpis/__init__.py",
        "kpis/_private.py",
        "kpis/churn.py",
        "kpis/nps.py",
        "data/synthetic/shop.py",
        "data/synthetic/log.py",
    ]:
        (package / module).parent.mkdir(parents=True, exist_ok=True)
        (package / module).write_text("")
    (tests / "kpis").mkdir(parents=True)
    (tests / "kpis" / "test_churn.py").write_text("")
    assert missing_test_files(package, tests) == [
        "tests/test_cli.py (for valuelab/cli.py)",
        "tests/data/test_synthetic.py (for valuelab/data/synthetic/log.py, "
        "valuelab/data/synthetic/shop.py)",
        "tests/kpis/test_nps.py (for valuelab/kpis/nps.py)",
    ]
