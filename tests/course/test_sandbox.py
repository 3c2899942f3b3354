"""bubblewrap around each submission: what is inside, what is not."""

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from support import EXERCISES, IN_CI, ROOT

from valuelab.course import sandbox


def _need_bwrap() -> None:
    if not sandbox.available():
        message = (
            "bubblewrap cannot start here; `make test` installs it (apt-get install bubblewrap)"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def test_the_sandbox_shares_nothing_and_hides_the_checks(tmp_path):
    if shutil.which("bwrap") is None:
        _need_bwrap()
    nb = tmp_path / "learner.ipynb"
    nb.write_text("{}")
    cmd = sandbox.bwrap_command(nb, ["x"], timeout=5)
    joined = " ".join(cmd)
    for flag in ("--unshare-all", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in cmd
    assert cmd[cmd.index("--uid") + 1] == "65534" and "--cap-drop" in cmd
    questions = cmd.index("/opt/valuelab/valuelab/course/questions")
    assert cmd[questions - 1] == "--tmpfs"
    assert f"{nb} /submission/submission.ipynb" in joined
    bound = {cmd[i + 1] for i, a in enumerate(cmd) if a in ("--bind", "--ro-bind")}
    assert not any(str(EXERCISES).startswith(b) or str(ROOT) == b for b in bound)
    assert "--bind" not in cmd, "nothing of the host is writable"


@pytest.mark.slow
@pytest.mark.timed
def test_a_submission_sees_no_network_no_checks_and_no_host_files(tmp_path):
    _need_bwrap()
    probe = (
        "import importlib.util, os, socket\n"
        "uid = os.getuid()\n"
        "here = sorted(os.listdir('.'))\n"
        f"host = [p for p in {[str(EXERCISES), str(ROOT / 'valuelab'), str(tmp_path)]!r}"
        " if os.path.exists(p)]\n"
        # the checkout's folder exists only as the mount point of its .venv, if that is in it
        f"root = sorted(os.listdir({str(ROOT)!r})) if os.path.isdir({str(ROOT)!r}) else []\n"
        "spec = importlib.util.find_spec('valuelab.course.questions.kpis')\n"
        "checks = None if spec is None else spec.origin\n"
        "try:\n    socket.create_connection(('1.1.1.1', 80), timeout=2); net = 'up'\n"
        "except OSError as err:\n    net = type(err).__name__\n"
        "open('written.txt', 'w').write('x')\n"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(probe)]
    path = tmp_path / "probe.ipynb"
    path.write_text(nbformat.writes(nb))
    names = ["uid", "here", "host", "root", "checks", "net"]
    result = sandbox.run_submission(path, names, timeout=60, wall=300)
    assert result["error"] == "", result
    got = json.loads(result["values"])
    assert got == {
        "uid": 65534,
        "here": ["submission.ipynb"],
        "host": [],
        "root": [".venv"] if (ROOT / ".venv").resolve() == Path(sys.prefix).resolve() else [],
        "checks": None,
        "net": "OSError",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probe.ipynb"]
