"""Bounded kernels for ``valuelab serve``: caps, memory, message rate, errors kept in the log.

- :class:`Capacity` counts the server's kernels (preheated ones, kernels being
  started, and for an app that starts report kernels — the report launcher —
  its report kernel) against a global cap and each visitor's kernels against a
  per-visitor cap; over either, a page view gets :func:`busy_page` (503) and
  no kernel.
- :class:`ServeKernels` (the server's kernel manager) remembers which visitor's
  page started each kernel; its kernels (:class:`ServeKernel`) have their
  address space capped (``RLIMIT_AS``, as the report engine does for report
  kernels) each time they start, a restart included.
- :class:`ServeConnection` (each page's websocket) passes at most
  ``messages_per_second`` widget messages a second from the pages of a kernel
  to it (bursts of twice that; a second websocket to the kernel shares the
  budget), shuts a restarted kernel down (its app is gone: the page says so
  and offers a reload), and keeps error text in the server log: an ``error``
  message reaches the page as a generic line with an error id, its traceback
  only the log; text a kernel writes to stderr (warnings, in an ``Output``
  widget or not) is logged and not sent.
"""

from __future__ import annotations

import asyncio
import contextvars
import html
import re
import resource
import secrets
import time
from collections.abc import Mapping
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import (
    AsyncMappingKernelManager,
    ServerKernelManager,
)
from traitlets import Int, default

__all__ = [
    "ERROR_MESSAGE",
    "VIEW",
    "Capacity",
    "ServeConnection",
    "ServeKernel",
    "ServeKernels",
    "busy_page",
    "limit_memory",
]

#: The page view being served in this task: (capacity, visitor, notebook).
VIEW: contextvars.ContextVar[tuple[Capacity, str, str] | None] = contextvars.ContextVar(
    "valuelab_view", default=None
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: What a visitor reads instead of an error's text and traceback.
ERROR_MESSAGE = "This part of the app could not be shown (error id {id})."


class Capacity:
    """Kernels against the global and per-visitor caps.

    Parameters
    ----------
    max_kernels : int
        Kernels the server may run at once (preheated and report kernels included).
    client_kernels : int
        Kernels one visitor may hold at once.
    weights : mapping
        Notebook path -> kernels one view of it may run (2 for an app that
        starts a report kernel; default 1).
    """

    def __init__(self, max_kernels: int, client_kernels: int, weights: Mapping[str, int]) -> None:
        self.max_kernels = max_kernels
        self.client_kernels = client_kernels
        self.weights = dict(weights)
        self.owners: dict[str, tuple[str, str]] = {}  # kernel id -> (visitor, notebook)
        self.reserved = 0  # views admitted whose kernel is not started yet

    def owner(self, kernel_id: str) -> str | None:
        """The visitor whose page started ``kernel_id`` (None: a preheated or unknown kernel)."""
        found = self.owners.get(kernel_id)
        return found[0] if found else None

    def total(self, km: Any) -> int:
        """Kernels running or being started, report kernels of owned launchers included."""
        alive = set(km.list_kernel_ids())
        for kernel_id in set(self.owners) - alive:
            del self.owners[kernel_id]
        pools = getattr(km, "_pools", {})
        starting = sum(1 for pool in pools.values() for task in pool if not task.done())
        # a kernel whose process runs but which is not listed until it is ready (jupyter_client
        # lists a kernel once started): one a page began and then left, or a pool's taken one
        pending = len(set(getattr(km, "_pending_kernels", {})) - alive)
        extra = sum(self.weights.get(nb, 1) - 1 for _, nb in self.owners.values())
        return len(alive) + starting + pending + extra + self.reserved

    def claim(self, kernel_id: str) -> None:
        """Give ``kernel_id`` to the visitor of the page view being served (:data:`VIEW`)."""
        view = VIEW.get()
        if view is not None and view[0] is self:
            self.owners[kernel_id] = (view[1], view[2])

    def refusal(self, km: Any, client: str, notebook: str) -> str | None:
        """Why a new view of ``notebook`` by ``client`` is refused (None: admitted)."""
        weight = self.weights.get(notebook, 1)
        if self.total(km) + weight > self.max_kernels:
            return "the server is running as many apps as it may"
        held = sum(self.weights.get(nb, 1) for c, nb in self.owners.values() if c == client)
        if held + weight > self.client_kernels:
            return "you have as many apps open as one visitor may; close a tab"
        return None


def busy_page(reason: str) -> str:
    """The friendly 503 page: what happened and to try again, no kernel started."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Busy: try again</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;color:#1d1d1f}}</style>
</head><body><h1>Busy: please try again in a minute</h1>
<p>This app could not be opened: {html.escape(reason)}.</p>
<p><a href="javascript:location.reload()">Try again</a></p></body></html>"""


def limit_memory(pid: int, max_memory_mb: int) -> None:
    """Cap process ``pid``'s address space at ``max_memory_mb`` MB (0: no cap)."""
    if max_memory_mb > 0:
        limit = max_memory_mb * 1024 * 1024
        resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))


