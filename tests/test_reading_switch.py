"""In a browser: the reader's switch between the text as printed and corrected, kept from page to page.

Playwright drives Debian's Chromium (never a downloaded browser) against the built book served on 127.0.0.1.
"""

import pytest


@pytest.fixture(scope="module")
def site(book_url):
    return book_url


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_the_switch_shows_the_readings_and_is_remembered(site, page):
    page.goto(f"{site}/chapters/05-the-dissolution-and-the-third-congress.html")
    slip = page.locator("span.sic").filter(has_text="to the be").first
    assert slip.locator(".sic-printed").is_visible()
    assert not slip.locator(".sic-reading").is_visible()
    assert "Read \u201cto be\u201d" in slip.get_attribute("title")

    page.get_by_role("button", name="corrected").click()
    assert slip.locator(".sic-reading").is_visible()
    assert not slip.locator(".sic-printed").is_visible()
    assert page.get_by_role("button", name="corrected").get_attribute("aria-pressed") == "true"

    page.goto(f"{site}/chapters/03-the-coup.html")
    assert page.locator("span.sic .sic-reading").first.inner_text() == "Ispolkom"
    page.get_by_role("button", name="as printed").click()
    assert page.locator("span.sic .sic-printed").first.is_visible()


def test_pages_without_slips_have_no_switch(site, page):
    page.goto(f"{site}/chapters/glossary.html")
    assert page.locator(".edition-reading-switch").count() == 0
