"""What every page must pass, at a desk's width and a phone's: axe-core finds no serious or
critical violation, nothing scrolls sideways on the phone, and a screenshot of each is kept.

``check(page, url, name)`` visits ``url`` at each of ``VIEWPORTS`` and returns the problems,
readable, one a line (empty: the page passes). A new page joins the check by being visited
with it (tests/web/test_pages.py). Screenshots go to ``$MAILBOT_SCREENSHOTS`` or
build/screenshots, named ``{name}-{width}.png``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.web import PASSWORD

SCREENSHOTS = Path(os.environ.get("MAILBOT_SCREENSHOTS", "build/screenshots"))
VIEWPORTS = ((1280, 900), (390, 844))  # a desk, and a phone (an iPhone 12 to 15)
PHONE = 390
FAILING = ("serious", "critical")  # the impacts a page may not have
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
_AXE = Axe()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright (as tests/web/test_browser.py does)."""
    executable = Path("/usr/bin/chromium")
    if not executable.exists():
        pytest.fail("Chromium is missing: apt-get install chromium (scripts/setup-system does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def shot(page: Page, name: str) -> Path:
    """The whole page as ``{name}.png`` in the screenshot folder (made when missing)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is, one line per element:
    rule, impact, what it asks, the element, and axe's summary of what fails."""
    violations: list[dict[str, Any]] = _AXE.run(page).response["violations"]
    found = []
    for violation in violations:
        if violation.get("impact") not in FAILING:
            continue
        for node in violation["nodes"]:
            summary = " ".join(str(node.get("failureSummary", "")).split())
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}: "
                f"{' '.join(map(str, node['target']))}: {summary}"
            )
    return found


def sideways(page: Page) -> int:
    """How far the page reaches beyond the window's width, in pixels (0: it fits)."""
    wide: int = page.evaluate("() => document.scrollingElement.scrollWidth")
    return max(0, wide - page.viewport_size["width"]) if page.viewport_size else 0


def check(page: Page, url: str, name: str) -> list[str]:
    """``url`` at each of ``VIEWPORTS``: a screenshot each, and the problems found, each line
    starting with ``name`` and the width."""
    problems = []
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        shot(page, f"{name}-{width}")
        problems += [f"{name} at {width} px: {problem}" for problem in axe_problems(page)]
        if width == PHONE and (over := sideways(page)) > 1:
            problems.append(f"{name} at {width} px: the page scrolls {over} px sideways")
    return problems


def log_in(page: Page, site: Any, user: str = "rudi") -> None:
    """Log in as ``user`` (the Dutch login page); the browser lands on the Today page."""
    page.goto(f"{site.url}/login")
    page.get_by_label("Gebruikersnaam").fill(user)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{site.url}/")
