"""Bounded kernels: caps and the busy page, memory, message rate, errors kept in the log."""

import asyncio
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import Visitor, kernel_message, kernel_pids, read_messages, replies

from valuelab.apps.serving import VIEW, Capacity, busy_page, limit_memory


class _Task:
    def __init__(self, done):
        self._done = done

    def done(self):
        return self._done


class _Manager:
    """What Capacity reads of Voila's kernel manager: kernel ids and pool tasks."""

    def __init__(self, ids, pending=0):
        self.ids = list(ids)
        self._pools = {"a.ipynb": [_Task(False)] * pending + [_Task(True)]}

    def list_kernel_ids(self):
        return list(self.ids)


def _open(capacity, km, client, notebook, kernel_id):
    """A page view as the server serves it: refused (the reason) or its kernel claimed."""
    reason = capacity.refusal(km, client, notebook)
    if reason is None:
        token = VIEW.set((capacity, client, notebook))
        capacity.claim(kernel_id)
        VIEW.reset(token)
        km.ids.append(kernel_id)
    return reason


def test_the_caps_count_every_kernel_and_each_visitors_own():
    capacity = Capacity(max_kernels=6, client_kernels=2, weights={"launcher.ipynb": 2})
    km = _Manager(["pool-a", "pool-b"], pending=1)  # 2 preheated, 1 being started
    assert capacity.total(km) == 3
    assert _open(capacity, km, "alice", "a.ipynb", "k1") is None  # 4
    assert _open(capacity, km, "alice", "a.ipynb", "k2") is None  # 5
    assert "close a tab" in _open(capacity, km, "alice", "a.ipynb", "k3")  # alice holds 2
    assert capacity.total(km) == 5 and capacity.owner("k1") == "alice"
    # the launcher counts its report kernel: 5 + 2 > 6
    assert "as many apps as it may" in _open(capacity, km, "bob", "launcher.ipynb", "k4")
    assert _open(capacity, km, "bob", "a.ipynb", "k4") is None  # 6: full
    assert "as many apps as it may" in _open(capacity, km, "carol", "a.ipynb", "k5")
    km.ids.remove("k1")  # closed or culled: forgotten at the next count
    assert capacity.total(km) == 5 and capacity.owner("k1") is None
    assert _open(capacity, km, "alice", "a.ipynb", "k6") is None
    capacity.reserved = 1  # a view admitted, its kernel not started yet
    assert capacity.total(km) == 7
    km._pending_kernels = {"k7": None, "k2": None}  # k7 starting, not listed yet; k2 stopping
    assert capacity.total(km) == 8
    assert capacity.owner("pool-a") is None  # a preheated kernel is nobody's


def test_a_kernel_is_claimed_only_inside_a_page_view():
    capacity = Capacity(4, 2, {})
    capacity.claim("outside")
    assert capacity.owners == {}
    other = Capacity(4, 2, {})
    token = VIEW.set((other, "alice", "a.ipynb"))
    capacity.claim("someone-elses-view")
    VIEW.reset(token)
    assert capacity.owners == {}


def test_the_busy_page_says_what_happened_and_escapes_it():
    page = busy_page("you have <3> apps open")
    assert "<h1>Busy: please try again in a minute</h1>" in page
    assert "you have &lt;3&gt; apps open" in page and "<3>" not in page


def test_a_kernels_address_space_is_capped():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        limit_memory(child.pid, 700)
        assert _address_limit(child.pid) == 700 * 1024 * 1024
        limit_memory(child.pid, 0)  # 0: no new cap
        assert _address_limit(child.pid) == 700 * 1024 * 1024
    finally:
        child.kill()
        child.wait()


def _address_limit(pid):
    text = Path(f"/proc/{pid}/limits").read_text()
    return int(re.search(r"Max address space\s+(\d+)", text).group(1))


def _rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            total += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())[1])
        except (FileNotFoundError, TypeError):
            pass
    return total / 1024


