"""The kit installs as a wheel that carries its data and its course, and conda and pip agree."""

import json
import os
import re
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml
from support import ROOT, free_port


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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built once for this module's tests (a few seconds)."""
    dist = tmp_path_factory.mktemp("dist")
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
    (built,) = dist.glob("valuelab-*.whl")
    return built


@pytest.mark.slow
def test_wheel_carries_the_data_and_works_outside_the_repo(wheel: Path, tmp_path: Path):
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


def _tracked(*folders: str) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", *folders], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return out.stdout.split()


@pytest.mark.slow
def test_the_wheel_carries_the_course_but_no_solutions(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    course = {n.removeprefix("valuelab/_course/") for n in names if "/_course/" in n}
    notebooks = set(_tracked("notebooks"))  # lessons, apps, thumbnails, report templates
    students = {p for p in _tracked("exercises") if "/student/" in p}
    assert len(students) == 6 and {"notebooks/apps/royalty_calculator.ipynb"} < notebooks
    assert course == notebooks | students
    assert not [n for n in names if "solution" in n or n.endswith("exercises/README.md")]
    assert "valuelab/course/questions/_hidden.py" not in names  # the grader's, from the repo
    # a learner's check(...) runs the question modules: they ship (README, "Course files")
    assert "valuelab/course/questions/kpis.py" in names
    (overrides,) = [n for n in names if n.endswith("lab/settings/overrides.d/valuelab.json")]
    assert overrides.startswith("valuelab-0.1.0.data/data/share/jupyter/")
    settings = json.loads(zipfile.ZipFile(wheel).read(overrides))
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def _fresh_env(wheel: Path, where: Path) -> tuple[Path, dict[str, str]]:
    """A venv outside the repository with the wheel installed; the test env lends its packages.

    The wheel goes in first (pip sees an empty environment, and never touches the test
    environment's own editable valuelab); then a ``.pth`` line appends the test environment's
    site-packages (its ``.pth`` files are not run, so that editable install stays out of
    sight) and ``JUPYTER_PATH`` its Jupyter data (Voila's and nbconvert's templates, the
    kernelspec), as installing the dependencies would.
    """
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install"),
            *("--quiet", "--no-deps", "--no-index", str(wheel)),
        ],
        check=True,
    )
    (site,) = venv.glob("lib/python3*/site-packages")
    (site / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return venv, env


def _serve_one_page(venv: Path, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """``valuelab serve`` from ``cwd``: GET an app's page, then stop; status, page, stderr."""
    port = free_port()
    log = cwd / "serve.err"
    with log.open("w") as err:
        server = subprocess.Popen(
            [str(venv / "bin" / "valuelab"), "serve", "--port", str(port), "--no-browser"],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            url = f"http://127.0.0.1:{port}/voila/render/royalty_calculator.ipynb"
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, log.read_text()
                try:
                    with urllib.request.urlopen(url, timeout=60) as resp:
                        status, page = resp.status, resp.read().decode()
                    break
                except OSError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.3)
        finally:
            server.terminate()
            server.wait(timeout=15)
    return status, page, log.read_text()


@pytest.mark.slow
def test_the_installed_wheel_serves_an_app_and_renders_a_report_from_any_folder(
    wheel: Path, tmp_path: Path
):
    venv, env = _fresh_env(wheel, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (  # where the apps are; the JupyterLab settings this environment imposes
        "import json, valuelab.core as c; from jupyterlab.labapp import LabApp; "
        "from jupyterlab_server.settings_utils import _get_overrides; "
        "print(c.shipped('apps')); print(json.dumps(_get_overrides(LabApp().app_settings_dir)[0]))"
    )
    apps, lab = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert apps.startswith(str(venv)) and apps.endswith("valuelab/_course/notebooks/apps")
    assert json.loads(lab)["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"

    status, page, err = _serve_one_page(venv, env, elsewhere)
    assert status == 200 and "application/vnd.jupyter.widget-view+json" in page
    assert "could not be shown" not in page  # no cell failed
    noise = [line for line in err.splitlines() if "warn" in line.lower()]
    assert not noise, noise  # traitlets' DeprecationWarning, "not trusted", "over TCP"

    report = subprocess.run(
        [
            str(venv / "bin" / "valuelab"),
            "report",
            "spotify_year",
            "-p",
            "year",
            "2021",
            "-o",
            "spotify_2021.html",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.returncode == 0, report.stderr
    assert report.stdout == "wrote spotify_2021.html\n" and report.stderr == ""
    html = (elsewhere / "spotify_2021.html").read_text()
    assert "2021" in html and "plotly" in html

    init = subprocess.run(
        [str(venv / "bin" / "valuelab"), "course", "init", "mine"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0 and "mine: 12 added," in init.stdout, init.stderr
    assert (elsewhere / "mine/exercises/02_royalties/student/exercise.ipynb").is_file()
    assert not list((elsewhere / "mine").rglob("solution.ipynb"))
