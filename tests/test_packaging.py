"""The kit installs as a wheel that carries its data, and conda and pip agree."""

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from support import ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    pip_specs = project["dependencies"] + extras["test"] + extras["clv"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_specs = [d for d in env["dependencies"] if isinstance(d, str)]
    normalise = {_name(s): s.replace(" ", "") for s in pip_specs}
    conda = {_name(s): s.replace(" ", "") for s in conda_specs if _name(s) not in ("python", "pip")}
    assert conda == normalise, "environment.yml and pyproject.toml list different dependencies"
    python = next(s for s in conda_specs if _name(s) == "python")
    assert python.replace(" ", "") == "python" + project["requires-python"]


def test_required_dependencies_are_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(s) for s in project["dependencies"]}
    assert {
        "jupyterlab",
        "ipywidgets",
        "pandas",
        "plotly",
        "voila",
        "papermill",
        "pyyaml",
    } <= runtime
    extras = project["optional-dependencies"]
    assert {"pytest", "nbval", "playwright"} <= {_name(s) for s in extras["test"]}
    assert "dask" in {_name(s) for s in extras["dask"]}
    assert project["scripts"]["valuelab"] == "valuelab.cli:main"


@pytest.mark.slow
def test_wheel_carries_the_data_and_works_outside_the_repo(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("valuelab-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(p.name for p in (ROOT / "datasets").iterdir() if p.is_file())
    for name in shipped:
        assert f"valuelab/_datasets/{name}" in names, f"{name} missing from the wheel"
    served = [p.relative_to(ROOT).as_posix() for p in (ROOT / "valuelab").rglob("*") if p.is_file()]
    served = [
        p for p in served if p.startswith(("valuelab/apps/static/", "valuelab/apps/templates/"))
    ]
    sources = [p for p in served if p.startswith("valuelab/apps/static/page/")]
    served = [p for p in served if p not in sources]
    assert "valuelab/apps/templates/voila/templates/valuelab/index.html.j2" in served
    assert (
        "valuelab/apps/static/page.js" in served
        and "valuelab/apps/static/PAGE-LICENSES.txt" in served
    )
    for name in served:  # valuelab serve's page template, front end, chart loader and plotly
        assert name in names, f"{name} missing from the wheel"
    assert "valuelab/apps/static/page/index.js" in sources
    assert not [n for n in names if n.startswith("valuelab/apps/static/page/")], "sources shipped"
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    probe = (
        "import valuelab, valuelab.data.datasets as d; "
        f"assert valuelab.__file__.startswith({str(target)!r}), valuelab.__file__; "
        "print(d.data_dir()); print(len(d.load('spotify_annual'))); "
        "print(d.data_file('spotify_annual.csv').is_file())"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out[0].startswith(str(target)) and out[0].endswith("_datasets")
    assert out[1:] == ["10", "True"]
