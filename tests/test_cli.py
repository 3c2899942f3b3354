import subprocess
import sys

import pytest

import valuelab
from valuelab.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "valuelab", *args], capture_output=True, text=True, timeout=120
    )


def test_version_and_help():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"valuelab {valuelab.__version__}"
    out = run("--help")
    assert out.returncode == 0 and "datasets" in out.stdout and "build" in out.stdout


def test_datasets_list_and_show(capsys):
    assert main(["datasets", "list"]) == 0
    listing = capsys.readouterr().out
    assert "spotify_annual" in listing and "sourced" in listing and "synthetic" in listing
    assert main(["datasets", "show", "spotify_annual"]) == 0
    assert "15673" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["datasets", "show", "spotify_anual"], "did you mean 'spotify_annual'"),
        (["datasets", "frobnicate"], "invalid choice"),
        (["build", "--notebooks", "/nonexistent"], "/nonexistent"),
    ],
)
def test_bad_input_prints_one_line_and_exits_2(args, needle):
    out = run(*args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_regenerate_to_a_folder(tmp_path, capsys):
    assert main(["datasets", "regenerate", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "product_events.csv").exists()
    assert "wrote" in capsys.readouterr().out


def test_report_and_batch_take_the_limits_with_the_engines_defaults():
    from valuelab.cli import _parser
    from valuelab.reports import MAX_MEMORY_MB, MAX_OUTPUT_MB, TIMEOUT

    for command in (
        ["report", "t.ipynb", "-o", "r.html"],
        ["batch", "t.ipynb", "--params-from", "r.csv", "--out", "o"],
    ):
        args = _parser().parse_args(command)
        assert (args.timeout, args.max_output_mb, args.max_memory_mb) == (
            TIMEOUT,
            MAX_OUTPUT_MB,
            MAX_MEMORY_MB,
        )
        args = _parser().parse_args(
            [*command, "--timeout", "7", "--max-output-mb", "0.5", "--max-memory-mb", "3000"]
        )
        assert (args.timeout, args.max_output_mb, args.max_memory_mb) == (7, 0.5, 3000)
