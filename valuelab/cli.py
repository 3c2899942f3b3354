"""The ``valuelab`` command line.

Every failure prints one line ``error: ...`` to stderr, never a traceback:
bad input (a file, an argument, an output that cannot be written, a
non-UTF-8 file or argument) exits with code 2, a report that failed with 1,
and Ctrl-C (SIGINT) with 130 — at once, even while kernels run: what is
written is whole (files are written by rename, a batch's manifest after
every report), so a re-run goes on where it stopped. Set
``VALUELAB_DEBUG=1`` to see the traceback of an unexpected error. Each
sub-command lives in a small function here that calls the package.
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
    return 0


def _build(args: argparse.Namespace) -> int:
    from valuelab.course import site

    index = site.build(args.out, notebooks_dir=args.notebooks)
    print(f"Open {index} in a browser.")
    return 0


def _params(args: argparse.Namespace) -> int:
    from valuelab.reports import fields, table

    print(table(fields(args.template)))
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
    import nbformat

    from valuelab.reports import (
        KernelWorker,
        check_writable,
        coerce,
        fields,
        to_html,
        write_atomic,
    )

    template = Path(args.template)
    params = coerce(fields(template), _values(args), template.name)  # before any kernel
    out = Path(args.out)
    if out.is_dir():
        raise InputError("a folder, not a file", source=str(out), expected="an HTML file name")
    check_writable(out.parent)  # before any kernel
    limits = (args.timeout, args.max_output_mb, args.max_memory_mb)
    with KernelWorker(*limits) as worker:
        nb = worker.run(template, params)
    write_atomic(out, to_html(nb))
    if args.keep_notebook:
        write_atomic(out.with_suffix(".ipynb"), nbformat.writes(nb))
    print(f"wrote {out}")
    return 0


def _batch(args: argparse.Namespace) -> int:
    from valuelab.reports import read_rows, run_batch

    rows = _utf8(read_rows, args.params_from)
    only = _utf8(read_rows, args.params_from, args.where) if args.where else None
    result = run_batch(
        args.template,
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
    )
    print(result.summary())
    return 1 if result.failed else 0


def _course(args: argparse.Namespace) -> int:
    from valuelab.course import copies as course
    from valuelab.course import grading

    if args.action == "build":
        written = course.build_students(args.exercises, args.learner_id, args.out)
        for path in written:
            print(f"wrote {path}")
        return 0
    if not args.submissions or not args.out:
        raise InputError("needs SUBMISSIONS and --out", source="valuelab course grade")
    table = grading.grade(
        args.submissions,
        args.out,
        timeout=args.timeout,
        sandboxed=not args.no_sandbox,
        memory_mb=args.memory_mb,
    )
    print(f"wrote {table} and {table.parent / 'feedback'}/")
    return 0


class _Version(argparse.Action):
    """``--version``: looked up only when asked (importlib.metadata is slow to import)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from valuelab import __version__

        print(f"valuelab {__version__}")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``error: ...`` on stderr, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {self.prog}: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def _serve(args: argparse.Namespace) -> int:
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
    scheme = "https" if config.certfile else "http"
    url = config.public_url or f"{scheme}://{config.host}:{config.port}/"
    if token:
        os.environ[serve.TOKEN_ENV] = token
        url += f"?token={token}"
    if not is_loopback(config.host):
        print(
            f"warning: listening on {config.host} (beyond this machine): visitors need the "
            "token once; see README 'Serving to others'",
            file=sys.stderr,
        )
    print(f"valuelab apps: {url}  (Ctrl-C to stop)", flush=True)
    serve.main(argv)
    return 0


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
    "client_header",
    "cull_idle_seconds",
)


def _add_kit_commands(sub: argparse._SubParsersAction) -> None:
    """``datasets``, ``build`` and ``serve``: the data, the course site and the apps."""
    p = sub.add_parser("datasets", help="list, show or regenerate the shipped datasets")
    p.add_argument("action", choices=["list", "show", "regenerate"])
    p.add_argument("name", nargs="?", help="dataset name (for show)")
    p.add_argument("--out", default=None, help="folder for regenerate (default: the data folder)")
    p.set_defaults(func=_datasets)

    p = sub.add_parser("data", help="check the analyst's own data: roles, rows, dates, problems")
    p.add_argument("action", choices=["check"])
    p.add_argument(
        "source",
        help="CSV/Parquet/JSON file or glob, .xlsx, .duckdb/.sqlite file, "
        "postgresql://user@host/db?table=T, or @name of a named connection",
    )
    p.add_argument("--mapping", "-m", help="YAML mapping: role: column, currency, timezone, …")
    p.add_argument("--connections", help="named connections file (default: the user's config)")
    p.set_defaults(func=_data)

    p = sub.add_parser("build", help="execute the course notebooks and sample reports to HTML")
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--notebooks", default="notebooks", help="notebooks folder")
    p.set_defaults(func=_build)

    p = sub.add_parser("serve", help="serve the stakeholder apps (Voila) with a gallery")
    _add_serve_flags(p)
    p.set_defaults(func=_serve, main_thread=True)  # the server takes Ctrl-C itself


def _add_serve_flags(p: argparse.ArgumentParser) -> None:
    """``valuelab serve``'s flags; None (not given) leaves the config file's or the default."""
    p.add_argument("--config", help="YAML file of these settings and the data sources")
    p.add_argument("--port", type=int, help="port (default: 8866)")
    p.add_argument("--host", help="address to bind (default: 127.0.0.1; others need a token)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--apps", help="folder of app notebooks (default: notebooks/apps)")
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
        "--client-header",
        help="header a trusted reverse proxy on this machine sets to the visitor's address",
    )
    p.add_argument(
        "--cull-idle-seconds", type=int, help="idle kernels without a page are shut down after"
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


def _add_report_commands(sub: argparse._SubParsersAction) -> None:
    """``params``, ``report`` and ``batch``: parameterized report templates."""
    p = sub.add_parser("params", help="a report template's parameters: name, type, default, help")
    p.add_argument("template", help="report notebook, e.g. notebooks/reports/spotify_year.ipynb")
    p.set_defaults(func=_params)

    p = sub.add_parser("report", help="render one report to a stakeholder HTML file")
    p.add_argument("template", help="report notebook")
    p.add_argument(
        "-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"), help="a parameter"
    )
    p.add_argument("-f", "--file", help="YAML file of parameters (-p wins)")
    p.add_argument("-o", "--out", required=True, help="output HTML file")
    p.add_argument("--keep-notebook", action="store_true", help="also write the executed .ipynb")
    _add_limits(p)
    p.set_defaults(func=_report)

    p = sub.add_parser("batch", help="one report per row of a CSV or YAML file, with an index")
    p.add_argument("template", help="report notebook")
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
    _add_limits(p)
    p.set_defaults(func=_batch)


def _add_course_command(sub: argparse._SubParsersAction) -> None:
    """``course``: student copies per learner and grading of submissions."""
    p = sub.add_parser("course", help="student copies (per learner) and grading of submissions")
    p.add_argument("action", choices=["build", "grade"])
    p.add_argument("submissions", nargs="?", help="folder of submitted notebooks (for grade)")
    p.add_argument("--exercises", default="exercises", help="exercises folder (for build)")
    p.add_argument("--learner-id", help="build one learner's copies with their own numbers")
    p.add_argument("--out", help="output folder (grade: required; build: for --learner-id)")
    p.add_argument("--timeout", type=int, default=60, help="seconds per cell when grading")
    p.add_argument(
        "--memory-mb", type=int, default=4096, help="memory limit of each graded kernel (MB)"
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
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_kit_commands(sub)
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
