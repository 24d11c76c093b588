"""A tiny headless-Chromium driver for the HTML tests: the DevTools protocol over ``--remote-debugging-pipe``.

No websocket library and no Selenium: Chromium reads protocol messages (JSON, NUL-terminated) on
file descriptor 3 and writes on 4.  :func:`inspect_page` loads a page, collects console errors,
uncaught exceptions and failed loads, evaluates a JavaScript expression and takes a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--remote-debugging-pipe")
_PUT_ON_3_AND_4 = """
import fcntl, os, sys
a = fcntl.fcntl(int(sys.argv[1]), fcntl.F_DUPFD_CLOEXEC, 10)
b = fcntl.fcntl(int(sys.argv[2]), fcntl.F_DUPFD_CLOEXEC, 10)
os.dup2(a, 3)
os.dup2(b, 4)
os.execv(sys.argv[3], sys.argv[3:])
"""


def find_chromium() -> str | None:
    env = os.environ.get("CHROMIUM")
    if env and shutil.which(env):
        return shutil.which(env)
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """A headless Chromium process spoken to over the DevTools pipe."""

    def __init__(self, binary: str, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="zhx-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # a small exec wrapper puts our pipe ends on fds 3 and 4, where --remote-debugging-pipe expects them
        cmd = [sys.executable, "-c", _PUT_ON_3_AND_4, str(to_chrome_r), str(from_chrome_w),
               binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        self.proc = subprocess.Popen(cmd, pass_fds=(to_chrome_r, from_chrome_w), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next = 0
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []
        self._stderr: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_chrome, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self._messages.put(None)
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                self._messages.put(json.loads(msg))

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send a command and wait for its result (events arriving meanwhile are kept in ``events``)."""
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode("utf-8") + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._get(deadline, method)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, session: str | None = None) -> dict[str, Any]:
        for e in self.events:
            if e.get("method") == method and (session is None or e.get("sessionId") == session):
                return e
        deadline = time.monotonic() + self.timeout
        while True:
            e = self._get(deadline, method)
            self.events.append(e)
            if e.get("method") == method and (session is None or e.get("sessionId") == session):
                return e

    def pump(self, seconds: float) -> None:
        """Collect events for a while (late console errors)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                e = self._messages.get(timeout=left)
            except queue.Empty:
                return
            if e is None:
                return
            self.events.append(e)

    def _get(self, deadline: float, what: str) -> dict[str, Any]:
        try:
            m = self._messages.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"chromium did not answer {what} in {self.timeout}s") from None
        if m is None:
            err = b"".join(self._stderr[-20:]).decode("utf-8", "replace")
            raise RuntimeError(f"chromium closed the pipe while waiting for {what}: {err}")
        return m

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.send("Browser.close")
        except Exception:  # noqa: BLE001 - closing a browser that already went away
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # the browser and its helpers: its own session
            self.proc.wait()
        self._reader.join(timeout=5)  # it ends at the pipe's EOF; only then may its fd number be reused
        for fd in (self._to_chrome, self._from_chrome):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def console_errors(events: list[dict[str, Any]], session: str) -> list[str]:
    """Uncaught exceptions, console.error/assert calls and error log entries (failed loads) of a page."""
    out = []
    for e in events:
        if e.get("sessionId") != session:
            continue
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append(f"exception: {d.get('text')} {d.get('exception', {}).get('description', '')}")
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append("console.error: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
    return out


def inspect_page(url: str, *, expression: str = "null", screenshot: Path | None = None,
                 width: int = 1000, height: int = 900, binary: str | None = None) -> dict[str, Any]:
    """Load ``url`` headless; return ``errors``, the value of ``expression`` and the screenshot path."""
    binary = binary or find_chromium()
    if binary is None:
        raise FileNotFoundError("no chromium found")
    with Chromium(binary) as b:
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Runtime.enable", "Log.enable", "Page.enable"):
            b.send(method, session=session)
        b.send("Emulation.setDeviceMetricsOverride",
               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
        nav = b.send("Page.navigate", {"url": url}, session)
        if nav.get("errorText"):
            raise RuntimeError(f"navigation failed: {nav['errorText']}")
        b.wait_event("Page.loadEventFired", session)
        b.pump(0.3)
        value = b.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        if "exceptionDetails" in value:
            raise RuntimeError(f"expression failed: {value['exceptionDetails']}")
        if screenshot is not None:
            shot = b.send("Page.captureScreenshot", {"format": "png"}, session)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        b.pump(0.1)
        return {"errors": console_errors(b.events, session), "value": value.get("result", {}).get("value"),
                "screenshot": screenshot}
