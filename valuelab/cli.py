"""The ``valuelab`` command line.

Every failure prints one line ``error: ...`` to stderr, never a traceback:
bad input (a file, an argument, an output that cannot be written, a
non-UTF-8 file or argument, data a report refuses) exits with code 2, a
report that failed otherwise with 1, and Ctrl-C (SIGINT) with 130 — at
once, even while kernels run: what is written is whole (files are written
by rename, a batch's manifest after every report), so a re-run goes on
where it stopped. Set
``VALUELAB_DEBUG=1`` to see the traceback of an unexpected error. Each
sub-command lives in a small function here that calls the package.

The course's files (lessons, apps, report templates) are found by
:func:`valuelab.core.shipped`: the repository checkout valuelab runs from,
else the copy installed with the package, so every command works from any
folder. ``valuelab <command> --help`` shows each command's purpose, an
example and its defaults.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from valuelab.core import InputError, ValueLabError

__all__ = ["main"]


def _datasets(args: argparse.Namespace) -> int:
    from valuelab.data import datasets

    if args.action == "list":
        for name in datasets.list_datasets():
            spec = datasets.info(name)
            kind = "synthetic" if spec.synthetic else "sourced"
            print(f"{name:<20} {kind:<10} {spec.description}")
    elif args.action == "show":
        if not args.name:
            raise InputError("missing dataset name", source="valuelab datasets show")
        print(datasets.load(args.name).to_string(max_rows=20))
    else:
        for path in datasets.regenerate(args.out):
            print(f"wrote {path}")
    return 0


def _data(args: argparse.Namespace) -> int:
    from valuelab.data.sources import open_source

    source = open_source(args.source, args.mapping, connections=args.connections)
    print(source.check().to_text())
    if source.mapping.kind == "events":  # what the product KPI table (valuelab kpis) lacks
        from valuelab.kpis.events.table import empty_kpis

        for note in empty_kpis(source.roles):
            print(f"note: {note}")
    return 0


def _kpis(args: argparse.Namespace) -> int:
    from valuelab.data.export import export_format, write_table
    from valuelab.kpis.events import table as kpi

    out = Path(args.out)
    export_format(out)  # an unknown suffix is refused before any work
    if out.is_dir() or not out.parent.resolve().is_dir():
        raise InputError("not a file in an existing folder", source=str(out), expected="OUT.csv")
    shown = args.progress or sys.stderr.isatty()

    def progress(step: str, i: int, n: int) -> None:
        print(f"computing {step} ({i}/{n})…", file=sys.stderr, flush=True)

    if shown:
        print("opening the source…", file=sys.stderr, flush=True)
    source = kpi.kpi_source(args.source, args.mapping or "", connections=args.connections)
    table = kpi.kpi_table(
        source,
        args.period,
        args.segment or None,
        by_segment=args.by_segment,
        start_event=args.start_event,
        value_event=args.value_event,
        progress=progress if shown else None,
    )
    labels = kpi.describe(source.currency, table.attrs.get("money_basis"))  # net or gross
    for path in write_table(table, out, columns=labels):
        print(f"wrote {path}")
    for note in table.attrs.get("notes", []):  # KPIs left empty for lack of a role: said once
        print(f"note: {note}", file=sys.stderr)
    return 0


def _build(args: argparse.Namespace) -> int:
    from valuelab.course import site

    index = site.build(args.out, notebooks_dir=args.notebooks)  # None: the course's own
    print(f"Open {index} in a browser.")
    return 0


def _params(args: argparse.Namespace) -> int:
    from valuelab.core import find_template
    from valuelab.reports import fields, table

    print(table(fields(find_template(args.template))))
    return 0


def _utf8(read, path: str, *args: object) -> object:
    """``read(path, *args)``, a file that is not UTF-8 text being an InputError naming it."""
    try:
        return read(path, *args)
    except UnicodeDecodeError as err:
        raise InputError(
            f"not UTF-8 text (byte {err.object[err.start : err.start + 1]!r} at {err.start})",
            source=str(path),
            expected="a UTF-8 file",
        ) from None


def _values(args: argparse.Namespace) -> dict:
    from valuelab.reports import read_params_file

    values = _utf8(read_params_file, args.file) if args.file else {}
    for name, value in args.param or []:
        values[name] = value
    return values


def _report(args: argparse.Namespace) -> int:
    from valuelab.core.no_iri import import_jsonschema

    import_jsonschema()  # before nbformat loads it
    import nbformat

    from valuelab.core import find_template
    from valuelab.reports import (
        KernelWorker,
        ReportError,
        check_writable,
        coerce,
        fields,
        resolve_paths,
        to_html,
        write_atomic,
    )

    template = find_template(args.template)
    params = coerce(fields(template), _values(args), template.name)  # before any kernel
    params = resolve_paths(params)  # the caller's folder: the kernel runs in the template's
    out = Path(args.out)
    if out.is_dir():
        raise InputError("a folder, not a file", source=str(out), expected="an HTML file name")
    check_writable(out.parent)  # before any kernel
    limits = (args.timeout, args.max_output_mb, args.max_memory_mb)
    with KernelWorker(*limits) as worker:
        try:
            nb = worker.run(template, params)
        except ReportError as err:  # the report refused its input (the data): bad input
            if err.ename != "InputError":
                raise
            raise InputError(err.evalue, source=template.name) from None
    write_atomic(out, to_html(nb))
    if args.keep_notebook:
        write_atomic(out.with_suffix(".ipynb"), nbformat.writes(nb))
    print(f"wrote {out}")
    return 0


def _batch(args: argparse.Namespace) -> int:
    from valuelab.reports import read_rows, run_batch

    rows = _utf8(read_rows, args.params_from)
    only = _utf8(read_rows, args.params_from, args.where) if args.where else None
    from valuelab.core import find_template

    result = run_batch(
        find_template(args.template),
        rows,
        args.out,
        only=only,
        workers=args.workers,
        force=args.force,
        name=args.name,
        dask=args.dask,
        timeout=args.timeout,
        max_output_mb=args.max_output_mb,
        max_memory_mb=args.max_memory_mb,
        source=str(args.params_from),
        constants=dict(args.param or []),
    )
    for item in result.items:  # why each failed, beside its error page
        if item.status == "failed":
            print(
                f"failed: {item.name}: {item.error.splitlines()[0] if item.error else ''}",
                file=sys.stderr,
            )
    print(result.summary())
    return 1 if result.failed else 0


def _course(args: argparse.Namespace) -> int:
    from valuelab.course import grading

    if args.action == "init":
        return _course_init(args)
    if args.action == "build":
        return _course_build(args)
    if not args.submissions or not args.out:
        raise InputError("needs SUBMISSIONS and --out", source="valuelab course grade")
    table = grading.grade(
        args.submissions,
        args.out,
        timeout=args.timeout,
        sandboxed=not args.no_sandbox,
        memory_mb=args.memory_mb,
        force=args.force,
        progress=True,
        roster=args.roster,
    )
    print(f"wrote {table} and {table.parent / 'feedback'}/")
    return 0


def _course_init(args: argparse.Namespace) -> int:
    from valuelab.course import init_workspace

    if not args.submissions:
        raise InputError("needs the learner's FOLDER", source="valuelab course init")
    report = init_workspace(args.submissions)
    for outcome in ("added", "updated", "kept"):
        for path in report[outcome]:
            note = "  (changed by you: left as it is)" if outcome == "kept" else ""
            print(f"{outcome:<8} {path}{note}")
    counts = ", ".join(f"{len(v)} {k}" for k, v in report.items())
    print(f"{args.submissions}: {counts}. Open it with: jupyter lab {args.submissions}")
    return 0


def _course_build(args: argparse.Namespace) -> int:
    from valuelab.course import copies, roster

    if args.roster:
        if not args.out or args.learner_id or args.in_place:
            raise InputError(
                "--roster needs --out DIR (and no --learner-id or --in-place)",
                source="valuelab course build",
            )
        built = roster.build_cohort(args.exercises, args.roster, args.out, progress=True)
        count = sum(map(len, built.values()))
        print(f"wrote {count} notebooks for {len(built)} learners in {args.out}/")
        return 0
    written = copies.build_students(
        args.exercises, args.learner_id, args.out, in_place=args.in_place
    )
    for path in written:
        print(f"wrote {path}")
    return 0


class _Version(argparse.Action):
    """``--version``: looked up only when asked (importlib.metadata is slow to import)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from valuelab import __version__

        print(f"valuelab {__version__}")
        parser.exit()


