"""Headless Chromium driven through the DevTools protocol, for the browser tests of the preview.

The tests elsewhere drive Chromium from its command line (--dump-dom, --screenshot, --print-to-pdf), which
loads a page once. A live page needs a browser that stays open: Chromium's --remote-debugging-pipe takes the
protocol's JSON messages (each ended by a NUL byte) on its file descriptor 3 and answers on 4, so no
websocket library is needed. A small launcher (this Python, exec'ing Chromium) puts the two pipes there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH = "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); os.execv(sys.argv[3], sys.argv[3:])"


class ProtocolError(Exception):
    pass


class Chromium:
    """One headless browser with one page; `open`, `evaluate`, `wait_for`; use as a context manager."""

    def __init__(self, profile: Path, width: int = 1200, height: int = 900):
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        command = [sys.executable, "-c", LAUNCH, str(commands_read), str(answers_write), CHROMIUM, "--headless",
                   "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-sync",
                   "--disable-background-networking", "--disable-component-update", "--remote-debugging-pipe",
                   f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"]
        self.process = subprocess.Popen(command, pass_fds=(commands_read, answers_write),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(commands_read)
        os.close(answers_write)
        self._next = 0
        self._replies: dict[int, dict] = {}
        self._arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=self.session)
        self.send("Runtime.enable", session=self.session)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (ProtocolError, OSError):
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for handle in (self._commands, self._answers):
            try:
                os.close(handle)
            except OSError:
                pass

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._answers, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._arrived:
                    self._replies[-1] = {"error": {"message": "Chromium closed its pipe"}}
                    self._arrived.notify_all()
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._arrived:
                for message in messages:
                    data = json.loads(message)
                    if "id" in data:
                        self._replies[data["id"]] = data
                self._arrived.notify_all()

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 120) -> dict:
        self._next += 1
        number = self._next
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode("utf-8") + b"\0")
        with self._arrived:
            if not self._arrived.wait_for(lambda: number in self._replies or -1 in self._replies, timeout):
                raise ProtocolError(f"{method}: no answer in {timeout} s")
            reply = self._replies.pop(number, None) or self._replies[-1]
        if "error" in reply:
            raise ProtocolError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def open(self, url: str) -> None:
        self.send("Page.navigate", {"url": url}, session=self.session)
        self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'")

    def evaluate(self, expression: str, timeout: float = 120):
        answer = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                           session=self.session, timeout=timeout)
        if "exceptionDetails" in answer:
            raise ProtocolError(f"{expression[:80]}: {answer['exceptionDetails'].get('text')}")
        return answer["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 180, every: float = 0.1):
        """The expression's value once it is truthy; polled, so a loaded machine only makes it slower."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except ProtocolError:  # a page between two documents
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"still not true after {timeout} s: {expression}")
            time.sleep(every)

    def screenshot(self) -> bytes:
        import base64

        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"}, session=self.session)["data"])
