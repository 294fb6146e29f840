// The reader's screen, on every page (coup1917/sphinx/margins/margin_notes.py, previews.py; styles in edition.css).
//
// 1. Margin notes on narrow screens. On a phone (no margin) edition.css collapses each note into its marker, a
//    <button>; this script makes a marker open its note inline on tap or click, and when the keyboard brings
//    focus to it; tapping it again closes the note. Wider screens show the notes in the margin and no markers.
// 2. Previews on touch. sphinx-tippy's previews open on hover and focus; on a touch screen the first tap on a
//    glossary term, citation or cross-reference shows its preview instead of leaving the page, and a second tap
//    follows the link. A slip mark's reading is its title, which a mouse shows and a touch screen never does:
//    a tap (or click) on the slip shows it, once tippy.js has loaded.
// 3. Scroll boxes. A table wider than a phone scrolls in a box of its own (edition.css); a box that scrolls is
//    given a tab stop so that a keyboard can scroll it too (the theme does the same for its own boxes).
(function () {
  "use strict";

  function setOpen(toggle, open) {
    var note = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!note) { return; }
    toggle.setAttribute("aria-expanded", String(open));
    note.classList.toggle("margin-note-open", open);
  }

  function initMarginNotes() {
    document.querySelectorAll("button.margin-note-toggle").forEach(function (toggle) {
      toggle.addEventListener("click", function () {
        setOpen(toggle, toggle.getAttribute("aria-expanded") !== "true");
      });
      toggle.addEventListener("focus", function () {
        // A keyboard's focus opens the note; a tap focuses the button too, and its click does the toggling.
        if (toggle.matches(":focus-visible")) { setOpen(toggle, true); }
      });
    });
  }

  function initTouchPreviews() {
    var shownBeforeTap = null;
    document.addEventListener("pointerdown", function (event) {
      var link = event.pointerType === "touch" && event.target.closest ? event.target.closest("a") : null;
      shownBeforeTap = link && link._tippy ? link._tippy.state.isVisible : null;
    }, true);
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a") : null;
      if (shownBeforeTap === false && link && link._tippy) {
        event.preventDefault();
        link._tippy.show();
      }
      shownBeforeTap = null;
    }, true);
  }

  function initSlipPreviews() {
    if (!window.tippy) { return; }
    document.querySelectorAll(".bd-article .sic[title]").forEach(function (slip) {
      window.tippy(slip, { content: slip.getAttribute("title"), trigger: "click", placement: "top", maxWidth: 360 });
    });
  }

  function initScrollBoxes() {
    var boxes = document.querySelectorAll(".bd-article .output.text_html");
    function update() {
      boxes.forEach(function (box) {
        if (box.scrollWidth > box.clientWidth) { box.tabIndex = 0; } else { box.removeAttribute("tabindex"); }
      });
    }
    update();
    window.addEventListener("resize", update);
    document.addEventListener("toggle", update, true);  // a chart's data table opened
  }

  function init() {
    initMarginNotes();
    initTouchPreviews();
    initScrollBoxes();
    window.addEventListener("load", initSlipPreviews);  // tippy.js, deferred after this script, has run by then
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
