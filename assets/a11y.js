/* Accessibility fixes for what Dash components render (WCAG 2.1 AA, checked with axe-core in the tests):
 * - Dash 4 dropdowns put the tab stop on a hidden helper input (aria-hidden + tabindex 0: "aria-hidden-focus");
 *   the visible trigger button becomes the tab stop instead, and a <label for=...> names it.
 * - Tables that scroll sideways (.table-responsive) get a tab stop and a name, so keyboard users can scroll them.
 */
(function () {
  "use strict";
  var scheduled = false;

  function nameOf(region) {
    var table = region.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var heading = region.closest("section, .card, div");
    heading = heading && heading.querySelector("h1, h2, h3, h4, h5, h6");
    return heading ? "Tabel: " + heading.textContent.trim() : "Tabel";
  }

  function fix() {
    scheduled = false;
    document.querySelectorAll(".dash-dropdown-focus-target").forEach(function (input) {
      if (input.tabIndex !== -1) { input.tabIndex = -1; }
      var button = input.nextElementSibling;
      if (!button || button.tagName !== "BUTTON") { return; }
      if (!button.disabled && button.tabIndex !== 0) { button.tabIndex = 0; }
      if (button.id && !button.dataset.a11yLabelled) {
        var label = document.querySelector('label[for="' + CSS.escape(button.id) + '"]');
        if (label) {
          if (!label.id) { label.id = button.id + "-label"; }
          var current = button.getAttribute("aria-labelledby") || "";
          button.setAttribute("aria-labelledby", (label.id + " " + current).trim());
          button.dataset.a11yLabelled = "1";
        }
      }
    });
    document.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (region) {
      region.tabIndex = 0;
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", nameOf(region));
    });
  }

  function schedule() {
    if (!scheduled) { scheduled = true; window.requestAnimationFrame(fix); }
  }

  function start() {
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["tabindex"]
    });
    schedule();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
