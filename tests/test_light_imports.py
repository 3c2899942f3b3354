"""`import valuelab` is light: heavy libraries load only where they are used.

The command line's help must not wait for pandas, and a topic package (a
computation) must not load plotting or widget libraries.
"""

import subprocess
import sys

import pytest


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return set(out.split())


@pytest.mark.parametrize("wing", ["drivers", "royalties", "kpis", "okrs", "scoring", "data"])
def test_a_topic_package_loads_no_plotting_or_widgets(wing):
    loaded = _modules_after(f"import valuelab.{wing}")
    assert not {"plotly", "ipywidgets", "nbformat", "voila"} & loaded


def test_import_valuelab_loads_nothing_heavy():
    loaded = _modules_after("import valuelab")
    assert not {"pandas", "numpy", "plotly", "ipywidgets", "nbformat"} & loaded


def test_the_cli_help_loads_no_pandas_and_no_package_metadata():
    code = (
        "import contextlib, io, valuelab.cli\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    valuelab.cli.main(['--help'])"
    )
    loaded = _modules_after(code)
    assert not {"pandas", "numpy", "plotly", "importlib.metadata"} & loaded


def test_lazy_names_resolve_and_unknown_names_fail():
    import valuelab

    assert valuelab.InputError is __import__("valuelab.core.errors").core.errors.InputError
    assert callable(valuelab.check)
    assert valuelab.__version__
    with pytest.raises(AttributeError):
        valuelab.no_such_name  # noqa: B018
    import valuelab.core

    assert (
        valuelab.core.check_number
        is __import__("valuelab.core.validation").core.validation.check_number
    )