class _Help(argparse.RawDescriptionHelpFormatter):
    """Help as written (examples keep their lines), every option's default shown.

    Like :class:`argparse.ArgumentDefaultsHelpFormatter`, but a help text that
    already says ``(default: ...)`` in words is left as it is, and flags and
    options without a default (``None``, ``False``) get no ``(default: None)``.
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "(default" in text or action.default in (None, False, argparse.SUPPRESS):
            return text
        if action.option_strings or action.nargs in ("?", "*"):
            return f"{text} (default: %(default)s)"
        return text


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``error: ...`` on stderr, exit code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {self.prog}: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def _quiet_start() -> list[str]:
    """Silence the upstream noise of a server start; return the options that avoid the rest.

    - traitlets warns (DeprecationWarning) about the ``--VoilaConfiguration.resources={...}``
      form Voila documents for its dict option: filtered by its message.
    - jupyter_server logs "Notebook X is not trusted" per app: trust decides whether a
      notebook's saved outputs are shown, and the apps are committed without outputs and run
      afresh: filtered by that message on the server's logger.
    - ipykernel 7 warns that a kernel "is running over TCP without encryption" unless it gets
      CurveZMQ keys: jupyter_client provisions them with
      ``KernelManager.transport_encryption=auto`` (ipykernel's kernelspec declares curve), so
      the kernels are encrypted rather than the warning hidden (older versions do not warn).
    """
    import logging
    import warnings

    import zmq
    from jupyter_client.manager import KernelManager

    warnings.filterwarnings(
        "ignore",
        message=r"--resources=\{.* for dict-traits is deprecated",
        category=DeprecationWarning,
    )
    logging.getLogger("ValueLabVoila").addFilter(
        lambda record: record.msg != "Notebook %s is not trusted"
    )
    if "transport_encryption" in KernelManager.class_trait_names() and zmq.has("curve"):
        return ["--KernelManager.transport_encryption=auto"]
    return []


def _serve(args: argparse.Namespace) -> int:
    import valuelab.core.no_iri  # noqa: F401  # before Voila's server loads jsonschema
    from valuelab.apps import server as serve
    from valuelab.apps.serving import is_loopback, load_config, visitor_token

    flags = {k: getattr(args, k) for k in _SERVE_FLAGS}
    config = load_config(args.config, source=args.source, **flags)
    token = visitor_token(config.host, config.token)
    argv = serve.voila_argv(
        config.apps,
        port=config.port,
        host=config.host,
        open_browser=not args.no_browser,
        cull_idle_seconds=config.cull_idle_seconds,
        cull_interval_seconds=config.cull_interval_seconds,
        serve=config,
    )
    argv += _quiet_start()
    if config.public_url:  # the apps' saved reports link back to the view there (kit.snapshot)
        os.environ["VALUELAB_PUBLIC_URL"] = config.public_url
    scheme = "https" if config.certfile else "http"
    url = config.public_url.rstrip("/") + "/" if config.public_url else ""
    url = url or f"{scheme}://{config.host}:{config.port}/"
    if token:
        os.environ[serve.TOKEN_ENV] = token
        url += f"?token={token}"
    if not is_loopback(config.host):
        # a Host the server does not know is refused (DNS rebinding): a wildcard
        # address needs the public URL to let other machines' visitors in
        hint = (
            ""
            if config.public_url or config.host not in ("0.0.0.0", "::")
            else ("; give --public-url with the address visitors use, or only localhost gets in")
        )
        print(
            f"warning: listening on {config.host} (beyond this machine): visitors need the "
            f"token once{hint}; see README 'Serving to others'",
            file=sys.stderr,
        )
    print(f"valuelab apps: {url}  (Ctrl-C to stop)", flush=True)
    serve.main(argv)
    return 0


def _command(
    sub: argparse._SubParsersAction, name: str, purpose: str, *examples: str
) -> argparse.ArgumentParser:
    """A sub-command whose ``--help`` starts with its purpose and ends with examples."""
    lines = "\n".join(f"  {e}" for e in examples)
    return sub.add_parser(
        name, help=purpose, description=f"{purpose}.", epilog=f"examples:\n{lines}"
    )


#: ``valuelab serve`` flags that override the config file (None: not given).
_SERVE_FLAGS = (
    "apps",
    "host",
    "port",
    "public_url",
    "token",
    "certfile",
    "keyfile",
    "max_kernels",
    "client_kernels",
    "max_memory_mb",
    "messages_per_second",
    "new_visitors_per_minute",
    "client_header",
    "cull_idle_seconds",
)


def _add_kit_commands(sub: argparse._SubParsersAction) -> None:
    """``datasets``, ``build`` and ``serve``: the data, the course site and the apps."""
    p = _command(
        sub,
        "datasets",
        "list, show or regenerate the shipped datasets",
        "valuelab datasets list",
        "valuelab datasets show spotify_annual",
        "valuelab datasets regenerate --out /tmp/datasets",
    )
    p.add_argument(
        "action",
        choices=["list", "show", "regenerate"],
        help="list the datasets, show one, or regenerate them all",
    )
    p.add_argument("name", nargs="?", help="dataset name (for show)")
    p.add_argument("--out", default=None, help="folder for regenerate (default: the data folder)")
    p.set_defaults(func=_datasets)

    p = _command(
        sub,
        "data",
        "check the analyst's own data: roles, rows, dates, notes; every problem (exit 2)",
        "valuelab data check orders.csv --mapping orders.yaml",
        "valuelab data check 'postgresql://me@db.example.org/shop?table=orders' -m orders.yaml",
    )
    p.add_argument(
        "action", choices=["check"], help="check: report roles, rows, dates, notes, problems"
    )
    p.add_argument(
        "source",
        help="CSV/Parquet/JSON file or glob, .xlsx, .duckdb/.sqlite file, "
        "postgresql://user@host/db?table=T, or @name of a named connection",
    )
    p.add_argument("--mapping", "-m", help="YAML mapping: role: column, currency, timezone, …")
    p.add_argument("--connections", help="named connections file (default: the user's config)")
    p.set_defaults(func=_data)

    p = _command(
        sub,
        "build",
        "execute the course notebooks and sample reports to HTML",
        "valuelab build --out build",
        "valuelab build --notebooks my_course/notebooks --out my_site",
    )
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument(
        "--notebooks",
        help="lessons folder, reports/ and apps/ below it (default: the course's own, whatever "
        "the current folder: notebooks/ of the checkout valuelab runs from, else the copy "
        "installed with it)",
    )
    p.set_defaults(func=_build)

    _add_serve_command(sub)


def _add_kpis_command(sub: argparse._SubParsersAction) -> None:
    """``kpis``: lesson 03's product KPI table without a notebook."""
    p = _command(
        sub,
        "kpis",
        "compute the product KPI table (DAU, retention, time to value, NPS, margin, LTV)",
        "valuelab kpis orders.parquet --mapping orders.yaml --period month -o kpis.xlsx",
        "valuelab kpis @warehouse -m shop.yaml --period week --segment paid -o paid.csv",
        "valuelab kpis -o sample_kpis.parquet --by-segment",
    )
    p.add_argument(
        "source",
        nargs="?",
        default="",
        help="event log: CSV/Parquet/JSON file or glob, .xlsx, .duckdb/.sqlite file, "
        "postgresql://user@host/db?table=T or @name of a named connection "
        "(default: the shipped sample shop, EUR)",
    )
    p.add_argument(
        "--mapping",
        "-m",
        help="YAML mapping: role: column, currency, timezone, … (default: the "
        "shipped layout's column names, no currency declared)",
    )
    p.add_argument(
        "--period",
        default="month",
        choices=["day", "week", "month", "quarter"],
        help="calendar period of each row",
    )
    p.add_argument("--segment", help="only this segment's events (the mapping's segment role)")
    p.add_argument("--by-segment", action="store_true", help="one row per period and segment")
    p.add_argument("--start-event", default="signup", help="time to value starts at this event")
    p.add_argument("--value-event", default="purchase", help="the first event that counts as value")
    p.add_argument(
        "-o",
        "--out",
        required=True,
        help="output file: .csv (with a CSVW sidecar OUT.csv-metadata.json), .parquet or .xlsx",
    )
    p.add_argument(
        "--progress",
        action="store_true",
        help="one line per step on stderr (default: only when stderr is a terminal)",
    )
    p.add_argument("--connections", help="named connections file (default: the user's config)")
    p.set_defaults(func=_kpis)


def _add_serve_command(sub: argparse._SubParsersAction) -> None:
    """``serve``: the stakeholder apps."""
    p = _command(
        sub,
        "serve",
        "serve the stakeholder apps (Voila) with a gallery",
        "valuelab serve",
        "valuelab serve --port 8870 --no-browser",
        "valuelab serve --source warehouse=@warehouse --source 'Sales 2025=data/sales.parquet'",
        "valuelab serve --host 0.0.0.0 --public-url https://apps.example.com/ --config serve.yaml",
    )
    _add_serve_flags(p)
    p.set_defaults(func=_serve, main_thread=True)  # the server takes Ctrl-C itself


def _add_serve_flags(p: argparse.ArgumentParser) -> None:
    """``valuelab serve``'s flags; None (not given) leaves the config file's or the default."""
    p.add_argument("--config", help="YAML file of these settings and the data sources")
    p.add_argument("--port", type=int, help="port (default: 8866)")
    p.add_argument("--host", help="address to bind (default: 127.0.0.1; others need a token)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument(
        "--apps",
        help="folder of app notebooks (default: the course's apps, whatever the current folder: "
        "notebooks/apps/ of the checkout valuelab runs from, else those installed with it)",
    )
    p.add_argument(
        "--source",
        action="append",
        metavar="NAME=TARGET",
        help="a data source the report launcher offers by NAME (a file, glob, database URL or "
        "@connection); repeat for more",
    )
    p.add_argument("--public-url", help="the URL visitors use (its host and origin are allowed)")
    p.add_argument("--token", help="the visitors' token (default beyond loopback: generated)")
    p.add_argument("--certfile", help="TLS certificate (PEM); with --keyfile")
    p.add_argument("--keyfile", help="TLS private key (PEM)")
    p.add_argument("--max-kernels", type=int, help="kernels at once, all apps (default: 24)")
    p.add_argument("--client-kernels", type=int, help="kernels per visitor (default: 4)")
    p.add_argument("--max-memory-mb", type=int, help="MB per kernel, 0 for none (default: 8192)")
    p.add_argument(
        "--messages-per-second", type=int, help="widget messages per page a second (default: 30)"
    )
    p.add_argument(
        "--new-visitors-per-minute",
        type=int,
        help="new visitors (cookies) one address may make a minute (default: 30)",
    )
    p.add_argument(
        "--client-header",
        help="header a trusted reverse proxy on this machine sets to the visitor's address",
    )
    p.add_argument(
        "--cull-idle-seconds",
        type=int,
        help="seconds a kernel with no page connected (a tab closed without its beacon, a "
        "phone's discarded tab) is kept before it is shut down; a connected page keeps its "
        "kernel (default: 60)",
    )


def _add_limits(p: argparse.ArgumentParser) -> None:
    """A report's limits (defaults: valuelab.reports.engine's; not imported, it is slow)."""
    p.add_argument("--timeout", type=int, default=300, help="seconds a cell may run (default: 300)")
    p.add_argument(
        "--max-output-mb",
        type=float,
        default=100,
        help="MB of output a report may produce, 0 for no limit (default: 100)",
    )
    p.add_argument(
        "--max-memory-mb",
        type=int,
        default=8192,
        help="MB of address space a report's kernel may map, 0 for no limit (default: 8192)",
    )


#: A report template argument: a file, or the name of a shipped template.
_TEMPLATE = (
    "report notebook: a file, or a shipped template's name (spotify_year, customer_scorecard, "
    "portfolio_review, product_kpis), found from any folder"
)


def _add_report_commands(sub: argparse._SubParsersAction) -> None:
    """``params``, ``report`` and ``batch``: parameterized report templates."""
    p = _command(
        sub,
        "params",
        "a report template's parameters: name, type, default, help",
        "valuelab params spotify_year",
        "valuelab params my_reports/churn.ipynb",
    )
    p.add_argument("template", help=_TEMPLATE)
    p.set_defaults(func=_params)

    p = _command(
        sub,
        "report",
        "render one report to a stakeholder HTML file",
        "valuelab report spotify_year -p year 2021 -o spotify_2021.html",
        "valuelab report customer_scorecard -f params.yaml -o scorecard.html --timeout 120",
    )
    p.add_argument("template", help=_TEMPLATE)
    p.add_argument(
        "-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"), help="a parameter"
    )
    p.add_argument("-f", "--file", help="YAML file of parameters (-p wins)")
    p.add_argument("-o", "--out", required=True, help="output HTML file")
    p.add_argument("--keep-notebook", action="store_true", help="also write the executed .ipynb")
    _add_limits(p)
    p.set_defaults(func=_report)

    _add_batch_command(sub)


