// The reader's screen, on every page (coup1917/sphinx/margins/margin_notes.py, previews.py; styles in edition.css).
//
// 1. Margin notes on narrow screens. On a phone (no margin) edition.css collapses each note into its marker, a
//    <button>; this script makes a marker open its note inline on tap or click, and when the keyboard brings
//    focus to it; tapping it again closes the note. Wider screens show the notes in the margin and no markers.
// 2. Previews on touch. sphinx-tippy's previews open on hover and focus; on a touch screen the first tap on a
//    glossary term, citation or cross-reference shows its preview instead of leaving the page, and a second tap
//    follows the link. A slip mark's reading is its title, which a mouse shows and a touch screen never does:
//    a tap (or click) on the slip shows it, once tippy.js has loaded.
// 3. The keyboard. Every mark that opens something is a tab stop with a visible focus ring (edition.css): a
//    marker's note and a preview open when the mark gets focus from the keyboard, Enter or Space opens or closes
//    them (on a link Enter still follows it; Space shows its preview instead of scrolling the page), and Escape
//    closes the preview or the note, leaving focus on the mark that opened it.
// 4. Scroll boxes. A table wider than a phone scrolls in a box of its own (edition.css); a box that scrolls is
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
      // A tab stop, named a button for assistive technology, only once the script that opens it has run.
      slip.tabIndex = 0;
      slip.setAttribute("role", "button");
      slip.setAttribute("aria-expanded", "false");
      window.tippy(slip, {
        content: slip.getAttribute("title"), trigger: "click focus", placement: "top", maxWidth: 360,
        onShow: function () { slip.setAttribute("aria-expanded", "true"); },
        onHide: function () { slip.setAttribute("aria-expanded", "false"); }
      });
    });
  }

  function togglePreview(mark) {
    if (mark._tippy.state.isVisible) { mark._tippy.hide(); } else { mark._tippy.show(); }
  }

  function initKeyboard() {
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key === "Escape") {
        var shown = window.tippy ? [].filter.call(document.querySelectorAll(".bd-article a, .bd-article .sic"),
          function (mark) { return mark._tippy && mark._tippy.state.isVisible; }) : [];
        if (shown.length) {
          shown.forEach(function (mark) { mark._tippy.hide(); });
        } else {
          var note = target.closest ? target.closest("aside.margin.margin-note-open") : null;
          var toggle = note ? document.querySelector("button.margin-note-toggle[aria-controls='" + note.id + "']")
            : (target.matches && target.matches("button.margin-note-toggle") ? target : null);
          if (!toggle || toggle.getAttribute("aria-expanded") !== "true") { return; }
          toggle.focus();  // before closing: focus from the keyboard opens a note (initMarginNotes)
          setOpen(toggle, false);
        }
        return;
      }
      if (event.key !== "Enter" && event.key !== " ") { return; }
      if (target._tippy && target.classList.contains("sic")) {
        event.preventDefault();
        togglePreview(target);
      } else if (event.key === " " && target._tippy && target.matches("a")) {
        event.preventDefault();  // Space would scroll the page
        togglePreview(target);
      }
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
    initKeyboard();
    window.addEventListener("load", initSlipPreviews);  // tippy.js, deferred after this script, has run by then
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
