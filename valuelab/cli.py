"""The ``valuelab`` command line.

Bad input prints one line ``error: ...`` to stderr and exits with code 2;
no traceback is shown. Each sub-command lives in a small function here that
calls the package.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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


def _build(args: argparse.Namespace) -> int:
    from valuelab.course import site

    index = site.build(args.out, notebooks_dir=args.notebooks)
    print(f"Open {index} in a browser.")
    return 0


def _params(args: argparse.Namespace) -> int:
    from valuelab.reports import fields, table

    print(table(fields(args.template)))
    return 0


def _values(args: argparse.Namespace) -> dict:
    from valuelab.reports import read_params_file

    values = read_params_file(args.file) if args.file else {}
    for name, value in args.param or []:
        values[name] = value
    return values


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    import nbformat

    from valuelab.reports import KernelWorker, coerce, fields, to_html, write_atomic

    template = Path(args.template)
    params = coerce(fields(template), _values(args), template.name)  # before any kernel
    limits = (args.timeout, args.max_output_mb, args.max_memory_mb)
    with KernelWorker(*limits) as worker:
        nb = worker.run(template, params)
    out = Path(args.out)
    write_atomic(out, to_html(nb))
    if args.keep_notebook:
        write_atomic(out.with_suffix(".ipynb"), nbformat.writes(nb))
    print(f"wrote {out}")
    return 0


def _batch(args: argparse.Namespace) -> int:
    from valuelab.reports import read_rows, run_batch

    rows = read_rows(args.params_from, args.where or [])
    result = run_batch(
        args.template,
        rows,
        args.out,
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

    if args.action == "build":
        written = course.build_students(args.exercises, args.learner_id, args.out)
        for path in written:
            print(f"wrote {path}")
        return 0
    if not args.submissions or not args.out:
        raise InputError("needs SUBMISSIONS and --out", source="valuelab course grade")
    table = course.grade(args.submissions, args.out, timeout=args.timeout)
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

    argv = serve.voila_argv(
        args.apps, port=args.port, host=args.host, open_browser=not args.no_browser
    )
    print(f"valuelab apps: http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    serve.main(argv)
    return 0


def _add_kit_commands(sub: argparse._SubParsersAction) -> None:
    """``datasets``, ``build`` and ``serve``: the data, the course site and the apps."""
    p = sub.add_parser("datasets", help="list, show or regenerate the shipped datasets")
    p.add_argument("action", choices=["list", "show", "regenerate"])
    p.add_argument("name", nargs="?", help="dataset name (for show)")
    p.add_argument("--out", default=None, help="folder for regenerate (default: the data folder)")
    p.set_defaults(func=_datasets)

    p = sub.add_parser("build", help="execute the course notebooks and sample reports to HTML")
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--notebooks", default="notebooks", help="notebooks folder")
    p.set_defaults(func=_build)

    p = sub.add_parser("serve", help="serve the stakeholder apps (Voila) with a gallery")
    p.add_argument("--port", type=int, default=8866, help="port (default: 8866)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--apps", default="notebooks/apps", help="folder of app notebooks")
    p.set_defaults(func=_serve)


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
    p.add_argument("--where", action="append", help="keep rows where NAME=VALUE (or NAME!=VALUE)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--workers", type=int, default=2, help="kernels in parallel (default: 2)")
    p.add_argument("--force", action="store_true", help="re-render reports that are up to date")
    p.add_argument("--name", help="column or pattern naming each file, e.g. '{customer_id}'")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 failure, 2 bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValueLabError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