_BATCH_NOTES = """\
relative paths (-p source log.csv, -p mapping m.yaml, the same in rows) are read
from the folder you run valuelab in, not the template's.

up to date: a re-run skips a report whose template, parameters and data are
unchanged. A data file is compared by its bytes. A database source (DuckDB,
SQLite, PostgreSQL, a named connection) is compared by two numbers asked of it:
its row count and the latest value of the mapping's freshness: column (else the
latest event time). An UPDATE that changes an amount but neither the row count
nor that latest value is NOT seen: the report is called up to date. To catch
updates, declare a column your database sets on every write, e.g. in the
mapping YAML

  freshness: updated_at     # the batch asks max(updated_at) and count(*)

or re-render with --force."""


def _add_batch_command(sub: argparse._SubParsersAction) -> None:
    """``batch``: one report per row."""
    p = _command(
        sub,
        "batch",
        "one report per row of a CSV or YAML file, with an index",
        "valuelab batch customer_scorecard --params-from ids.csv --name customer_id "
        "--out scorecards",
        "valuelab batch spotify_year --params-from years.yaml --out years --where year!=2015",
    )
    p.description += "\n\n" + _BATCH_NOTES
    p.add_argument("template", help=_TEMPLATE)
    p.add_argument("--params-from", required=True, help="rows.csv or rows.yaml")
    p.add_argument(
        "--where",
        action="append",
        help="render only rows where NAME=VALUE (or NAME!=VALUE); the manifest keeps the others",
    )
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--workers", type=int, default=2, help="kernels in parallel (default: 2)")
    p.add_argument("--force", action="store_true", help="re-render reports that are up to date")
    p.add_argument(
        "--name",
        help="column or pattern of plain {column} fields naming each file, e.g. '{id}-{year}'",
    )
    p.add_argument("--dask", help="'local' or a scheduler address tcp://HOST:PORT")
    p.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="a parameter for every row (a row's own value wins), e.g. -p source warehouse",
    )
    _add_limits(p)
    p.set_defaults(func=_batch)