def _models(page):
    return re.findall(r'"model_id": "([0-9a-f]+)"', page)


def _click(model_id):
    content = {"comm_id": model_id, "data": {"method": "custom", "content": {"event": "click"}}}
    return kernel_message("comm_msg", content)


def test_tracebacks_and_warnings_stay_in_the_server_log(guarded_server):
    visitor = Visitor(guarded_server.url, guarded_server.token)
    status, kernel_id, page = visitor.view("errors.ipynb")
    assert status == 200
    fail, warn, _, _ = _models(page)

    async def session():
        conn = await visitor.channels(kernel_id)
        conn.write_message(_click(fail))
        conn.write_message(_click(warn))
        got = await read_messages(conn, 4, until=_handled(2))
        got += await read_messages(conn, 0.3)  # nothing more comes
        conn.close()
        return got

    got = asyncio.run(session())
    assert visitor.shutdown(kernel_id) == 204
    sent = repr(got)
    assert "secret detail" not in sent and "ValueError" not in sent and "Traceback" not in sent
    assert "secret warning" not in sent and "warnings.warn" not in sent
    errors = [m["content"] for m in got if m["header"]["msg_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "Error"
    error_id = re.fullmatch(
        r"This part of the app could not be shown \(error id ([0-9a-f]{8})\)\.",
        errors[0]["evalue"],
    )[1]
    assert errors[0]["traceback"] == [errors[0]["evalue"]]
    printed = [m["content"]["text"] for m in got if m["header"]["msg_type"] == "stream"]
    assert printed == ["shown 44\n"]  # stdout in the Output widget still shows
    log = _log_until(guarded_server, "secret warning 43")
    entry = log[log.index(f"valuelab error {error_id}") :]
    assert "ValueError: secret detail 42" in entry and "on_fail" in entry
    assert "\x1b[" not in entry  # colours stripped


def _handled(count):
    """A read_messages stop: the kernel went idle after ``count`` widget messages."""

    def done(got):
        idle = [m for m in got if m["header"]["msg_type"] == "status"]
        idle = [m for m in idle if m["content"].get("execution_state") == "idle"]
        return sum(m["parent_header"].get("msg_type") == "comm_msg" for m in idle) >= count

    return done


def test_a_kernel_over_its_memory_cap_fails_politely_and_a_restart_is_not_uncapped(
    guarded_server,
):
    """Over the cap an allocation fails (the generic message); a restarted kernel is shut down."""
    visitor = Visitor(guarded_server.url, guarded_server.token)
    status, kernel_id, page = visitor.view("errors.ipynb")
    assert status == 200
    hog = _models(page)[3]

    async def session():
        conn = await visitor.channels(kernel_id)
        conn.write_message(_click(hog))
        got = await read_messages(conn, 10, until=_handled(1))
        # a visitor's restart request (allowed by Voila): the new process would be bare
        conn.write_message(kernel_message("shutdown_request", {"restart": True}, "control"))
        after = await read_messages(conn, 10, until=lambda m: _states(m) and "dead" in _states(m))
        conn.close()
        return got, after

    got, after = asyncio.run(session())
    (error,) = [m["content"] for m in got if m["header"]["msg_type"] == "error"]
    assert re.fullmatch(
        r"This part of the app could not be shown \(error id \w{8}\)\.", error["evalue"]
    )
    assert "dead" in _states(after)  # the page says the app stopped (page.js: reload)
    error_id = re.search(r"error id (\w{8})", error["evalue"])[1]
    log = _log_until(guarded_server, f"valuelab error {error_id}")
    assert "MemoryError" in log[log.index(f"valuelab error {error_id}") :]
    limit = guarded_server.caps["max_memory_mb"] * 1024 * 1024
    deadline = time.monotonic() + 10
    while visitor.get(f"api/kernels/{kernel_id}")[0] != 404 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert visitor.get(f"api/kernels/{kernel_id}")[0] == 404  # shut down, not left bare
    assert all(_address_limit(pid) == limit for pid in kernel_pids(guarded_server.proc.pid))


def _states(got):
    return [m["content"].get("execution_state") for m in got if m["header"]["msg_type"] == "status"]


def _log_until(server, text, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        log = server.log_path.read_text(encoding="utf-8", errors="replace")
        if text in log or time.monotonic() > deadline:
            return log
        time.sleep(0.2)


def test_widget_messages_over_the_rate_are_dropped(guarded_server):
    rate = guarded_server.caps["messages_per_second"]
    visitor = Visitor(guarded_server.url, guarded_server.token)
    _, kernel_id, _ = visitor.view("hello.ipynb")

    async def session():
        # two websockets to one kernel (two tabs, or a script): one budget
        conns = [await visitor.channels(kernel_id, session=f"tab{i}") for i in range(2)]
        for conn in conns:
            await read_messages(conn, 0.5)  # the connection's own kernel_info exchange
        for conn in conns:
            for _ in range(40):
                conn.write_message(kernel_message("comm_info_request"))
        burst = [m for conn in conns for m in await read_messages(conn, 1)]
        await asyncio.sleep(1)
        conns[0].write_message(kernel_message("comm_info_request"))
        later = await read_messages(conns[0], 2, until=replies("comm_info_reply"))
        for conn in conns:
            conn.close()
        return burst, later

    burst, later = asyncio.run(session())
    assert visitor.shutdown(kernel_id) == 204
    passed = [m for m in burst if m["header"]["msg_type"] == "comm_info_reply"]
    assert 2 * rate <= len(passed) <= 2 * rate + 3, len(passed)  # the burst, not 80 nor 2 x 10
    assert [m["header"]["msg_type"] for m in later].count("comm_info_reply") == 1


def test_over_a_visitors_cap_the_page_is_busy_and_starts_no_kernel(guarded_server):
    caps = guarded_server.caps
    visitor = Visitor(guarded_server.url, guarded_server.token)

    async def session():
        opened, conns = [], []
        apps = ("hello.ipynb", "errors.ipynb")  # each app's preheated kernel: no cold start
        for i in range(caps["client_kernels"]):  # pages kept open: not culled
            status, kernel_id, _ = visitor.view(apps[i % 2])
            opened.append((status, kernel_id))
            conns.append(await visitor.channels(kernel_id))
        before = kernel_pids(guarded_server.proc.pid)
        taken = _kernels_taken(guarded_server)
        refused = visitor.view("hello.ipynb")
        taken = _kernels_taken(guarded_server) - taken
        other = Visitor(guarded_server.url, guarded_server.token).view("hello.ipynb")
        for conn in conns:
            conn.close()
        return opened, before, refused, taken, other

    opened, before, (status, kernel_id, page), taken, other = asyncio.run(session())
    assert [status for status, _ in opened] == [200] * caps["client_kernels"]
    assert status == 503 and kernel_id is None
    assert "Busy: please try again" in page and "close a tab" in page
    # no kernel for the refused view (the pools' refills may start kernels meanwhile)
    assert taken == 0, "no kernel started"
    limit = caps["max_memory_mb"] * 1024 * 1024
    assert all(_address_limit(pid) == limit for pid in before)
    assert other[0] == 200  # another visitor is not refused
    for _, kid in opened:
        assert visitor.shutdown(kid) in (204, 404)  # 404: culled already (3 s unconnected)


def _kernels_taken(server):
    """Kernels the server has given to pages so far: preheated ones, and any started for one."""
    log = server.log_path.read_text(encoding="utf-8", errors="replace")
    return log.count("Using pre-heated kernel") + log.count("started for a page of")


def _kernel_files(pids: list[int]) -> list[str]:
    """Each kernel process's connection file name (it names the kernel id), for a failure."""
    names = []
    for pid in pids:
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        names += [Path(a.decode()).name for a in args if a.endswith(b".json")]
    return names


def _over_the_cap(samples: list, cap: int, server) -> str:
    """What a failure says: the first sample over the cap, its kernels, and the server log."""
    n, _, files = next(s for s in samples if s[0] > cap)
    log = server.log_path.read_text(encoding="utf-8", errors="replace")
    lines = [line for line in log.splitlines() if "ernel" in line][-60:]
    return f"{n} kernels > {cap}: {files}\n" + "\n".join(lines)


@pytest.mark.slow
@pytest.mark.timed
def test_a_hundred_views_from_ten_clients_stay_under_the_caps(guarded_server):
    """100 page views, no beacon, no websocket: kernels and memory bounded, then every app opens."""
    caps, server = guarded_server.caps, guarded_server
    clients = [Visitor(server.url, server.token) for _ in range(10)]
    samples, statuses, done = [], [], threading.Event()

    def watch():
        while not done.is_set():
            pids = kernel_pids(server.proc.pid)
            samples.append((len(pids), _rss_mb([server.proc.pid, *pids]), _kernel_files(pids)))
            time.sleep(0.1)

    def browse(client):
        for i in range(10):
            statuses.append(client.view(("hello.ipynb", "errors.ipynb")[i % 2])[0])

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.monotonic()
    threads = [threading.Thread(target=browse, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    load_seconds = time.monotonic() - started
    closed = time.monotonic()
    reopened = {}
    for app in ("hello.ipynb", "errors.ipynb"):
        while time.monotonic() - closed < 10 and app not in reopened:
            status, kernel_id, _ = Visitor(server.url, server.token).view(app)
            if status == 200 and kernel_id:
                reopened[app] = time.monotonic() - closed
            else:
                time.sleep(0.5)
    done.set()
    watcher.join()
    assert len(statuses) == 100 and set(statuses) <= {200, 503}
    admitted = statuses.count(200)
    assert 4 <= admitted < 100 and load_seconds < 60
    most = max(n for n, _, _ in samples)
    assert most <= caps["max_kernels"], _over_the_cap(samples, caps["max_kernels"], server)
    peak_mb = max(mb for _, mb, _ in samples)
    assert peak_mb < caps["max_kernels"] * 200 + 400, f"{peak_mb:.0f} MB"
    assert set(reopened) == {"hello.ipynb", "errors.ipynb"}, reopened
    print(
        f"{admitted} of 100 views admitted in {load_seconds:.1f} s; at most {most} kernels, "
        f"{peak_mb:.0f} MB; reopened after {reopened}"
    )


def test_a_page_gone_without_its_beacon_loses_its_kernel_after_the_grace(guarded_server):
    """A phone discarding a background tab closes its websocket and sends no beacon: the
    kernel is culled once it has had no page for the grace (3 s here, checked every 1 s),
    while a page still connected keeps its kernel however long it idles."""
    visitor = Visitor(guarded_server.url, guarded_server.token)
    _, kept, _ = visitor.view("hello.ipynb")
    _, gone, _ = visitor.view("errors.ipynb")

    async def session():
        staying = await visitor.channels(kept, session="staying")
        leaving = await visitor.channels(gone, session="leaving")
        await read_messages(leaving, 0.5)
        leaving.close()  # the tab is discarded: no beacon
        await asyncio.sleep(3 + 1 + 3)  # the grace, a culling interval and a margin
        staying.write_message(kernel_message("kernel_info_request"))
        answer = await read_messages(staying, 5, until=replies("kernel_info_reply"))
        staying.close()
        return answer

    answer = asyncio.run(session())
    assert [m["header"]["msg_type"] for m in answer].count("kernel_info_reply") == 1
    log = _log_until(guarded_server, f"({gone}) with")
    assert re.search(rf"Culling '\w+' kernel '\w+' \({gone}\) with 0 connections", log)
    assert f"({kept}) with" not in log, "a connected page keeps its kernel"
    assert visitor.shutdown(gone) == 404  # already gone
    assert visitor.shutdown(kept) in (204, 404)  # closed now (or culled since its page left)
