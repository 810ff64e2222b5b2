"""The HTML report (--report), built from a real inner pytest run and opened in headless Chromium.

The inner run uses the tiny user network (tests/example_user_model.py) only to exercise the report's mechanics.
The browser is driven through the DevTools protocol over a pipe (--remote-debugging-pipe: NUL-separated JSON on
file descriptors 3 and 4), so the test needs no websocket client and no Python package beyond the standard library.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
# pytester forgets the modules an in-process run imported; torch._dynamo (imported lazily by torch.manual_seed)
# registers operators that cannot be registered twice, so it is imported once, here, for every inner run.
import torch._dynamo  # noqa: F401

from probes.records.figures import before_after, image_grid, polar_tuning, weight_maps

MODEL = "--model=tests.example_user_model:tiny_convnet"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

CLAIMS = '''
import numpy as np
import torch
from PIL import Image

from probes.records.figures import polar_tuning
from zoom_in_claims import claim

ANGLES = np.arange(0, 360, 15)


@claim("demo.pictured", "A claim with pictures.", source="test", kind="weights", positive="constructed_curves",
       predictions={"trained": ">= 0.5"}, resample="exact")
def test_pictured(model, evidence, figures):
    evidence.measure("trained", 0.0 if model.null else 1.0, ci=None if model.null else (0.8, 1.0), n=4)
    evidence.record("context", 3.0)
    tuning = {3: 1 + np.cos(np.deg2rad(ANGLES - 45)), 5: 1 + np.cos(np.deg2rad(ANGLES - 200))}
    figures.add("tuning", polar_tuning(ANGLES, tuning, preferred={3: 45, 5: 200}), caption="two units",
                units=["3:3", "3:5"])
    figures.add("visualisations", torch.rand(4, 3, 24, 24), caption="a grid", units="3:3")
    figures.add("photo", Image.new("RGB", (40, 30), (200, 90, 40)))


@claim("demo.refuted", "Never holds.", source="test", kind="weights", predictions={"never": ">= 0.5"},
       resample="exact")
def test_refuted(model, evidence):
    evidence.measure("never", 0.0)
'''


def build(pytester, *arguments):
    pytester.makepyfile(test_inner_report=CLAIMS)
    result = pytester.runpytest_inprocess(MODEL, *arguments)
    return result, pytester.path / "rep"


class Links(HTMLParser):
    """Every src and href of a page, and whether it has any script."""

    def __init__(self):
        super().__init__()
        self.targets, self.scripts = [], 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.targets += [value for name, value in attrs if name in ("src", "href")]


def links_of(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text())
    return parser


def test_report_pages_figures_and_links(pytester):
    result, report = build(pytester, "--controls", "--null-seeds", "1", "--report", "rep")
    result.stdout.fnmatch_lines(["*report written to rep/index.html*"])
    index = (report / "index.html").read_text()
    assert "demo.pictured" in index and "demo.refuted" in index and "v-refuted" in index
    claim = report / "claims" / "demo.pictured--tests.example_user_model_tiny_convnet.html"
    page = claim.read_text()
    for expected in ("A claim with pictures.", "Null twin", "Positive control: constructed_curves", "trained",
                     "[0.8, 1]", "recorded", "Figures on the null twin", "Figures on the positive control"):
        assert expected in page, expected
    unit = report / "units" / "tests.example_user_model_tiny_convnet--3_3.html"
    assert unit.read_text().count("<figure>") == 2  # the tuning curve and the grid, not the untagged photo
    assert len(list((report / "figures").glob("*.png"))) == 9  # 3 figures x (trained, null, positive)
    for html in report.rglob("*.html"):
        parsed = links_of(html)
        assert parsed.scripts == 0, html
        for target in parsed.targets:
            assert "://" not in target, (html, target)  # offline: nothing fetched from anywhere
            assert (html.parent / target).resolve().is_file(), (html, target)


def test_figures_cost_nothing_without_report(pytester):
    pytester.makepyfile(test_inner_lazy='''
from matplotlib.figure import Figure

from zoom_in_claims import claim


class Unsaveable(Figure):
    def savefig(self, *args, **kwargs):
        raise AssertionError("rendered without --report")


@claim("demo.lazy", "Draws nothing unasked.", source="test", kind="weights", predictions={"ran": ">= 0.5"},
       resample="exact")
def test_lazy(model, evidence, figures):
    built = []
    figures.add("eager", Unsaveable())
    figures.add("lazy", lambda: built.append(1))
    assert not figures.enabled and not built
    evidence.measure("ran", 1.0)
''')
    result = pytester.runpytest_inprocess(MODEL)
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "rep").exists()


def test_a_bad_unit_address_fails_even_without_report(pytester):
    pytester.makepyfile(test_inner_bad='''
def test_bad(figures):
    figures.add("x", None, units=["blocks.5:nine"])
''')
    result = pytester.runpytest_inprocess(MODEL)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*not a channel index*"])


def test_plotting_helpers_draw_without_a_display(tmp_path):
    angles = np.arange(0, 360, 10.0)
    curves = np.stack([1 + np.cos(np.deg2rad(angles - a)) for a in (0, 120, 240)], axis=1)
    figures = [polar_tuning(angles, curves, preferred={0: 0.0}),
               image_grid(np.random.rand(5, 3, 20, 20), titles=list("abcde"), mark_box=(4, 4, 16, 16)),
               weight_maps(np.random.randn(2, 3, 5, 5)),
               before_after(angles, curves, curves * 0.5)]
    for k, figure in enumerate(figures):
        figure.savefig(tmp_path / f"{k}.png")
        assert (tmp_path / f"{k}.png").stat().st_size > 1000


# --- the browser ---------------------------------------------------------------------------------------------

class Browser:
    """Headless Chromium driven by the DevTools protocol over --remote-debugging-pipe."""

    def __init__(self, profile: Path):
        # The child reads commands on fd 3 and writes answers on fd 4. Keep the pipe ends above 10 so that
        # moving them onto 3 and 4 in the child cannot overwrite one with the other.
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_read, answers_write)]
        for fd in (commands_read, answers_write):
            os.close(fd)
        flags = ["--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--remote-debugging-pipe",
                 f"--user-data-dir={profile}"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
        self.process = subprocess.Popen([CHROMIUM, *flags, "about:blank"], pass_fds=(3, 4),
                                        preexec_fn=lambda: (os.dup2(ends[0], 3), os.dup2(ends[1], 4)),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in ends:
            os.close(fd)
        self._buffer, self._next, self.events = b"", 0, []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=self.session)
        self.send("Emulation.setDeviceMetricsOverride", session=self.session, width=1280, height=900,
                  deviceScaleFactor=1, mobile=False)

    def _read(self, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._answers], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params} | ({"sessionId": session} if session else {})
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
            self.events.append(answer)

    def open(self, page: Path) -> None:
        self.events.clear()
        self.send("Page.navigate", session=self.session, url=page.resolve().as_uri())
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._read())

    def evaluate(self, expression: str):
        return self.send("Runtime.evaluate", session=self.session, expression=expression,
                         returnByValue=True)["result"]["value"]

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads the page reported."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"] + " " + params["entry"].get("url", ""))
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(str(params["args"]))
            elif method == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"]["text"])
        return found

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", session=self.session, format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._answers)


IMAGES_LOADED = "[...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])"


def check_in_browser(browser: Browser, page: Path, screenshot: Path) -> list:
    browser.open(page)
    images = browser.evaluate(IMAGES_LOADED)
    assert [src for src, loaded in images if not loaded] == [], f"images that did not load on {page}"
    assert browser.errors() == [], f"console errors on {page}"
    browser.screenshot(screenshot)
    assert screenshot.stat().st_size > 10_000
    return images


@pytest.fixture
def browser(tmp_path):
    if not Path(CHROMIUM).is_file():
        pytest.skip("headless Chromium not found at /usr/bin/chromium: `apt-get install chromium` to run this test")
    opened = Browser(tmp_path / "chromium-profile")
    yield opened
    opened.close()


@pytest.mark.slow  # starts a browser of its own
def test_report_in_a_browser(pytester, browser):
    _, report = build(pytester, "--controls", "--null-seeds", "1", "--report", "rep")
    index = report / "index.html"
    check_in_browser(browser, index, report / "index.png")
    rows = browser.evaluate("document.querySelectorAll('table tr').length")
    assert rows == 3  # a header and one row per ledger row
    claim = browser.evaluate("document.querySelector('a[href^=\"claims/\"]').getAttribute('href')")
    images = check_in_browser(browser, report / claim, report / "claim.png")
    assert len(images) == 9  # trained, null twin and positive control, three figures each
    unit = browser.evaluate("document.querySelector('.tags a').getAttribute('href')")
    check_in_browser(browser, (report / claim).parent / unit, report / "unit.png")
    print(f"screenshots: {report}/index.png, claim.png, unit.png")