def _add_course_command(sub: argparse._SubParsersAction) -> None:
    """``course``: student copies per learner and grading of submissions."""
    p = _command(
        sub,
        "course",
        "a learner's working folder, student copies per learner, grading of submissions",
        "valuelab course init my_course      # learner: lessons + exercises, keeps your changes",
        "valuelab course build --roster learners.csv --out handout   # in the course repository",
        "valuelab course build --learner-id ada@example.org --out handout/ada@example.org",
        "valuelab course grade submissions --out grades --roster learners.csv --timeout 120",
    )
    p.add_argument(
        "action",
        choices=["init", "build", "grade"],
        help="init: copy the lessons and exercises into FOLDER (a file you changed is kept); "
        "build: student copies from the solutions (instructors, in the repository); "
        "grade: grade the submissions in FOLDER",
    )
    p.add_argument(
        "submissions",
        nargs="?",
        metavar="FOLDER",
        help="init: the learner's folder; grade: folder of submitted notebooks",
    )
    p.add_argument(
        "--exercises",
        default="exercises",
        help="build: the folder with the <NN_topic>/solution.ipynb notebooks, relative to the "
        "current folder; the solutions are not in the package, so run build in the course "
        "repository or give this path (default: exercises)",
    )
    p.add_argument("--learner-id", help="build one learner's copies with their own numbers")
    p.add_argument(
        "--roster",
        help="a CSV with a learner_id column; build: every learner's copies in one run; grade: "
        "maps folder names back to learner ids (Bo_Li/ -> 'Bo Li')",
    )
    p.add_argument(
        "--out",
        help="output folder (required; build: the copies go into it as <NN_topic>.ipynb, or into "
        "DIR/<learner folder>/ with --roster)",
    )
    p.add_argument(
        "--in-place",
        action="store_true",
        help="build: rewrite the repository's exercises/*/student/ copies (maintainers)",
    )
    p.add_argument(
        "--force", action="store_true", help="grade: grade every submission, changed or not"
    )
    p.add_argument("--timeout", type=int, default=60, help="seconds a cell may run when grading")
    p.add_argument(
        "--memory-mb", type=int, default=4096, help="MB of memory each graded kernel may use"
    )
    p.add_argument(
        "--no-sandbox",
        action="store_true",
        help="grade without bubblewrap (each submission still in a fresh process; not isolated)",
    )
    p.set_defaults(func=_course)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="valuelab",
        description="Customer value and product metrics: datasets, course notebooks, reports.",
        epilog="valuelab COMMAND --help shows a command's purpose, examples and defaults.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_kit_commands(sub)
    _add_kpis_command(sub)
    _add_report_commands(sub)
    _add_course_command(sub)
    return parser


