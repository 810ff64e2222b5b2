"""The HTML report (--report DIR): a static, offline site, because researchers judge features by looking.

    index.html           one row per ledger row: verdict, key measurement, falsifiable, sensitive
    claims/<id>--<model>.html   the claim, its predictions, every measurement, both controls, its figures
    units/<network>--<unit>.html  every figure tagged with one unit, from any claim (like Microscope)
    figures/*.png

Claims attach figures through the `figures` fixture and never write files, so this module alone decides where
they go and whether they are drawn at all: without --report `figures.add` returns at once. With it, a figure
is rendered to PNG as it is added (the claim's arrays and figures can be freed) and kept in memory; the site is
written at the end of the run, and an interrupted run writes nothing, like the ledger. No CDN, no JavaScript:
the folder opens from disk, anywhere, and can be archived with the run.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pytest

from probes.addressing import parse_address
from zoom_in_claims.claims import claim_of
from zoom_in_claims.ledger import ledger_rows
from zoom_in_claims.verdicts import ENTRIES, model_request

FIGURES = pytest.StashKey[list]()  # present only with --report: the rendered figures of the run
ITEM_FIGURES = pytest.StashKey[list]()  # one test's figures, until its report carries them to the controller


@dataclass
class Rendered:
    """One figure as the report needs it: PNG bytes and where it belongs (test, claim, run, units)."""

    name: str
    caption: str
    units: tuple[str, ...]
    test: str  # the pytest nodeid: the ledger row's `test`
    claim: str | None
    role: str  # trained, null, positive or near_miss
    model: str  # the model name, as in the ledger row
    network: str  # whose units these are: the null twin's are not the trained model's
    png: bytes
    size: tuple[int, int]
    pixelated: bool  # raw images (visualisations, crops) are small: scale them up without blurring
    file: str = ""  # set when the site is written


class Figures:
    """`figures.add(name, figure, *, caption="", units=())`: attach a figure to this test's report page.

    `figure`: a matplotlib Figure, a PIL image, an image tensor (3, H, W) or a batch (N, 3, H, W) in [0, 1]
    (shown as a grid), or a function of no arguments returning one of these, called only when a report is
    written (for figures costly to build). `units`: atlas addresses ("blocks.5.expand:196"); the figure also
    appears on each unit's page. `figures.enabled` says whether anything is kept."""

    def __init__(self, item, store: list | None):
        self._item, self._store = item, store

    @property
    def enabled(self) -> bool:
        return self._store is not None

    def add(self, name: str, figure, *, caption: str = "", units=()) -> None:
        # Addresses are checked even without --report, so a bad tag fails every run, not only reporting ones.
        units = tuple(str(parse_address(u)) for u in ([units] if isinstance(units, str) else units))
        if self._store is None:
            _release(figure)
            return
        if callable(figure):
            figure = figure()
        png, size, pixelated = to_png(figure)
        request, declared = model_request(self._item), claim_of(self._item)
        role, model = (request.role, request.name) if request else ("trained", "n/a")
        self._item.stash.setdefault(ITEM_FIGURES, []).append(Rendered(
            name=name, caption=caption, units=units, test=self._item.nodeid, claim=declared.id if declared else None,
            role=role, model=model, network=request.id if role == "null" else model, png=png, size=size,
            pixelated=pixelated))


