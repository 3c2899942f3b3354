import json
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


def _one_error_line(out: subprocess.CompletedProcess, code: int = 2) -> str:
    assert out.returncode == code, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    assert "Traceback" not in out.stderr
    return lines[0]


def test_every_failure_before_a_kernel_is_one_line_and_exit_2(toy, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("label: café\n".encode("latin-1"))
    rows = tmp_path / "rows.csv"
    rows.write_text("n\n1\n")
    batch = ("batch", str(toy), "--params-from", str(rows))
    cases = {
        (
            "report",
            str(toy),
            "-f",
            str(latin1),
            "-o",
            str(tmp_path / "r.html"),
        ): "latin1.yaml",
        ("report", str(toy), "-o", str(blocker / "r.html")): "file: not a folder",
        ("report", str(toy), "-o", str(tmp_path)): "a folder, not a file",
        (*batch, "--out", str(blocker / "out")): "file/out: cannot write there",
        (*batch, "--out", str(tmp_path / "o"), "--name", "{n.x}"): "{n.x} is not a plain column",
        (*batch, "--out", str(tmp_path / "o"), "--name", "{n!r}"): "{n!r} is not a plain column",
        ("batch", str(toy), "--params-from", str(latin1), "--out", str(tmp_path / "o")): "latin1",
    }
    for args, needle in cases.items():
        assert needle in _one_error_line(run(*args)), args
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "o").exists()


def test_arguments_that_are_not_utf8_are_refused_in_one_line(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "valuelab", "report", "t.ipynb", "-o", b"\xff.html"],
        capture_output=True,
        timeout=120,
    )
    out = subprocess.CompletedProcess(out.args, out.returncode, "", out.stderr.decode())
    line = _one_error_line(out)
    assert line == "error: argument 4 is not UTF-8 text: b'\\xff.html'"


def test_a_manifest_that_is_not_utf8_is_one_warning_line(toy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(b"\xff\xfe")
    rows = tmp_path / "rows.csv"
    rows.write_text("n\nx\n")  # fails before a kernel
    done = run("batch", str(toy), "--params-from", str(rows), "--out", str(out), "--name", "n")
    assert done.returncode == 1 and "0 rendered, 0 up to date, 1 failed" in done.stdout
    failed = [line for line in done.stderr.splitlines() if line.startswith("failed: ")]
    assert failed == [
        "failed: x.html: "
        + json.loads((out / "manifest.json").read_text())["x.html"]["error"].splitlines()[0]
    ]
    warnings = [line for line in done.stderr.splitlines() if "manifest.json" in line]
    assert warnings == [
        f"warning: {out / 'manifest.json'}: not UTF-8 text; ignored, every report is rendered again"
    ]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            PermissionError(13, "Permission denied", "/srv/x.csv"),
            "error: /srv/x.csv: Permission denied",
        ),
        (
            RuntimeError("boom\nsecond line"),
            "error: unexpected RuntimeError: boom (VALUELAB_DEBUG=1 shows the traceback)",
        ),
    ],
)
def test_unexpected_errors_are_one_line_too(monkeypatch, capsys, error, line):
    from valuelab.data import datasets

    def fail() -> list:
        raise error

    monkeypatch.setattr(datasets, "list_datasets", fail)
    monkeypatch.delenv("VALUELAB_DEBUG", raising=False)
    assert main(["datasets", "list"]) == 2
    assert capsys.readouterr().err == line + "\n"
    if isinstance(error, RuntimeError):  # a bug: VALUELAB_DEBUG=1 shows its traceback
        monkeypatch.setenv("VALUELAB_DEBUG", "1")
        with pytest.raises(RuntimeError, match="boom"):
            main(["datasets", "list"])


