/* Accessibility fixes for what Dash components render (WCAG 2.1 AA, checked with axe-core in the tests):
 * - Dash 4 dropdowns put the tab stop on a hidden helper input (aria-hidden + tabindex 0: "aria-hidden-focus");
 *   the visible trigger button becomes the tab stop instead, and its <label for=...> names it.
 * - Tables that scroll sideways (.table-responsive) get a tab stop and a name, so keyboard users can scroll them.
 * - Slider thumbs and file inputs get the name of the label beside them; tabs (dbc.Tabs) get unique ids, valid
 *   aria-controls, aria-selected and a tab stop; the date picker's wrapper loses ARIA it may not carry.
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

  function labelText(element) {
    /* The <label for=...> of the element or of its component, else the first label in the same form row. */
    var owner = element.closest("[id]");
    while (owner) {
      var label = document.querySelector('label[for="' + CSS.escape(owner.id) + '"]');
      if (label) { return label.textContent.trim(); }
      owner = owner.parentElement && owner.parentElement.closest("[id]");
    }
    var row = element.closest(".row, .mb-3, .form-group");
    var near = row && row.querySelector("label");
    return near ? near.textContent.trim() : "";
  }

  function fixTabs(list) {
    var base = list.id || "tabs";
    var panes = [];
    var content = list.nextElementSibling;
    if (content && content.classList.contains("tab-content")) {
      panes = Array.prototype.filter.call(content.children, function (c) { return c.classList.contains("tab-pane"); });
    }
    list.querySelectorAll('[role="tab"]').forEach(function (tab, i) {
      var id = base + "-tab-" + i;
      if (tab.id !== id) { tab.id = id; }
      var active = tab.classList.contains("active");
      if (tab.getAttribute("aria-selected") !== String(active)) { tab.setAttribute("aria-selected", String(active)); }
      if (tab.tabIndex !== 0) { tab.tabIndex = 0; }
      var pane = panes.length === 1 ? panes[0] : panes[i];
      if (pane && active) {
        if (!pane.id || pane.id.indexOf("null") >= 0) { pane.id = base + "-pane"; }
        pane.setAttribute("aria-labelledby", id);
        tab.setAttribute("aria-controls", pane.id);
      } else if (tab.hasAttribute("aria-controls") && !document.getElementById(tab.getAttribute("aria-controls"))) {
        tab.removeAttribute("aria-controls");
      }
    });
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
          // A button is labelable: its <label for> names it. Dash's own aria-labelledby (the shown value) would
          // override the label, so it goes; the value stays readable as the button's content.
          button.removeAttribute("aria-labelledby");
          button.dataset.a11yLabelled = "1";
        }
      }
    });
    document.querySelectorAll('[role="slider"]:not([aria-label]):not([aria-labelledby])').forEach(function (thumb) {
      var name = labelText(thumb);
      if (name) { thumb.setAttribute("aria-label", name); }
    });
    document.querySelectorAll('input[type="file"]:not([aria-label])').forEach(function (input) {
      var zone = input.parentElement;
      var name = labelText(input) || (zone && zone.textContent.trim()) || "Bestand kiezen";
      input.setAttribute("aria-label", name);
    });
    document.querySelectorAll('[role="tablist"]').forEach(fixTabs);
    document.querySelectorAll(".dash-datepicker-input-wrapper[aria-expanded], .dash-datepicker-input-wrapper[type]")
      .forEach(function (wrapper) {
        ["aria-expanded", "aria-haspopup", "aria-disabled", "aria-labelledby", "type"].forEach(function (name) {
          wrapper.removeAttribute(name);
        });
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
      subtree: true, childList: true, attributes: true,
      attributeFilter: ["tabindex", "aria-expanded", "aria-controls", "class"]
    });
    schedule();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
