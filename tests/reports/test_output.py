"""A batch's output folder: writable check, lock, file names, manifest."""

import json
import re
import subprocess
import sys
import threading

import pytest

from valuelab.core.errors import InputError
from valuelab.reports.output import (
    LOCK_NAME,
    MAX_STEM,
    RESERVED,
    Manifest,
    check_writable,
    file_stem,
    lock_folder,
    output_names,
    report_file_name,
)


def test_names_are_distinct_and_never_the_batch_own_files():
    rows = [{"id": v} for v in ["A", "A", "A-2", "index", "Index", "MANIFEST", "assets", "a"]]
    names = output_names(rows, "id")
    assert names == [
        "A.html",
        "A-3.html",  # A-2 is the third row's own name
        "A-2.html",
        "index-2.html",
        "Index-3.html",
        "MANIFEST-2.html",
        "assets-2.html",
        "a-4.html",  # a.html, a-2.html, a-3.html are A.html... on macOS and Windows
    ]
    stems = {n.removesuffix(".html").casefold() for n in names}
    assert len(stems) == len(rows) and not stems & RESERVED


def test_long_or_odd_values_give_short_portable_names():
    long_a, long_b = "x" * 300, "x" * 299 + "y"
    names = output_names([{"id": long_a}, {"id": long_b}, {"id": "../.env"}, {"id": "ü €"}], "id")
    assert all(len(n) <= MAX_STEM + len(".html") for n in names)
    assert names[0] != names[1] and names[0].startswith("x" * 60)
    assert names[2:] == ["env.html", "report.html"]  # no path, never hidden; nothing left
    assert output_names([{"id": long_a}], "id") == names[:1]  # the same value, the same name


@pytest.mark.parametrize(
    ("text", "stem"),
    [
        ("signup_<i>y</i>", "signup_i_y_i"),  # markup: never in a file name
        ('<script>alert("x")</script>', "script_alert_x_script"),
        ("../../etc/passwd", "etc_passwd"),  # a path: one name, no folders
        ("C:\\Users\\me", "C_Users_me"),
        ("acme.co 2024", "acme_co_2024"),  # no dots: no second suffix, never hidden
        ("Mid-market", "Mid-market"),
        ("ü €", "report"),  # nothing left
        ("-5", "5"),  # never starts with "-" (an option to a shell command)
    ],
)
def test_a_file_stem_keeps_letters_digits_hyphens_and_underscores_only(text, stem):
    assert file_stem(text) == stem
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", file_stem(text))


def test_a_report_is_named_after_its_template_and_values():
    values = {"segment": "", "source": "", "period": "month", "e": "signup", "v": "<i>y</i>"}
    assert report_file_name("product_kpis.ipynb", values) == "product_kpis_month_signup_i_y_i.html"
    assert report_file_name("portfolio_review", ["all", "neutral", -5]) == (
        "portfolio_review_all_neutral_-5.html"
    )
    long = report_file_name("t.ipynb", {"x": "y" * 300})
    assert len(long) <= MAX_STEM + len(".html") and long.startswith("t_yyy")


def test_patterns_take_plain_column_fields_only():
    rows = [{"customer": "acme", "year": "2024"}]
    assert output_names(rows, "{customer}-{year}") == ["acme-2024.html"]
    assert output_names(rows, "{{raw}}-{year}") == ["raw_-2024.html"]
    assert output_names(rows) == ["acme-2024.html"]
    refused = {
        "{customer.__class__}": "is not a plain column field (no attributes or indexes)",
        "{name.x}": "is not a plain column field",
        "{customer[0]}": "is not a plain column field",
        "{customer!r}": "{customer!r} is not a plain column field",
        "{year:>8}": "{year:>8} is not a plain column field",
        "{}": "{} names no column",
        "{0}": "no column '0'",
        "{nope}": "no column 'nope'",
        "{customer": "expected '}' before end of string",
        "nope": "no column 'nope'",
    }
    for pattern, message in refused.items():
        with pytest.raises(InputError) as info:
            output_names(rows, pattern)
        assert str(info.value).startswith("--name: ") and message in str(info.value), pattern


def test_check_writable_creates_the_folder_or_says_why_not(tmp_path):
    assert check_writable(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir() and not list((tmp_path / "a" / "b").iterdir())
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(InputError, match=r"file.txt: not a folder"):
        check_writable(blocker)
    with pytest.raises(InputError, match=r"file.txt/out: cannot write there: Not a directory"):
        check_writable(blocker / "out")


def test_a_second_batch_on_a_folder_is_refused_naming_the_holder(tmp_path):
    with lock_folder(tmp_path) as path:
        assert path == tmp_path / LOCK_NAME
        holder = json.loads(path.read_text())
        with pytest.raises(InputError) as info:
            with lock_folder(tmp_path):
                pass
    message = str(info.value)
    assert message.startswith(f"{tmp_path}: in use by another batch: process {holder['pid']} on ")
    assert "choose another --out" in message
    with lock_folder(tmp_path):  # released
        pass


HOLD = (
    "import sys, time\n"
    "from valuelab.reports.output import lock_folder\n"
    "with lock_folder(sys.argv[1]):\n"
    "    print('held', flush=True)\n"
    "    time.sleep(120)\n"
)


def test_the_lock_of_a_killed_batch_is_taken_over(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(InputError, match=f"process {holder.pid} on "):
            with lock_folder(tmp_path):
                pass
    finally:
        holder.kill()  # kill -9: no clean-up ran
        holder.wait()
    assert f'"pid": {holder.pid}' in (tmp_path / LOCK_NAME).read_text()  # left behind
    with lock_folder(tmp_path) as path:
        assert json.loads(path.read_text())["pid"] != holder.pid


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[]", "a JSON list, not a mapping of reports"),
        (b"null", "a JSON NoneType, not a mapping of reports"),
        (b'{"a.html": {"key": ', "not JSON (Expecting value: line 1 column 20"),
        (b'{"a.html": {"status": "ok"}} \xff', "not UTF-8 text"),
    ],
)
def test_a_corrupt_manifest_is_reported_in_one_line_and_ignored(tmp_path, content, problem):
    path = tmp_path / "manifest.json"
    path.write_bytes(content)
    manifest = Manifest(path)
    assert manifest.entries == {}
    assert manifest.problem.startswith(f"{path}: {problem}") and "\n" not in manifest.problem
    manifest.update({"b.html": {"status": "ok"}})
    assert json.loads(path.read_text()) == {"b.html": {"status": "ok"}}


def test_manifest_entries_that_are_no_report_are_dropped(tmp_path):
    path = tmp_path / "manifest.json"
    entries = {"a.html": {"status": "ok"}, "b.html": [], "../x.html": {}, "/etc/passwd": {}}
    path.write_text(json.dumps(entries))
    manifest = Manifest(path)
    assert manifest.entries == {"a.html": {"status": "ok"}}
    assert (
        manifest.problem
        == f"{path}: 3 of 4 entries are not a report's file name and a mapping; they are ignored"
    )


def test_manifest_updates_from_threads_keep_every_entry_and_a_whole_file(tmp_path):
    manifest = Manifest(tmp_path / "manifest.json")

    def add(k: int) -> None:
        for i in range(20):
            manifest.update({f"r{k}-{i}.html": {"status": "ok", "records": {"i": i}}})

    threads = [threading.Thread(target=add, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    on_disk = json.loads((tmp_path / "manifest.json").read_text())
    assert len(on_disk) == 80 and on_disk["r3-19.html"] == {"status": "ok", "records": {"i": 19}}
    assert Manifest(tmp_path / "manifest.json").entries == on_disk
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no temporary files left