@pytest.mark.slow
@pytest.mark.timed
def test_ctrl_c_while_a_kernel_runs_exits_130_in_one_line(tmp_path):
    import signal
    import time

    import psutil
    from support import write_template

    marker = tmp_path / "running"
    template = write_template(
        tmp_path / "wait.ipynb",
        "pause = 120  # seconds",
        f"import time\nopen({str(marker)!r}, 'w').close()\ntime.sleep(pause)",
    )
    cmd = [
        sys.executable,
        "-m",
        "valuelab",
        "report",
        str(template),
        "-o",
        str(tmp_path / "w.html"),
    ]
    run = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert run.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    kernels = psutil.Process(run.pid).children(recursive=True)
    assert kernels, "the kernel runs"
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 130 and err.strip().splitlines()[-1] == "error: interrupted"
    assert "Traceback" not in err and "Kernel died" not in err and out == ""
    _, alive = psutil.wait_procs(kernels, timeout=5)
    assert not alive, "the kernel is killed with the command"
    assert not (tmp_path / "w.html").exists()


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


def test_data_check_prints_the_report_or_one_error_line(tmp_path, capsys):
    log = tmp_path / "orders.csv"
    log.write_text(
        "customer,paid,price\n007,20240105,10.0\n007,20240131,-2.5\n12,20240215,4.0\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text("user: customer\ntime: paid\namount: price\ncurrency: usd\n")
    assert main(["data", "check", str(log), "--mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert "roles: user <- customer, time <- paid, amount <- price" in out
    assert "rows: 3" in out and "2024-01-05 00:00:00 to 2024-02-15 00:00:00" in out
    assert "times read as yyyymmdd" in out and "currency: USD" in out
    assert "incomplete periods: first month 2024-01 starts on 2024-01-05; last month" in out
    assert "note: 1 negative amounts (refunds): netted in amount" in out
    mapping.write_text("user: cutsomer\ntime: paid\n")
    assert main(["data", "check", str(log), "-m", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean 'customer'?" in err
    assert main(["data", "check", "postgresql://me:hunter2@db/shop?table=t"]) == 2
    err = capsys.readouterr().err
    assert "hunter2" not in err and "PGPASSWORD" in err


def _commands() -> dict:
    """Sub-command name -> (its parser, the one line ``valuelab --help`` shows for it)."""
    import argparse

    from valuelab.cli import _parser

    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    lines = {a.dest: a.help for a in action._choices_actions}
    return {name: (p, lines[name]) for name, p in action.choices.items()}


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_sub_command_says_its_purpose_an_example_and_its_defaults(name, capsys):
    import argparse

    sub, purpose = _commands()[name]
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())  # argparse wraps long lines
    assert purpose and "\n" not in purpose and f"{purpose}." in flat  # the purpose, one line
    examples = out.split("examples:\n", 1)[1].splitlines()
    assert examples and all(e.startswith(f"  valuelab {name}") for e in examples)
    for action in sub._actions:
        if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
            assert f"(default: {action.default})" in flat, f"{action.dest}: no default shown"


def test_the_hidden_defaults_are_in_the_help(capsys):
    def helped(*args):
        with pytest.raises(SystemExit):
            main([*args, "--help"])
        return " ".join(capsys.readouterr().out.split())

    assert "seconds a cell may run when grading (default: 60)" in helped("course")
    for command, option in (("serve", "--apps"), ("build", "--notebooks")):
        text = helped(command).split(f"{option} {option[2:].upper()} ", 1)[1]  # not the usage
        assert text.startswith(("folder of app notebooks (default: the course's apps", "lessons"))
        assert "whatever the current folder" in text and "installed with" in text
    assert "a shipped template's name (spotify_year" in helped("report")
    batch = helped("batch")  # the up-to-date rule, said plainly, and how to catch updates
    assert "An UPDATE that changes an amount but neither the row count nor that" in batch
    assert "latest value is NOT seen: the report is called up to date" in batch
    assert "freshness: updated_at" in batch and "max(updated_at)" in batch
    assert "read from the folder you run valuelab in, not the template's" in batch
    overview = " ".join(run("--help").stdout.split())
    for name, (_, purpose) in _commands().items():
        assert f"{name} {purpose}" in overview


def test_params_and_course_init_work_from_any_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["params", "spotify_year"]) == 0
    assert "year" in capsys.readouterr().out
    assert main(["course", "init", "mine"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "added    notebooks/00_start_here.ipynb" in out
    assert "added    exercises/03_kpis/student/exercise.ipynb" in out
    assert (
        out[-1] == "mine: 12 added, 0 updated, 0 unchanged, 0 kept. Open it with: jupyter lab mine"
    )
    (tmp_path / "mine/exercises/03_kpis/student/exercise.ipynb").write_text("{}")
    assert main(["course", "init", "mine"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "kept     exercises/03_kpis/student/exercise.ipynb  (changed by you: left as it is)",
        "mine: 0 added, 0 updated, 11 unchanged, 1 kept. Open it with: jupyter lab mine",
    ]
    assert main(["course", "init"]) == 2
    assert "needs the learner's FOLDER" in capsys.readouterr().err


def test_serve_start_silences_upstream_noise_and_encrypts_its_kernels():
    import logging
    import warnings

    from valuelab.cli import _quiet_start

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        extra = _quiet_start()
        warnings.warn(  # traitlets' words for the form Voila documents
            '--resources={"valuelab": {}} for dict-traits is deprecated in traitlets 5.0.',
            DeprecationWarning,
            stacklevel=1,
        )
        warnings.warn("--other={} for dict-traits is deprecated", DeprecationWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["--other={} for dict-traits is deprecated"]
    assert extra == ["--KernelManager.transport_encryption=auto"]
    log = logging.getLogger("ValueLabVoila")
    quiet = log.makeRecord(
        log.name, logging.WARNING, "f", 1, "Notebook %s is not trusted", ("a",), None
    )
    other = log.makeRecord(log.name, logging.WARNING, "f", 1, "Kernel %s died", ("a",), None)
    assert [log.filter(quiet), bool(log.filter(other))] == [False, True]


@pytest.mark.slow
def test_batch_renders_one_report_per_segment_straight_from_a_named_connection(
    postgres_db, tmp_path, monkeypatch, capsys
):
    import json

    import pandas as pd

    from valuelab.data.datasets import path
    from valuelab.reports import read_rows, run_batch
    from valuelab.scoring import accounts_frame, score_accounts, segment_portfolio
    from valuelab.scoring import classify as scoring_classify

    frame = pd.read_csv(path("accounts")).rename(columns={"arr_eur": "ARR"})
    frame["updated_at"] = pd.Timestamp("2025-01-31 08:00")
    postgres_db.upload("crm_accounts", frame)
    conf = tmp_path / "connections.yaml"
    conf.write_text(
        f"warehouse: {{url: '{postgres_db.url_without_password}', table: crm_accounts}}\n"
        "nowhere: {url: 'postgresql://valuelab@127.0.0.1:1/x', table: t}\n"
        f"badpass: {{url: '{postgres_db.url_without_password}', password: '${{WRONG}}'}}\n"
    )
    for name, value in {**postgres_db.env, "VALUELAB_CONNECTIONS": str(conf)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WRONG", "not-the-password")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "kind: accounts\nfreshness: updated_at\ncurrency: EUR\ncolumns: {arr: ARR}\n"
    )
    segments = tmp_path / "segments.csv"
    segments.write_text("segment\nSMB\nEnterprise\n")
    template, out = "notebooks/reports/portfolio_review.ipynb", tmp_path / "out"
    batch = ["batch", template, "--params-from", str(segments), "--out", str(out)]

    assert main([*batch, "-p", "source", "warehouse", "-p", "mapping", str(mapping)]) == 0
    assert "2 rendered, 0 up to date, 0 failed" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    sample = accounts_frame(pd.read_csv(path("accounts")))
    for segment in ("SMB", "Enterprise"):
        entry = manifest[f"{segment}.html"]
        oracle = sample[sample["segment"] == segment]  # plain pandas picks the segment
        risk = segment_portfolio(score_accounts(oracle)).loc["churn risk", "arr"]
        assert entry["records"] == {"accounts": len(oracle), "arr_at_risk": risk, "currency": "EUR"}
        assert entry["source"]["freshness"] == "2025-01-31T08:00:00"
        assert entry["source"]["rows"] == len(frame)
        assert entry["source"]["source"].startswith("@warehouse (postgresql://valuelab@")
    smb = sample[sample["segment"] == "SMB"]
    at_risk = int((scoring_classify(score_accounts(smb)) == "churn risk").sum())
    page = (out / "SMB.html").read_text()
    assert "Data: @warehouse" in page
    assert f"At churn risk: {at_risk:,} accounts" in page  # a count, never 73.0

    rows = read_rows(segments)
    again = {"source": "warehouse", "mapping": str(mapping)}
    skipped = run_batch(template, rows, out, quiet=True, constants=again)
    assert [i.status for i in skipped.items] == ["skipped", "skipped"]
    with postgres_db.connect() as con:  # new data arrives: the declared freshness moves
        con.execute("UPDATE crm_accounts SET updated_at = '2025-02-28 08:00' WHERE segment = 'SMB'")
    moved = run_batch(template, rows, out, quiet=True, constants=again, only=rows[:1])
    assert [i.status for i in moved.items] == ["ok"]
    assert moved.items[0].source["freshness"] == "2025-02-28T08:00:00"
    secret = postgres_db.passfile.read_text().strip().rsplit(":", 1)[1]
    assert not any(secret in f.read_text() for f in out.iterdir() if f.is_file())

    for name, message in [("nowhere", "database unreachable"), ("badpass", "wrong user name")]:
        bad = run_batch(
            template, rows, out, quiet=True, name="{segment}-" + name, constants={"source": name}
        )
        assert [i.status for i in bad.items] == ["failed", "failed"]  # no kernel started
        page = (out / f"SMB-{name}.html").read_text()
        assert message in bad.items[0].error and message in page
        assert "not-the-password" not in page + bad.items[0].error
    secret_url = "postgresql://valuelab:hunter2@127.0.0.1/valuelab"
    assert main([*batch, "--out", str(tmp_path / "never"), "-p", "source", secret_url]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and "hunter2" not in err and not (tmp_path / "never").exists()


@pytest.mark.slow
def test_a_report_on_data_it_cannot_use_is_one_line_and_exit_2(tmp_path, capsys):
    import pandas as pd

    from valuelab.data.datasets import path

    mine = tmp_path / "crm.csv"
    pd.read_csv(path("accounts")).rename(columns={"segment": "Segmnt"}).to_csv(mine, index=False)
    out = tmp_path / "r.html"
    template = "notebooks/reports/portfolio_review.ipynb"
    assert main(["report", template, "-p", "source", str(mine), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no column for 'segment'; did you mean 'Segmnt'?" in err
    assert not out.exists()  # nothing half-written


def test_serve_beyond_loopback_makes_a_token_and_warns(monkeypatch, capsys, tmp_path):
    import os

    from valuelab.apps import server

    started = []
    monkeypatch.setattr(server, "main", started.append)
    monkeypatch.delenv(server.TOKEN_ENV, raising=False)
    (tmp_path / "eu.csv").write_text("account_id\nA1\n", encoding="utf-8")
    source = f"EU accounts={tmp_path / 'eu.csv'}"
    code = main(
        ["serve", "--host", "0.0.0.0", "--no-browser", "--max-kernels", "9", "--source", source]
    )
    out, err = capsys.readouterr()
    assert code == 0 and err.startswith("warning: listening on 0.0.0.0 (beyond this machine)")
    # without --public-url only localhost would pass the host check: the warning says so
    assert "give --public-url with the address visitors use" in err and err.count("\n") == 1
    token = out.split("?token=")[1].split()[0]
    assert len(token) == 32 and os.environ.pop(server.TOKEN_ENV) == token
    (argv,) = started
    assert "--Voila.ip=0.0.0.0" in argv and "--ValueLabVoila.max_kernels=9" in argv
    assert not any(token in a for a in argv), "the token is not on the command line"
    assert f'--ValueLabVoila.sources_json={{"EU accounts": "{tmp_path / "eu.csv"}"}}' in argv
    started.clear()
    public = ["--public-url", "http://192.0.2.7:8866", "--new-visitors-per-minute", "12"]
    assert main(["serve", "--host", "0.0.0.0", "--no-browser", *public]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("valuelab apps: http://192.0.2.7:8866/?token=")  # the slash added
    assert "--public-url" not in err and "--ValueLabVoila.new_visitors_per_minute=12" in started[0]
    os.environ.pop(server.TOKEN_ENV)
    started.clear()
    assert main(["serve", "--no-browser"]) == 0  # loopback: no token, no warning
    out, err = capsys.readouterr()
    assert "token" not in out and err == "" and server.TOKEN_ENV not in os.environ


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--source", "EU"], "NAME=PATH or NAME=@connection"),
        (["--source", "EU=/nowhere/eu.csv"], "no such file or named connection"),
        (["--max-kernels", "0"], "max_kernels=0"),
        (["--certfile", "c.pem"], "certfile and keyfile go together"),
        (["--config", "/nowhere/serve.yaml"], "cannot read"),
    ],
)
def test_serve_settings_are_checked_before_the_server_starts(args, needle, capsys):
    assert main(["serve", "--no-browser", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and needle in err and len(err.strip().splitlines()) == 1


_ORDERS = """cust_id,day,what,usd,fees,score,tier
007,20240115,signup,,,,gold
007,20240116,buy,100.0,40.0,,gold
12,20240120,signup,,,,silver
12,20240210,buy,30.0,10.0,,silver
12,20240220,survey,,,9,silver
007,20240301,buy,50.0,20.0,,gold
"""
_ORDERS_MAPPING = (
    "user: cust_id\ntime: day\nevent: what\namount: usd\ncost: fees\nnps: score\n"
    "segment: tier\ncurrency: USD\nreporting_timezone: Europe/Madrid\n"
)


@pytest.fixture
def orders(tmp_path):
    log, mapping = tmp_path / "orders.csv", tmp_path / "orders.yaml"
    log.write_text(_ORDERS, encoding="utf-8")
    mapping.write_text(_ORDERS_MAPPING, encoding="utf-8")
    return log, mapping


def _read_back(path):
    import pandas as pd

    if path.suffix == ".csv":
        return pd.read_csv(path, index_col=0, parse_dates=[0])
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_excel(path, sheet_name="data", index_col=0)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_kpis_writes_the_table_in_the_suffix_format_with_its_provenance(
    orders, tmp_path, capsys, suffix
):
    import pandas as pd

    from valuelab.data.sources import open_source
    from valuelab.kpis.events import kpi_table

    log, mapping = orders
    out = tmp_path / f"kpis{suffix}"
    assert main(["kpis", str(log), "-m", str(mapping), "--value-event", "buy", "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""  # quiet when stderr is no terminal
    want = kpi_table(open_source(log, mapping), "month", value_event="buy")
    back = _read_back(out)
    back.index = pd.DatetimeIndex(back.index).as_unit("ns")
    pd.testing.assert_frame_equal(
        back.astype(want.dtypes), want, check_freq=False, check_names=False
    )
    assert want["revenue"].tolist() == [100.0, 30.0, 50.0]  # USD, January 15 to March 1
    assert want["complete"].tolist() == [False, True, False]
    if suffix == ".parquet":
        facts = back.attrs["provenance"]
    elif suffix == ".xlsx":
        about = pd.read_excel(out, sheet_name="about")
        facts = dict(zip(about["key"], about["value"], strict=True))
        assert facts["mapping.columns.time"] == "day"
    else:
        import json

        facts = json.loads((tmp_path / "kpis.csv-metadata.json").read_text())["notes"][0]
        sidecar = (tmp_path / out.name).with_name("kpis.csv-metadata.json").read_text()
        assert "Margin per customer, net of refunds (USD per customer)" in sidecar
        assert "Revenue, net of refunds (USD)" in sidecar  # as the report labels it
    assert facts["source"] == str(log) and facts["currency"] == "USD"
    assert facts["timezone"] == "Europe/Madrid" and facts["as_of"]


def test_kpis_shows_its_steps_when_asked_and_takes_a_period_and_segment(orders, tmp_path, capsys):
    import pandas as pd

    log, mapping = orders
    out = tmp_path / "gold.csv"
    args = ["kpis", str(log), "-m", str(mapping), "--period", "week", "--segment", "gold"]
    args += ["--value-event", "buy"]  # the log has no "purchase" (the default): refused
    assert main([*args, "-o", str(out), "--progress"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "opening the source…" and err[-1] == "computing gold: lifetime value (6/6)…"
    assert "computing gold: retention (2/6)…" in err and len(err) == 7
    table = pd.read_csv(out, index_col=0)
    assert table.index[0] == "2024-01-15" and set(table["segment"]) == {"gold"}  # Monday weeks
    assert table["revenue"].sum() == 150.0


def test_kpis_refuses_an_event_the_log_never_records_listing_its_events(orders, tmp_path, capsys):
    log, mapping = orders
    out = tmp_path / "kpis.csv"
    assert main(["kpis", str(log), "-m", str(mapping), "-o", str(out)]) == 2  # no "purchase"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and not out.exists()
    assert "value_event: no events named 'purchase' in the source" in err
    assert "(expected one of buy, signup, survey)" in err  # the analyst may read the log's names


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (
            ("user: cust_id", "user: cust"),
            "no column 'cust' for role 'user'; did you mean 'cust_id'?",
        ),
        (
            ("20240210", "2024-02-10"),
            "column 'day': unparseable times on 1 of 6 rows (e.g. row 4: cust_id='12', "
            "day='2024-02-10'",
        ),
        (("", ""), "cannot tell the format from the suffix '.txt'"),
        (("orders.csv", "postgresql://me@127.0.0.1:9/shop?table=t"), "127.0.0.1"),
        (("", "empty"), "the table is empty"),
    ],
)
def test_kpis_bad_input_is_one_line_exit_2_and_nothing_written(
    orders, tmp_path, capsys, change, needle
):
    log, mapping = orders
    source, out = str(log), tmp_path / "kpis.csv"
    if change[0].startswith("user"):
        mapping.write_text(_ORDERS_MAPPING.replace(*change))
    elif change[0] == "20240210":
        log.write_text(_ORDERS.replace(*change))
    elif change[1] == "":
        out = tmp_path / "kpis.txt"
    elif change[1] == "empty":  # typed columns, no rows
        import pandas as pd

        source = str(tmp_path / "empty.parquet")
        pd.read_csv(log, dtype={"cust_id": str}).iloc[:0].to_parquet(source)
    else:
        source = change[1]
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["kpis", source, "-m", str(mapping), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and needle in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


@pytest.mark.slow
def test_relative_paths_in_report_parameters_are_read_from_the_callers_folder(
    orders, tmp_path, monkeypatch, capsys
):
    """`valuelab report product_kpis -p source orders.csv -p mapping orders.yaml` in their folder.

    The kernel runs in the template's folder: the CLI resolves the paths before it starts.
    """
    monkeypatch.chdir(tmp_path)
    given = ["-p", "source", "orders.csv", "-p", "mapping", "orders.yaml"]
    args = ["report", "product_kpis", *given, "-p", "value_event", "buy", "-o", "r.html"]
    assert main(args) == 0
    page = (tmp_path / "r.html").read_text()
    assert "money in <strong>USD</strong>" in page and f"data: {tmp_path / 'orders.csv'}" in page
    missing = ["report", "product_kpis", "-p", "source", "nothere.csv", "-o", "x.html"]
    assert main(missing) == 2
    err = capsys.readouterr().err
    assert f"no such file {tmp_path / 'nothere.csv'}" in err and str(tmp_path) in err
    assert "not the template's" in err and not (tmp_path / "x.html").exists()


def test_a_batch_resolves_relative_paths_before_any_kernel(tmp_path, monkeypatch):
    from support import NOTEBOOKS

    from valuelab.reports import run_batch

    monkeypatch.chdir(tmp_path)
    template = NOTEBOOKS / "reports" / "product_kpis.ipynb"
    rows = [{"segment": "gold"}]
    bad = run_batch(template, rows, "out", quiet=True, constants={"mapping": "m.yaml"})
    assert [i.status for i in bad.items] == ["failed"]  # no kernel started
    assert f"no such file {tmp_path / 'm.yaml'}" in bad.items[0].error


#: Words a sentence does not end on: a help text ending on one was cut short.
_DANGLING = {"a", "after", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "per"}
_DANGLING |= {"than", "the", "to", "with", "before", "when", "is", "are", "be"}


@pytest.mark.parametrize("name", sorted(_commands()))
def test_no_help_text_is_cut_short_and_every_value_option_shows_its_default(name, capsys):
    """Walk every option of every sub-command: whole sentences, and a default for each value."""
    import argparse
    import dataclasses

    from valuelab.apps.serving.config import ServeConfig

    sub, _ = _commands()[name]
    served = {f.name: f.default for f in dataclasses.fields(ServeConfig)}
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        text = " ".join((action.help or "").split())
        words = text.rstrip(").").split()
        assert words and words[-1].lower() not in _DANGLING, f"{name} {action.dest}: {text!r}"
        takes_value = action.option_strings and action.nargs != 0 and not action.required
        if takes_value and action.type in (int, float) and action.default is None:
            assert "(default" in text, f"{name} {action.dest}: no default in {text!r}"
        if name == "serve" and action.dest in served and action.type in (int, float):
            assert f"(default: {served[action.dest]})" in text, f"{action.dest}: {text!r}"
    with pytest.raises(SystemExit):
        main([name, "--help"])
    assert "%(" not in capsys.readouterr().out  # every %-placeholder was filled


def test_course_build_outside_the_repository_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "learners.csv").write_text("learner_id\nada@example.org\n")
    assert main(["course", "build", "--roster", "learners.csv", "--out", "handout"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "run it in the course repository or pass --exercises PATH" in err
    assert "they are not in the wheel" in err and not (tmp_path / "handout").exists()
    with pytest.raises(SystemExit):
        main(["course", "--help"])
    helped = " ".join(capsys.readouterr().out.split())
    assert "give this path (default: exercises)" in helped
    assert "valuelab course build --learner-id ada@example.org --out handout/ada@example.org" in (
        helped
    )


def _error(capsys) -> str:
    """The one `error:` line a failed command printed (asserted to be one line)."""
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return err


def test_a_mapping_typo_and_misnamed_columns_are_reported_together(orders, tmp_path, capsys):
    log, _ = orders
    mapping = tmp_path / "typo.yaml"
    mapping.write_text("curency: USD\nuser: CustId\ntime: dya\nevent: what\n")
    assert main(["data", "check", str(log), "--mapping", str(mapping)]) == 2
    err = _error(capsys)
    assert "3 problems" in err
    assert "unknown key 'curency'; did you mean 'currency'?" in err
    assert "no column 'CustId' for role 'user'; did you mean 'cust_id'?" in err
    assert "no column 'dya' for role 'time'; did you mean 'day'?" in err


def test_a_wrong_excel_sheet_lists_the_workbooks_sheets(tmp_path, capsys):
    import pandas as pd

    book = tmp_path / "log.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"u": ["a"], "t": ["2024-01-05"]}).to_excel(writer, sheet_name="Events")
        pd.DataFrame({"note": ["x"]}).to_excel(writer, sheet_name="Notes")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("sheet: Events1\nuser: u\ntime: t\n")
    assert main(["data", "check", str(book), "--mapping", str(mapping)]) == 2
    err = _error(capsys)
    assert "the workbook has no sheet 'Events1'; did you mean 'Events'?" in err
    assert "(expected sheet: one of 'Events', 'Notes' in the mapping)" in err
    assert "column" not in err


def test_two_digit_year_times_suggest_a_date_format(orders, tmp_path, capsys):
    log, mapping = orders
    log.write_text("cust_id,day\n007,17/01/24\n12,31/01/24\n", encoding="utf-8")
    mapping.write_text("user: cust_id\ntime: day\n")
    assert main(["data", "check", str(log), "--mapping", str(mapping)]) == 2
    err = _error(capsys)
    assert "column 'day': unparseable times on 2 of 2 rows (e.g. row 1: cust_id='007'" in err
    assert 'declare date_format: "%d/%m/%y"' in err
    mapping.write_text('user: cust_id\ntime: day\ndate_format: "%d/%m/%y"\n')
    assert main(["data", "check", str(log), "--mapping", str(mapping)]) == 0
    assert "2024-01-17 00:00:00 to 2024-01-31 00:00:00" in capsys.readouterr().out


def test_decimal_commas_are_named_with_rows_and_read_once_declared(tmp_path, capsys):
    log, mapping = tmp_path / "eu.csv", tmp_path / "eu.yaml"
    log.write_text("Cust;Day;PriceUSD\n7;2024-01-05;12,50\n7;2024-01-31;3\n9;2024-02-01;1.234,5\n")
    mapping.write_text("user: Cust\ntime: Day\namount: PriceUSD\ncurrency: USD\n")
    assert main(["data", "check", str(log), "--mapping", str(mapping)]) == 2
    err = _error(capsys)
    assert "column 'PriceUSD': text, not numbers, on 2 of 3 rows" in err
    assert "row 1: PriceUSD='12,50'; row 3: PriceUSD='1.234,5'" in err
    assert 'they look like decimal commas: declare decimal: "," in the mapping' in err
    log.write_text("Cust;Day;PriceUSD\n7;2024-01-05;12,50\n7;2024-01-31;3\n9;2024-02-01;4,25\n")
    mapping.write_text(mapping.read_text() + 'decimal: ","\n')
    assert main(["data", "check", str(log), "--mapping", str(mapping)]) == 0
    assert "rows: 3" in capsys.readouterr().out
    from valuelab.data.sources import open_source

    assert open_source(log, mapping).to_pandas()["amount"].tolist() == [12.5, 3.0, 4.25]


def test_kpis_without_a_mapping_lists_only_the_required_roles_as_missing(tmp_path, capsys):
    import pandas as pd

    log = tmp_path / "log.parquet"
    pd.DataFrame({"CustomerNo": ["1"], "Day": [20240105], "Action": ["buy"]}).to_parquet(log)
    assert main(["kpis", str(log), "-o", str(tmp_path / "x.csv")]) == 2
    err = _error(capsys)
    assert "4 problems" in err  # user, time, event and a note: not 7 roles
    for column in ("user_id", "date", "event"):
        assert f"no column '{column}' for role" in err
    assert "no column 'cogs_eur'" not in err and "no column 'channel'" not in err
    assert "optional columns revenue_eur (amount), cogs_eur (cost)" in err
    assert not (tmp_path / "x.csv").exists()


def test_an_unknown_connection_names_the_connections_file_given(tmp_path, capsys):
    conns = tmp_path / "conns.yaml"
    conns.write_text("warehouse: {url: 'postgresql://me@127.0.0.1:9/shop', table: events}\n")
    args = ["kpis", "@warehous", "--connections", str(conns), "-o", str(tmp_path / "x.csv")]
    assert main(args) == 2
    err = _error(capsys)
    assert "did you mean 'warehouse'?" in err and f"a connection named in {conns}" in err
    assert ".config/valuelab" not in err


def test_kpis_left_empty_by_a_missing_role_are_noted_once(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text(
        "user_id,date,event,revenue_eur,channel\n"
        "a,2024-01-01,signup,,paid\na,2024-01-02,purchase,30.0,paid\n"
        "b,2024-01-03,purchase,10.0,seo\n",
        encoding="utf-8",
    )
    out = tmp_path / "k.csv"
    assert main(["kpis", str(log), "-o", str(out), "--by-segment"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "note: margin per customer and lifetime value to date are empty: no cost role "
        "(cost: COLUMN in the mapping)",
        "note: NPS is empty: no nps role (nps: COLUMN in the mapping)",
    ]
    mapping = tmp_path / "m.yaml"
    mapping.write_text("user: user_id\ntime: date\nevent: event\namount: revenue_eur\n")
    assert main(["data", "check", str(log), "-m", str(mapping)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[1].strip() for line in lines if line.startswith("note:")] == [
        "amounts carry no declared currency (currency",  # the check's own notes first
        "margin per customer and lifetime value to date are empty",
        "NPS is empty",
    ]
