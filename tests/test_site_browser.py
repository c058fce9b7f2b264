"""The site in a real browser: headless Chromium (Debian's `chromium`) driven by Selenium and chromedriver.

Pages are opened from the file system, as a reader who downloaded a release
would. Without Chromium or Selenium the tests skip and say why, except in CI
(the CI variable set), where they fail: .ci/run installs both.
Full-page screenshots go to test-artifacts/screenshots/, which CI keeps.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from faceledger.build import build

from .site_support import HOSTILE, hostile_repo
from .support import REPO

pytestmark = pytest.mark.slow

# Debian's packages first; then the names other systems (GitHub's Ubuntu runners) give them.
CHROMIUM = (
    os.environ.get("FACELEDGER_CHROMIUM")
    or next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    or "/usr/bin/chromium"
)
DRIVER = (
    os.environ.get("FACELEDGER_CHROMEDRIVER")
    or shutil.which("chromedriver")
    or str(Path(os.environ.get("CHROMEWEBDRIVER", "/usr/bin")) / "chromedriver")
)
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(
            f"{reason}: CI must run the browser tests (.ci/run installs chromium and chromium-driver)"
        )
    pytest.skip(
        f"{reason}: install chromium and chromium-driver (apt-get install -y chromium chromium-driver)"
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed")
    for needed in (CHROMIUM, DRIVER):
        if not Path(needed).is_file():
            _unavailable(f"{needed} is not there")
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def visit(driver: Any, page: Path) -> None:
    """Open `page` with empty logs, so what the checks read afterwards is this page's alone."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(page.as_uri())


def requested(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def assert_quiet(driver: Any) -> None:
    """No console error, and no request other than file:// (and data: for inline images)."""
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    urls = requested(driver)
    assert urls, "the performance log recorded no request at all"
    assert [url for url in urls if not url.startswith(("file://", "data:"))] == []


def screenshot(driver: Any, name: str) -> Path:
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    print(f"screenshot: {path}")
    return path


def visible_rows(driver: Any, table: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return [row for row in table.find_elements(By.CSS_SELECTOR, "tbody tr") if row.is_displayed()]


def test_the_home_page_opens_from_the_file_system_without_requests_elsewhere(browser: Any, built: Path):
    from selenium.webdriver.common.by import By

    visit(browser, built / "site" / "index.html")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("FaceLedger")
    charts = browser.find_elements(By.CSS_SELECTOR, "figure.chart img")
    assert len(charts) == 4
    # Each chart loaded (an image that failed has no natural width).
    assert all(browser.execute_script("return arguments[0].naturalWidth", img) > 0 for img in charts)
    assert_quiet(browser)
    assert screenshot(browser, "home").stat().st_size > 10_000


def test_the_contracts_table_sorts_and_filters(browser: Any, built: Path):
    from selenium.webdriver.common.by import By

    visit(browser, built / "site" / "contracts.html")
    table = browser.find_element(By.CSS_SELECTOR, "table[data-sortable]")
    rows = visible_rows(browser, table)
    assert len(rows) == 8
    assert_quiet(browser)
    screenshot(browser, "contracts")

    browser.find_element(By.XPATH, "//th/button[text()='amount']").click()
    amounts = [
        row.find_elements(By.TAG_NAME, "td")[4].get_attribute("data-sort")
        for row in visible_rows(browser, table)
    ]
    stated = [float(a) for a in amounts if a]
    assert stated == sorted(stated) and len(stated) == 3 and amounts[-1] == ""
    browser.find_element(By.XPATH, "//th/button[text()='amount']").click()
    again = [
        row.find_elements(By.TAG_NAME, "td")[4].get_attribute("data-sort")
        for row in visible_rows(browser, table)
    ]
    assert [float(a) for a in again if a] == sorted(stated, reverse=True)

    box = browser.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys("Trust Stamp")
    shown = visible_rows(browser, table)
    assert [row.find_element(By.TAG_NAME, "th").text for row in shown] == ["con-ice-trust-stamp"]


def test_a_contract_page_marks_each_quote_in_its_text(browser: Any, built: Path):
    from selenium.webdriver.common.by import By

    visit(browser, built / "site" / "contracts" / "con-ice-clearview-ai-hsi.html")
    marked = [mark.text for mark in browser.find_elements(By.TAG_NAME, "mark") if mark.is_displayed()]
    assert "The record indicates the total value of the contract is $9,225,000." in marked
    colour = browser.execute_script("return getComputedStyle(document.querySelector('mark')).backgroundColor")
    assert colour == "rgb(255, 226, 122)"
    assert_quiet(browser)
    screenshot(browser, "contract")


def test_pages_fit_a_375_pixel_wide_screen(browser: Any, built: Path):
    browser.set_window_size(375, 800)
    try:
        for page in ("index.html", "contracts.html", "contracts/con-ice-clearview-ai-hsi.html"):
            visit(browser, built / "site" / page)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= 375, (page, width)
        screenshot(browser, "contract-375px")
    finally:
        browser.set_window_size(1280, 900)


def test_a_hostile_title_renders_as_text(browser: Any, tmp_path: Path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    release = build(hostile_repo(tmp_path / "repo")).release
    assert release is not None
    page = release / "site" / "documents" / "doc-6b2ffdc075ca2b3c.html"
    visit(browser, page)
    assert HOSTILE in browser.find_element(By.TAG_NAME, "h1").text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.execute_script("return document.querySelectorAll('main script').length") == 0
    assert_quiet(browser)
    screenshot(browser, "hostile-title")