def _release(figure) -> None:
    """Close a figure made through pyplot, which would otherwise keep it alive (and warn after 20)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and hasattr(figure, "savefig"):
        pyplot.close(figure)


def to_png(figure) -> tuple[bytes, tuple[int, int], bool]:
    """PNG bytes, (width, height) and whether the figure is a raw image (to be scaled up pixelated)."""
    from PIL import Image

    buffer = io.BytesIO()
    if hasattr(figure, "savefig"):
        figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", facecolor="white")
        _release(figure)
        return buffer.getvalue(), Image.open(io.BytesIO(buffer.getvalue())).size, False
    image = figure if isinstance(figure, Image.Image) else tensor_image(figure)
    image.save(buffer, format="png")
    return buffer.getvalue(), image.size, True


def tensor_image(tensor):
    """A PIL image of an image tensor (C, H, W), or of a batch (N, C, H, W) as a grid, values in [0, 1]."""
    import torch
    from PIL import Image
    from torchvision.utils import make_grid

    if not hasattr(tensor, "shape"):
        raise TypeError(f"figures.add: expected a matplotlib Figure, a PIL image or an image tensor, "
                        f"got {type(tensor).__name__}")
    tensor = torch.as_tensor(tensor).detach().float().cpu()
    if tensor.ndim == 4:
        tensor = make_grid(tensor, nrow=min(8, len(tensor)), padding=2, pad_value=1.0)
    if tensor.ndim != 3 or tensor.shape[0] not in (1, 3):
        raise ValueError(f"figures.add: an image tensor is (3, H, W) or (N, 3, H, W), got {tuple(tensor.shape)}")
    pixels = (tensor.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()
    return Image.fromarray(pixels.squeeze(-1) if pixels.shape[-1] == 1 else pixels)


@pytest.fixture
def figures(request) -> Figures:
    """Attach figures to the report: `figures.add(name, figure, caption=..., units=[...])` (see `Figures`)."""
    return Figures(request.node, request.config.stash.get(FIGURES, None))


def pytest_configure(config):
    if config.getoption("report", None):
        config.stash[FIGURES] = []
        if not config.pluginmanager.has_plugin("zoom-in-figures"):
            config.pluginmanager.register(FigureCollector(config), "zoom-in-figures")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when == "call" and ITEM_FIGURES in item.stash:
        # As plain dicts: the report may travel from a pytest-xdist worker to the controller.
        outcome.get_result().claim_figures = [vars(figure) for figure in item.stash[ITEM_FIGURES]]


class FigureCollector:
    """Gathers figures from the test reports, whether the test ran here or on a pytest-xdist worker."""

    def __init__(self, config):
        self.config = config

    def pytest_runtest_logreport(self, report):
        for figure in getattr(report, "claim_figures", ()):
            self.config.stash[FIGURES].append(Rendered(**figure))


@pytest.hookimpl(trylast=True)  # after the ledger's table, so the path is the last line
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    directory = config.getoption("report", None)
    if not directory or hasattr(config, "workerinput"):  # an xdist worker: the controller writes the site
        return
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        terminalreporter.write_line(f"run interrupted: the report in {directory} was left as it was")
        return
    command = "pytest " + " ".join(config.invocation_params.args)
    write_report(Path(directory), ledger_rows(config.stash.get(ENTRIES, [])), config.stash.get(FIGURES, []),
                 command)
    terminalreporter.write_line(f"report written to {directory}/index.html")


# --- the site ------------------------------------------------------------------------------------------------

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232a;max-width:1180px;
  margin:0 auto;padding:1.5em 1.5em 4em;background:#fff}
h1{font-size:1.55em;margin:.4em 0 .2em} h2{font-size:1.2em;margin:1.8em 0 .5em;border-bottom:1px solid #e3e6ea;
  padding-bottom:.2em} h3{font-size:1.02em;margin:1.3em 0 .4em}
a{color:#1f5fa8;text-decoration:none} a:hover{text-decoration:underline}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f3f5f7;padding:.05em .3em;
  border-radius:3px}
h1 code{font-size:.9em;background:none;padding:0}
table{border-collapse:collapse;width:100%;font-size:14px} th{text-align:left;font-weight:600;color:#4a5561;
  border-bottom:2px solid #d5dae0} th,td{padding:.42em .6em;vertical-align:top} td{border-bottom:1px solid #eceff2}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.verdict{display:inline-block;font-size:12px;font-weight:700;letter-spacing:.02em;padding:.12em .5em;
  border-radius:3px;white-space:nowrap}
.v-holds{background:#dcf3e1;color:#14532d} .v-refuted{background:#fde2e1;color:#8a1c1c}
.v-error{background:#efe0f7;color:#5b1f7a} .v-not-run{background:#eceff2;color:#4a5561}
.v-expected-refuted{background:#fff0cc;color:#7a4a00} .news{outline:2px solid #d62728}
.no{color:#b42318;font-weight:700} .passed{color:#14532d} .failed{color:#b42318;font-weight:700}
.muted{color:#6a7682} .statement{font-size:1.1em;border-left:4px solid #c9d3de;margin:1em 0;padding:.2em 1em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1.2em;margin:.5em 0} dt{color:#6a7682}
dd{margin:0} nav{font-size:14px;margin-bottom:1em} .control{margin:.6em 0 1.2em}
.figures{display:flex;flex-wrap:wrap;gap:1.4em;align-items:flex-start}
figure{margin:0;max-width:100%} figure img{max-width:100%;height:auto;border:1px solid #eceff2;display:block}
img.pixelated{image-rendering:pixelated} figcaption{font-size:13px;max-width:560px;margin-top:.35em}
.tags a{display:inline-block;font:12px ui-monospace,Menlo,Consolas,monospace;background:#eef3fa;
  border-radius:3px;padding:0 .35em;margin:.15em .25em 0 0}
"""




def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "_"


