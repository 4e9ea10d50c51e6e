"""The reader pages in a real browser: Debian's chromium, headless, driven by Selenium
through Debian's chromedriver (``make browser`` installs both; ``make test`` runs it
first), against the app served by uvicorn on a free loopback port.

One journey, as a reader makes it: search in Kazakh with the keyboard, open a hit, land
on its paragraph, follow a defined term to its concept page, open a comparison from
there. Then the two promises the pages make about their form: nothing scrolls sideways
on a 360 px phone, and the keyboard reaches the skip link first and the search box soon
after. Every assertion is on the DOM, never on pixels; a screenshot of each step goes
to ``var/screenshots/`` for a person to look at.

The browser is required, not optional: a missing chromium or chromedriver fails with
what to run, since a skipped test would pass CI without testing anything.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "var" / "screenshots"
QUERY = "құпия ақпаратқа"
WAIT = 15
"""Seconds any one page or element may take: a page here renders in well under one."""


def _find(name: str, debian: str) -> str:
    found = shutil.which(name) or (debian if Path(debian).is_file() else None)
    if found is None:
        pytest.fail(f"{name} is missing: `make browser` installs Debian's chromium and chromium-driver", pytrace=False)
    return found


@pytest.fixture(scope="module")
def base_url(real_kb_root: Path) -> Iterator[str]:
    """The app over the session's corpus knowledge base, served by uvicorn in a thread
    on a free port of 127.0.0.1, stopped when the module is done."""
    import uvicorn

    from api.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(real_kb_root), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start", pytrace=False)
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(WAIT)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """Headless chromium at a desktop size, with bounded page-load and script timeouts."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = _find("chromium", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--lang=kk"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=_find("chromedriver", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver: WebDriver, name: str) -> None:
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def wait_for(driver: WebDriver, css: str) -> WebElement:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))  # type: ignore[no-any-return]