class ServeKernel(ServerKernelManager):
    """One kernel of the server: its address space capped each time its process starts.

    The cap is its parent's (:class:`ServeKernels`) ``max_memory_mb``; a restart
    (after a crash, or a ``shutdown_request`` with ``restart``) starts a new
    process, capped as the first.
    """

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        pid = getattr(self.provisioner, "pid", None)
        if pid:
            limit_memory(pid, int(getattr(self.parent, "max_memory_mb", 0)))


class ServeKernels(AsyncMappingKernelManager):
    """The server's kernel manager: memory-capped kernels (:class:`ServeKernel`), visitors kept."""

    max_memory_mb = Int(0, config=True, help="MB of address space per kernel (0: no cap)")

    @default("kernel_manager_class")
    def _default_kernel_manager_class(self) -> str:
        return "valuelab.apps.serving.capacity.ServeKernel"

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        kernel_id = await super().start_kernel(*args, **kwargs)
        view = VIEW.get()
        if view is not None and kwargs.get("env", {}).get("VOILA_PREHEAT") == "False":
            view[0].claim(kernel_id)  # a page's own kernel (the pool was empty)
            self.log.info("kernel %s started for a page of %s", kernel_id, view[2])
        return kernel_id

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Cull an idle kernel, but not a preheated one still waiting for its page.

        (Culled, a preheated kernel would not be replaced until a page takes one,
        so every page after an idle spell would start a cold kernel.)
        """
        pools = getattr(self, "_pools", {})
        waiting = {
            task.result().get("kernel_id")
            for pool in pools.values()
            for task in pool
            if task.done() and not task.cancelled() and task.exception() is None
        }
        if kernel_id not in waiting:
            await super().cull_kernel_if_idle(kernel_id)


class ServeConnection(ZMQChannelsWebsocketConnection):
    """A page's websocket: widget messages rate-limited, errors and stderr kept in the log."""

    messages_per_second = Int(30, config=True, help="widget messages a page may send a second")

    def handle_incoming_message(self, incoming_msg: Any) -> None:
        # the budget is the kernel's (kept on its manager): a new websocket does not refill it
        holder = self.multi_kernel_manager.get_kernel(self.kernel_id)
        now = time.monotonic()
        rate = float(self.messages_per_second)
        last, tokens = getattr(holder, "_valuelab_bucket", (now, 2 * rate))
        tokens = min(2 * rate, tokens + (now - last) * rate)
        if tokens < 1:
            holder._valuelab_bucket = (now, tokens)
            if not getattr(self, "_warned", False):
                self.log.warning("kernel %s: widget messages over the rate limit", self.kernel_id)
                self._warned = True
            return
        holder._valuelab_bucket = (now, tokens - 1)
        super().handle_incoming_message(incoming_msg)

    def on_kernel_restarted(self) -> None:
        """A restarted kernel has lost its app: shut it down, the page says so (status dead)."""
        self.log.warning("kernel %s restarted: its app is gone, shutting it down", self.kernel_id)
        self._send_status_message("dead")
        km = self.multi_kernel_manager
        holder = km.get_kernel(self.kernel_id) if self.kernel_id in km else None
        if holder is not None and not getattr(holder, "_valuelab_closing", False):
            # once, whatever the pages connected; the task is kept until it is done
            holder._valuelab_closing = asyncio.ensure_future(
                km.shutdown_kernel(self.kernel_id, now=True)
            )

    def handle_outgoing_message(self, stream: Any, outgoing_msg: list[Any]) -> None:
        _, parts = self.session.feed_identities(outgoing_msg)
        if self.session.unpack(parts[1]).get("msg_type") == "stream":
            content = self.session.unpack(parts[4])
            if content.get("name") == "stderr":
                text = content.get("text", "")
                self.log.warning("kernel %s wrote to stderr (not sent):\n%s", self.kernel_id, text)
                return
        super().handle_outgoing_message(stream, outgoing_msg)

    def _on_error(self, channel: Any, msg: dict, msg_list: list[Any]) -> None:
        msg["header"] = self.get_part("header", msg["header"], msg_list)
        content = msg.get("content")
        kind = msg["header"]["msg_type"]
        if kind != "error" and not kind.endswith("_reply"):
            return
        content = self.get_part("content", content, msg_list)
        if kind.endswith("_reply") and content.get("status") != "error":
            return
        error_id = secrets.token_hex(4)
        self.log.error(
            "valuelab error %s in kernel %s: %s: %s\n%s",
            error_id,
            self.kernel_id,
            content.get("ename"),
            content.get("evalue"),
            _ANSI.sub("", "\n".join(content.get("traceback") or [])),
        )
        generic = ERROR_MESSAGE.format(id=error_id)
        content.update(ename="Error", evalue=generic, traceback=[generic])
        msg["content"] = content
        if self.subprotocol == "v1.kernel.websocket.jupyter.org":
            msg_list[3] = self.session.pack(content)
