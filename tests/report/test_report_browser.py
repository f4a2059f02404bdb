"""The HTML report in a real headless Chromium (Debian's package, driven by Playwright).

It opens the report of two sweeps, one made by a client whose user agent is a script, and
checks what a person would see: every alert, a drawn chart per alert, and the hostile user agent
shown as text with nothing run. The same page with its Content-Security-Policy removed must hold
too, so that escaping, not the policy, is what keeps the data inert.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trailsweep.cli.main import app
from trailsweep.report import TITLE

from .conftest import HOSTILE_BUCKET, HOSTILE_IP, HOSTILE_UA, PLAIN_IP

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    """Debian's Chromium binary (`.ci/run` installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run does)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module, launched from the system binary."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
    )
    executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def report_file(tmp_path: Path, hostile_trail: Path) -> Path:
    """`trailsweep report` over the two sweeps."""
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(hostile_trail), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def _without_csp(report: Path) -> Path:
    page = report.read_text(encoding="utf-8")
    start = page.index('<meta http-equiv="Content-Security-Policy"')
    end = page.index(">", start) + 1
    bare = report.with_name("report-without-csp.html")
    bare.write_text(page[:start] + page[end:], encoding="utf-8")
    return bare


@pytest.mark.parametrize("policy", ["with-csp", "without-csp"])
def test_report_in_chromium(browser: Any, report_file: Path, policy: str) -> None:
    target = report_file if policy == "with-csp" else _without_csp(report_file)
    page = browser.new_page()
    dialogs: list[str] = []
    requests: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(target.as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # an injected onerror handler would have fired by now

    # Nothing ran: the title is the report's, no dialog opened, no script or image exists.
    assert page.title() == TITLE
    assert page.evaluate("document.title") == TITLE
    assert dialogs == []
    assert errors == []
    assert page.evaluate("document.querySelectorAll('script, img, iframe, object').length") == 0
    assert page.evaluate("document.querySelectorAll('b, [onerror], [onload]').length") == 0
    # Offline: the page asked for nothing but itself.
    assert requests == [target.as_uri()]

    # Every alert is there, each with a drawn chart.
    sections = page.locator("section.alert")
    assert sections.count() == 2
    assert page.locator("table.overview tbody tr").count() == 2
    for index in range(2):
        section = sections.nth(index)
        rects = section.locator("svg.burst rect.segment")
        assert rects.count() >= 1
        sizes = [rects.nth(i).bounding_box() for i in range(rects.count())]
        assert all(box is not None and box["width"] > 0 and box["height"] > 0 for box in sizes)
    overview = page.locator("table.overview tbody tr").all_inner_texts()
    assert sorted(ip for ip in (HOSTILE_IP, PLAIN_IP) for row in overview if ip in row) == sorted(
        (HOSTILE_IP, PLAIN_IP)
    )

    # The hostile user agent is visible, as the exact text it was.
    hostile = page.locator("section.alert code.user-agent", has_text="document.title")
    assert hostile.count() == 1
    assert hostile.first.is_visible()
    assert hostile.first.inner_text() == HOSTILE_UA
    bucket = page.locator("ol.buckets code", has_text="evil<b>").first
    assert bucket.inner_text() == f"arn:aws:s3:::{HOSTILE_BUCKET}00"
    page.close()