def claim_page(row: dict) -> str:
    return f"claims/{_slug(row['id'])}--{_slug(row['model'])}.html"


def unit_page(network: str, unit: str) -> str:
    return f"units/{_slug(network)}--{_slug(unit)}.html"


def _number(x) -> str:
    return f"{x:.3g}" if isinstance(x, (int, float)) else escape(str(x))


def _verdict(verdict: str, news: bool = False) -> str:
    css = "v-" + verdict.lower().replace(" ", "-")
    label = verdict + (" · NEWS" if news else "")
    return f'<span class="verdict {css}{" news" if news else ""}">{escape(label)}</span>'


def _flag(value) -> str:
    value = "n/a" if value is None else str(value)
    return f'<span class="no">{value}</span>' if value == "NO" else escape(value)


def _bound(m: dict) -> str:
    return escape((m.get("prediction") or "").replace(">=", "≥").replace("<=", "≤"))


def _interval(m: dict) -> str:
    return f"[{_number(m['ci'][0])}, {_number(m['ci'][1])}]" if m.get("ci") else ""


OUTCOMES = {"holds": '<span class="passed">holds</span>', "refuted": '<span class="failed">refuted</span>',
            "inconclusive": '<span class="muted">inconclusive</span>'}


def _outcome(m: dict) -> str:
    shown = OUTCOMES.get(m.get("outcome"), '<span class="muted">recorded</span>')
    return ('<span class="muted">superseded:</span> ' if m.get("superseded") else "") + shown


def _key(row: dict) -> str:
    """The measurement a reader looks at first (as `Evidence.key`: a refuted one, an inconclusive one, else the
    first tested)."""
    measurements = row.get("measurements") or []
    tested = [m for m in measurements if m.get("prediction") and not m.get("superseded")]
    chosen = ([m for m in tested if m.get("outcome") == "refuted"] or
              [m for m in tested if m.get("outcome") == "inconclusive"] or tested or measurements or [None])[0]
    if chosen is None:
        return f'<span class="muted">{escape(row.get("key") or row.get("reason") or "")}</span>'
    n = f' <span class="muted">(n={chosen["n"]})</span>' if chosen.get("n") else ""
    return (f"{escape(chosen['name'])} = <b>{_number(chosen['value'])}</b> {_interval(chosen)} "
            f"{_bound(chosen)}{n} {_outcome(chosen) if chosen.get('prediction') else ''}")


def _measurements(measurements: list[dict]) -> str:
    if not measurements:
        return '<p class="muted">nothing measured</p>'
    lines = ["<table><tr><th>measurement</th><th>value</th><th>95% interval</th><th>prediction</th>"
             "<th>n</th><th>outcome</th><th>null twins that refuted it</th></tr>"]
    for m in measurements:
        nulls = f"{m['null_refuted']} of {m['null_seeds']}" if m.get("null_seeds") else ""
        if m.get("falsifiable") == "NO":
            nulls += ' <span class="no">vacuous</span>'
        lines.append(f"<tr><td>{escape(m['name'])}</td><td class=num>{_number(m['value'])}</td>"
                     f"<td class=num>{_interval(m)}</td><td class=num>{_bound(m)}</td>"
                     f"<td class=num>{m.get('n') or ''}</td><td>{_outcome(m)}</td><td>{nulls}</td></tr>")
    return "\n".join(lines) + "</table>"


