"""The report in a real browser: headless Chromium (Debian's `chromium` and its
`chromedriver`, driven by Selenium) opens report.html, says which images did not load and
what the console logged, and saves a screenshot."""

from __future__ import annotations

import shutil
from pathlib import Path

from hwgen.errors import HwgenError

#: what the page is asked once it has loaded: every image, and whether it decoded
_IMAGES = (
    "return Array.from(document.images)"
    ".map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]);"
)


def browser_check(page: Path, screenshot: Path, width: int = 1280, height: int = 2000) -> dict:
    """Open `page` (a local HTML file) in headless Chromium; returns {"images": {src: loaded},
    "console": [messages], "title": str} and writes `screenshot` (PNG)."""
    # deferred: selenium is only for the browser check
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_exe = shutil.which("chromium"), shutil.which("chromedriver")
    if browser is None or driver_exe is None:
        raise HwgenError(
            "chromium and chromedriver not found: apt-get install chromium chromium-driver "
            "(the Makefile does, as root)"
        )
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # the Debian driver by path: Selenium Manager would otherwise try to download one
    driver = webdriver.Chrome(service=Service(executable_path=driver_exe), options=opts)
    try:
        driver.get(Path(page).resolve().as_uri())
        images = {src: bool(ok) for src, ok in driver.execute_script(_IMAGES)}
        console = [f"{e['level']}: {e['message']}" for e in driver.get_log("browser")]
        title = driver.title
        Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(screenshot))
    finally:
        driver.quit()
    return {"images": images, "console": console, "title": title}