def _not_utf8(argv: Sequence[str]) -> str:
    """One line naming the first argument that is not UTF-8 text, or ``""``."""
    for i, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raw = arg.encode("utf-8", "surrogateescape")
            return f"argument {i} is not UTF-8 text: {raw!r}"
    return ""


def _call(args: argparse.Namespace) -> int:
    """Run the sub-command; every failure becomes one line and an exit code."""
    try:
        return args.func(args)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValueLabError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # a file the command writes or reads, named by the OS
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}", file=sys.stderr)
        return 2
    except Exception as err:
        if os.environ.get("VALUELAB_DEBUG"):
            raise
        first = (str(err).splitlines() or [""])[0][:300]
        print(
            f"error: unexpected {type(err).__name__}: {first} "
            "(VALUELAB_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 2


def _in_thread(args: argparse.Namespace) -> int:
    """Run the sub-command in a worker thread; the main thread only waits and takes Ctrl-C.

    Libraries that drive kernels install their own SIGINT handlers when they
    run in the main thread (nbclient shuts its kernel down, and the report then
    fails as "Kernel died"); off the main thread they cannot, so Ctrl-C always
    reaches :func:`main` as ``KeyboardInterrupt``.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["code"] = _call(args)
        except BaseException as err:  # VALUELAB_DEBUG, SystemExit: re-raised in the main thread
            outcome["error"] = err

    worker = threading.Thread(target=target, name=f"valuelab {args.command}", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["code"]


def _run(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Check and parse ``argv``, then run the sub-command."""
    problem = _not_utf8(argv)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return _call(args) if getattr(args, "main_thread", False) else _in_thread(args)


def _interrupted() -> None:
    """Ctrl-C: one line, our kernels killed, exit 130 now.

    Kernels run in their own session, so the terminal's Ctrl-C does not reach
    them; they are killed here (with psutil) rather than left to notice their
    parent is gone. The threads that drove them and their sockets end with the
    process. Files are written whole or not at all, so nothing needs cleaning up.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot cut this short
    try:
        bar = getattr(sys.modules.get("tqdm.std"), "tqdm", None)
        if getattr(bar, "_instances", None):  # a progress bar is drawn: end its line first
            print(file=sys.stderr)
        print("error: interrupted", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        import psutil

        for child in psutil.Process().children(recursive=True):
            try:
                child.kill()
            except psutil.Error:  # already gone
                pass
    finally:
        os._exit(130)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 a report failed, 2 bad input).

    Ctrl-C ends the process with code 130 (see the module docstring).
    """
    if hasattr(sys.stderr, "reconfigure"):
        sys.stderr.reconfigure(errors="backslashreplace")  # an error line always prints
    try:
        return _run(_parser(), list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        _interrupted()
        return 130  # pragma: no cover - not reached


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