def press(driver: WebDriver, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def active(driver: WebDriver) -> WebElement:
    return driver.switch_to.active_element


def tab_to(driver: WebDriver, css: str, most: int) -> int:
    """Press Tab until the focused element matches ``css``; how many presses it took."""
    from selenium.webdriver.common.keys import Keys

    for n in range(1, most + 1):
        press(driver, Keys.TAB)
        if driver.execute_script("return document.activeElement.matches(arguments[0])", css):
            return n
    pytest.fail(f"{most} Tabs never reached {css}; stopped at {active(driver).get_attribute('outerHTML')[:200]}")


# -- the journey --------------------------------------------------------------------------


def test_search_open_a_hit_follow_a_term_and_compare(browser: WebDriver, base_url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(f"{base_url}/search")
    wait_for(driver, "form.search")
    shot(driver, "01-search-form")

    # the keyboard: skip link, then the search box; type an inflected query, Enter
    tab_to(driver, "a.skip", 1)
    tab_to(driver, "input#q", 10)
    active(driver).send_keys(QUERY, Keys.ENTER)
    wait_for(driver, "ol.hits li p.cite a")
    assert driver.find_element(By.ID, "q").get_attribute("value") == QUERY
    assert "<mark>" in driver.find_element(By.CSS_SELECTOR, "ol.hits li .snippet").get_attribute("innerHTML")
    links = driver.find_elements(By.CSS_SELECTOR, "ol.hits li p.cite a")
    citations = [a.text for a in links]
    assert len(citations) == len(set(citations))  # one hit per article
    assert all(urlsplit(a.get_attribute("href")).fragment.startswith("art-") for a in links)
    shot(driver, "02-search-results")

    # open the first hit in a numbered paragraph (a hit in an article without numbered
    # paragraphs links to the article): the reader, scrolled to that paragraph
    first = next((a for a in links if "-p" in urlsplit(a.get_attribute("href")).fragment), None)
    assert first is not None, f"no hit in a numbered paragraph on the first page: {citations}"
    fragment = urlsplit(first.get_attribute("href")).fragment
    article, _, paragraph = fragment.removeprefix("art-").partition("-p")
    assert f", {article}-бап, {paragraph}-тармақ" in first.text  # the link is the hit's own paragraph
    first.click()
    target = wait_for(driver, f'[id="{fragment}"]')
    assert urlsplit(driver.current_url).fragment == fragment
    assert driver.execute_script("return document.querySelector(':target') === arguments[0]", target)
    assert "paragraph" in target.get_attribute("class").split()
    assert target.find_element(By.CSS_SELECTOR, ".num").text == f"{paragraph}."
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top", target)
    assert 0 <= top < driver.execute_script("return window.innerHeight"), top  # scrolled into view
    shot(driver, "03-reader-at-paragraph")

    # a defined term: in the paragraph landed on if it has one, else anywhere on the page
    terms = target.find_elements(By.CSS_SELECTOR, '.term > a[href^="/concepts/"]') or driver.find_elements(
        By.CSS_SELECTOR, '.term > a[href^="/concepts/"]'
    )
    assert terms, "no defined term linked to its concept on the reader page"
    term = terms[0]
    tip = term.find_element(By.XPATH, "following-sibling::span[@role='tooltip']")
    assert term.get_attribute("title") and term.get_attribute("aria-describedby") == tip.get_attribute("id")
    assert not tip.is_displayed()
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", term)
    assert tip.is_displayed() and ":" in tip.text  # "term: definition", on keyboard focus
    shot(driver, "04-reader-term-tooltip")
    concept_path = unquote(urlsplit(term.get_attribute("href")).path)
    term.click()
    wait_for(driver, "section.definition")
    assert unquote(urlsplit(driver.current_url).path) == concept_path
    definitions = driver.find_elements(By.CSS_SELECTOR, "section.definition")
    assert len(definitions) >= 2
    for section in definitions:
        assert section.find_element(By.CSS_SELECTOR, "h2 a").get_attribute("href").startswith(f"{base_url}/treaties/")
        assert section.find_element(By.CSS_SELECTOR, ".redline").text.strip()
    shot(driver, "05-concept")

    # on to the comparison of the defining treaties' articles
    driver.find_element(By.CSS_SELECTOR, 'main a[href^="/compare?"]').click()
    table = wait_for(driver, "table.summary")
    assert urlsplit(driver.current_url).path == "/compare"
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(definitions)
    for row in rows:
        assert row.find_element(By.CSS_SELECTOR, "th a").get_attribute("href").split("#")[1].startswith("row-")
        assert row.find_element(By.CSS_SELECTOR, "td a").text.endswith("-бап")
    assert len(driver.find_elements(By.CSS_SELECTOR, "section.article")) == len(rows)
    assert driver.find_elements(By.CSS_SELECTOR, ".redline ins, .redline del")  # redlined against the baseline
    driver.execute_script("arguments[0].scrollIntoView()", table)
    shot(driver, "06-compare")


# -- a phone, and the keyboard --------------------------------------------------------------


def test_no_page_scrolls_sideways_at_360_px(browser: WebDriver, base_url: str) -> None:
    from urllib.parse import quote

    driver = browser
    driver.set_window_size(360, 740)
    try:
        inner = driver.execute_script("return window.innerWidth")
        assert inner <= 360
        pages = {
            "search": f"/search?q={quote(QUERY)}",
            "reader": "/treaties/2017-kupiia-akparatty-ozara-korgau#art-4",
            "obligations": "/obligations?modality=obligation",
            "compare": "/compare?type=definitions",
        }
        for name, path in pages.items():
            driver.get(base_url + path)
            wait_for(driver, "main")
            width = driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= inner, (name, width, inner)
            shot(driver, f"07-narrow-{name}")
    finally:
        driver.set_window_size(1280, 900)


def test_tab_reaches_the_skip_link_first_and_the_search_box_soon(browser: WebDriver, base_url: str) -> None:
    from selenium.webdriver.common.keys import Keys

    driver = browser
    for path, box in (("/search", "input#q"), ("/", "input#site-q"), ("/treaties/2017-akparat-almasu", "input#site-q")):
        driver.get(base_url + path)
        wait_for(driver, "main")
        assert tab_to(driver, "a.skip", 1) == 1, path
        assert active(driver).is_displayed()  # shown while focused
        outline = driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none"), (path, outline)  # a visible focus ring
        assert tab_to(driver, box, 10) <= 10
    # the skip link moves the focus past the header, to the page's own content
    driver.get(base_url + "/search")
    wait_for(driver, "main")
    tab_to(driver, "a.skip", 1)
    press(driver, Keys.ENTER)
    assert driver.execute_script("return document.activeElement.id") == "main"
    assert tab_to(driver, "input#q", 2) <= 2
    shot(driver, "08-keyboard-skip-link")
