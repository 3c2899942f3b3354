"""The course files are found from any folder: the checkout, else the installed copy."""

from pathlib import Path

import pytest
from support import ROOT

from valuelab.core import InputError, course_root, find_template, shipped
from valuelab.core import paths as paths_module


def test_from_a_checkout_every_kind_is_the_repositorys_own_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the current folder plays no part
    assert course_root() == ROOT
    assert shipped("lessons") == ROOT / "notebooks"
    assert shipped("apps") == ROOT / "notebooks" / "apps"
    assert shipped("reports") == ROOT / "notebooks" / "reports"
    assert shipped("exercises") == ROOT / "exercises"


def test_an_installed_package_uses_its_course_copy(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "valuelab"
    (package / "_course" / "notebooks" / "apps").mkdir(parents=True)
    monkeypatch.setattr(paths_module, "_PACKAGE", package)
    assert course_root() == package / "_course"
    assert shipped("apps") == package / "_course" / "notebooks" / "apps"


def test_an_unknown_kind_names_the_kinds():
    with pytest.raises(InputError, match="unknown kind 'solutions'.*lessons, apps, reports"):
        shipped("solutions")


@pytest.mark.parametrize(
    "given", ["spotify_year", "spotify_year.ipynb", "notebooks/reports/spotify_year.ipynb"]
)
def test_a_template_by_name_or_repository_path_from_another_folder(given, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_template(given) == ROOT / "notebooks" / "reports" / "spotify_year.ipynb"


def test_an_existing_file_wins_and_an_unknown_name_comes_back_unchanged(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    own = tmp_path / "spotify_year.ipynb"  # the analyst's own template of the same name
    own.write_text("{}")
    assert find_template("spotify_year.ipynb") == Path("spotify_year.ipynb")
    assert find_template("no_such_report") == Path("no_such_report")
    assert find_template("elsewhere/spotify_year.ipynb") == Path("elsewhere/spotify_year.ipynb")
