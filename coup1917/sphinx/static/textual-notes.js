// The reader's switch between the text "as printed" (the default: the copy-text with its slips) and "corrected"
// (each marked slip replaced by the editors' reading). The choice is kept for the next page in localStorage.
// The switch exists only where the page has marked slips; it is editorial matter, so it carries that class.
(function () {
  "use strict";
  var KEY = "coup1917-reading";
  var root = document.documentElement;

  function apply(mode) {
    root.dataset.editionReading = mode;
    document.querySelectorAll(".edition-reading-switch button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.value === mode));
    });
  }

  function stored() {
    try { return window.localStorage.getItem(KEY) === "corrected" ? "corrected" : "printed"; }
    catch (error) { return "printed"; }  // storage refused (private mode, file://): keep the default
  }

  function choose(mode) {
    try { window.localStorage.setItem(KEY, mode); } catch (error) { /* the choice then lasts for this page */ }
    apply(mode);
  }

  function addSwitch() {
    var article = document.querySelector(".bd-article");
    if (!article || !article.querySelector(".sic")) { return; }
    var group = document.createElement("div");
    group.className = "edition-reading-switch editorial";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Reading text");
    group.appendChild(document.createTextNode("Text: "));
    [["printed", "as printed"], ["corrected", "corrected"]].forEach(function (option) {
      var button = document.createElement("button");
      button.type = "button";
      button.value = option[0];
      button.textContent = option[1];
      button.addEventListener("click", function () { choose(option[0]); });
      group.appendChild(button);
    });
    article.insertBefore(group, article.firstChild);
    apply(stored());
  }

  apply(stored());
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addSwitch);
  } else {
    addSwitch();
  }
})();