def _figure(figure: Rendered, link: str = "") -> str:
    """A figure in a page one folder below the site's root."""
    width, height = figure.size
    if figure.pixelated:  # a 73 px visualisation is unreadable at its own size
        scale = max(1, min(4, 360 // max(width, 1)))
        width, height = width * scale, height * scale
    tags = "".join(f'<a href="../{unit_page(figure.network, unit)}">{escape(unit)}</a>' for unit in figure.units)
    return (f'<figure><img src="../{figure.file}" width="{width}" height="{height}" alt="{escape(figure.name)}"'
            f'{" class=pixelated" if figure.pixelated else ""}><figcaption><b>{escape(figure.name)}</b>'
            f'{" — " + escape(figure.caption) if figure.caption else ""}{link}'
            f'{"<div class=tags>" + tags + "</div>" if tags else ""}</figcaption></figure>')


def _figures(figures: list[Rendered], links=None) -> str:
    blocks = [_figure(f, links(f) if links else "") for f in figures]
    return f'<div class="figures">{"".join(blocks)}</div>'


def _page(title: str, body: str, root: str = "") -> str:
    nav = f'<nav><a href="{root}index.html">← all claims</a></nav>' if root else ""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>{nav}\n{body}\n</body></html>\n")


def index_html(rows: list[dict], figures: dict[str, list], units: list[tuple[str, str]], command: str) -> str:
    counts = defaultdict(int)
    for row in rows:
        counts[row["verdict"]] += 1
    summary = ", ".join(f"{n} {_verdict(v)}" for v, n in counts.items()) or "no claims ran"
    lines = [f"<h1>Zoom In: claims as tests</h1><p>{len(rows)} ledger rows: {summary}</p>",
             f'<p class="muted">{escape(time.strftime("%Y-%m-%d %H:%M"))} · <code>{escape(command)}</code></p>',
             '<p class="muted"><b>falsifiable</b>: each prediction refuted on most null twins (initialised as for '
             'training, selected by the same screen). <b>sensitive</b>: '
             "holds on its positive control, a constructed network where it is true by construction. <b>specific</b>: "
             "refuted on its near miss, the same network with the mechanism planted wrong in the claimed respect. A "
             "refutation is a finding only when its instrument is sensitive.</p>",
             "<table><tr><th>claim</th><th>model</th><th>verdict</th><th>key measurement (95% interval)</th>"
             "<th>falsifiable</th><th>sensitive</th><th>specific</th><th>figures</th></tr>"]
    for row in rows:
        lines.append(f'<tr><td><a href="{claim_page(row)}"><code>{escape(row["id"])}</code></a></td>'
                     f'<td>{escape(row["model"])}</td><td>{_verdict(row["verdict"], row.get("news", False))}</td>'
                     f"<td>{_key(row)}</td><td>{_flag(row.get('falsifiable'))}</td>"
                     f"<td>{_flag(row.get('sensitive'))}</td><td>{_flag(row.get('specific'))}</td>"
                     f"<td class=num>{len(figures.get(row['test'], [])) or ''}"
                     f"</td></tr>")
    lines.append("</table>")
    if units:
        networks = defaultdict(list)
        for network, unit in units:
            networks[network].append(f'<a href="{unit_page(network, unit)}">{escape(unit)}</a>')
        lines.append("<h2>Units with figures</h2><dl>" + "".join(
            f'<dt>{escape(network)}</dt><dd class="tags">{"".join(links)}</dd>' for network, links in networks.items())
            + "</dl>")
    return _page("Zoom In: claims", "\n".join(lines))


def _control(title: str, control: dict | None, must: str, flag_name: str, flag, missing: str) -> str:
    if control is None:
        return f'<div class="control"><h3>{title}</h3><p class="muted">{escape(missing)}</p></div>'
    return (f'<div class="control"><h3>{title}: {escape(control.get("model", ""))}'
            f'{" (" + escape(str(control["null"])) + ")" if control.get("null") else ""}</h3>'
            f"<p>{_verdict(control['verdict'])} <span class=muted>must {must}</span> · {flag_name}: {_flag(flag)}</p>"
            f"{_measurements(control.get('measurements') or [])}</div>")


def claim_html(row: dict, own: list, null: list, positive: list, near_miss: list = ()) -> str:
    declared = row.get("positive")
    predictions = "".join(f"<li>{escape(name)} {_bound({'prediction': text})}</li>"
                          for name, text in (row.get("predictions") or {}).items()) or \
        '<li class="muted">no prediction was declared</li>'
    facts = [("model", escape(row["model"])), ("source", escape(row.get("source", ""))),
             ("kind", escape(row.get("kind", ""))), ("expected", escape(row.get("expect", ""))),
             ("falsifiable", _flag(row.get("falsifiable"))), ("sensitive", _flag(row.get("sensitive"))),
             ("specific", _flag(row.get("specific")))]
    facts += [("finding", escape(row["finding"]))] if row.get("finding") else []
    facts += [("reason", f"<code>{escape(row['reason'])}</code>")] if row.get("reason") else []
    facts += [("test", f"<code>{escape(row['test'])}</code>"), ("time", f"{row.get('duration', '')} s")]
    inputs = row.get("provenance") or {}
    facts += [("inputs", " · ".join(f"{escape(k)} <code>{escape(str(v))}</code>" for k, v in inputs.items()
                                    if v is not None))] if inputs else []
    body = [f"<h1><code>{escape(row['id'])}</code> {_verdict(row['verdict'], row.get('news', False))}</h1>",
            f'<p class="statement">{escape(row.get("statement", ""))}</p>',
            "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>",
            f"<h2>Predictions</h2><ul>{predictions}</ul>",
            f"<h2>Measurements</h2>{_measurements(_with_nulls(row))}",
            "<h2>Controls</h2>",
            *([_control(f"Null twin, seed {c.get('seed')}", c, "refute each prediction (most seeds)",
                        "falsifiable", row.get("falsifiable"), "") for c in row.get("controls") or []]
              or [_control("Null twin", None, "", "", "", "not run (run with --controls)")]),
            _control("Positive control", row.get("positive_control"), "HOLD", "sensitive", row.get("sensitive"),
                     f"{declared} declared, not run (run with --controls)" if declared else "none declared"),
            _control("Near miss", row.get("near_miss_control"), "be REFUTED", "specific", row.get("specific"),
                     f"{row['near_miss']} declared, not run (run with --controls)" if row.get("near_miss")
                     else "none declared")]
    for title, chosen in (("Figures", own), ("Figures on the null twin", null),
                          ("Figures on the positive control", positive), ("Figures on the near miss", near_miss)):
        if chosen or title == "Figures":
            body.append(f"<h2>{title}</h2>" + (_figures(chosen) if chosen else '<p class="muted">none</p>'))
    return _page(f"{row['id']} on {row['model']}", "\n".join(body), root="../")


def _with_nulls(row: dict) -> list[dict]:
    """The trained measurements, each prediction with how many null seeds refuted it (zoom_in_claims.ledger)."""
    judged = {(p["name"], p["prediction"], p["superseded"]): p for p in row.get("prediction_rows") or []}
    return [judged.get((m["name"], m.get("prediction"), m.get("superseded")), m)
            for m in row.get("measurements") or []]


def unit_html(network: str, unit: str, figures: list[Rendered], page_of) -> str:
    address = parse_address(unit)

    def link(figure: Rendered) -> str:
        page = page_of(figure)
        where = (f'<a href="../{page}">{escape(figure.claim or figure.test)}</a>' if page
                 else f"<code>{escape(figure.test)}</code>")
        return f'<div class="muted">from {where}{"" if figure.role == "trained" else " (" + figure.role + ")"}</div>'

    body = (f"<h1><code>{escape(unit)}</code></h1><p>network <b>{escape(network)}</b> · layer "
            f"<code>{escape(address.layer)}</code> · unit {address.unit if address.unit is not None else 'all'} · "
            f"{len(figures)} figure{'s' * (len(figures) != 1)}</p>" + _figures(figures, link))
    return _page(f"{unit} of {network}", body, root="../")


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _figure_file(figure: Rendered, taken: set) -> str:
    # Nodeids are long and full of brackets: the test's name keeps files findable, a hash keeps them apart.
    test = figure.test.split("::", 1)[-1]
    stem = f"figures/{_slug(test)[:80]}-{hashlib.sha1(figure.test.encode()).hexdigest()[:8]}--{_slug(figure.name)[:60]}"
    name, k = f"{stem}.png", 1
    while name in taken:  # the same name added twice by one test
        k += 1
        name = f"{stem}-{k}.png"
    taken.add(name)
    return name


def write_report(directory: Path, rows: list[dict], figures: list[Rendered], command: str = "pytest") -> None:
    """Write the site: figures first, then the pages that show them, the index last."""
    for folder in ("figures", "claims", "units"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    taken: set = set()
    for figure in figures:
        figure.file = _figure_file(figure, taken)
        _atomic_write(directory / figure.file, figure.png)

    by_test, by_unit = defaultdict(list), defaultdict(list)
    for figure in figures:
        by_test[figure.test].append(figure)
        for unit in figure.units:
            by_unit[(figure.network, unit)].append(figure)
    trained_page = {row["test"]: claim_page(row) for row in rows}
    null_page = {(row["id"], row["model"]): claim_page(row) for row in rows}
    positive_page = {}
    for row in rows:
        positive_page.setdefault(row["id"], claim_page(row))

    def page_of(figure: Rendered) -> str | None:
        if figure.role == "null":
            return null_page.get((figure.claim, figure.model))
        if figure.role in ("positive", "near_miss"):
            return positive_page.get(figure.claim)
        return trained_page.get(figure.test)

    for row in rows:
        null = [f for f in figures if f.claim == row["id"] and f.role == "null" and f.model == row["model"]]
        positive = [f for f in figures if f.claim == row["id"] and f.role == "positive"]
        near_miss = [f for f in figures if f.claim == row["id"] and f.role == "near_miss"]
        _atomic_write(directory / claim_page(row), claim_html(row, by_test.get(row["test"], []), null,
                                                               positive, near_miss).encode())
    for (network, unit), members in by_unit.items():
        _atomic_write(directory / unit_page(network, unit), unit_html(network, unit, members, page_of).encode())
    _atomic_write(directory / "index.html", index_html(rows, by_test, sorted(by_unit), command).encode())
