"""coup1917/sphinx/templates/static/webpack-macros.html: no page loads the theme's fontawesome.js, and its icons
are still drawn (by the Font Awesome web font of the theme's style sheet)."""

import pytest


@pytest.mark.book
def test_no_page_loads_fontawesome_js_but_every_page_keeps_the_theme_assets(built_pages):
    for page, html in built_pages.items():
        assert "fontawesome.js" not in html, page
        # bootstrap.js once: its preload in the head is left out too (coup1917.sphinx.theme.page_speed)
        assert "pydata-sphinx-theme.css" in html and html.count("scripts/bootstrap.js") == 1, page


@pytest.mark.book
@pytest.mark.browser
def test_the_icons_are_drawn_by_the_web_font(browser, book_url):
    page = browser.new_page()
    page.goto(f"{book_url}/chapters/03-the-coup.html", wait_until="networkidle")
    drawn = page.evaluate("""() => [...document.querySelectorAll('.fa-solid, .fas')]
        .filter(icon => icon.getBoundingClientRect().width > 0)
        .map(icon => [getComputedStyle(icon, '::before').fontFamily, getComputedStyle(icon, '::before').content])""")
    font_loaded = page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    page.close()
    assert len(drawn) >= 4, drawn  # the menu, search, download, full-screen and theme buttons
    assert all(family == '"Font Awesome 6 Free"' and content not in ("none", "normal") for family, content in drawn)
    assert font_loaded
