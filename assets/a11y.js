/* Accessibility fixes for what Dash components render (WCAG 2.1 AA, checked with axe-core in the tests):
 * - Dash 4 dropdowns name their trigger button by the shown value (aria-labelledby), not by the <label for=...>
 *   beside it ("label-content-name-mismatch"): the label names it. Where a hidden helper input holds the tab stop
 *   (aria-hidden + tabindex 0: "aria-hidden-focus"), the visible button becomes the tab stop instead.
 * - Tables that scroll sideways (.table-responsive) get a tab stop and a name, so keyboard users can scroll them.
 * - Slider thumbs and file inputs get the name of the label beside them; tabs (dbc.Tabs) get unique ids, valid
 *   aria-controls, aria-selected and a tab stop; the date picker's wrapper loses ARIA it may not carry.
 * - Every chart without a table next to it gets one ("Tabel bij de grafiek", folded), built from the figure's
 *   own data after each redraw, so screen-reader and keyboard users read the same numbers.
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

  var MAX_ROWS = 400;

  function cellText(value) {
    if (value === null || value === undefined || value === "") { return "–"; }
    if (typeof value === "number") {
      return value.toLocaleString("nl-NL", {maximumFractionDigits: 2});
    }
    return String(value).replace(/<[^>]*>/g, " ");
  }

  function chartTable(plot) {
    /* A table of the plotted points: series, label, x and y (marker and line traces with at most MAX_ROWS points). */
    var rows = [];
    var layout = plot.layout || {};
    var isMap = layout.xaxis && layout.xaxis.visible === false;  // outlines and dots: names matter, not x/y
    (plot.data || []).forEach(function (trace) {
      if (trace.hoverinfo === "skip" || !trace.x || !trace.y || trace.visible === false) { return; }
      var xs = Array.prototype.slice.call(trace.x), ys = Array.prototype.slice.call(trace.y);
      if (xs.length > MAX_ROWS || trace.fill === "toself" || xs.indexOf(null) >= 0) { return; }
      var labels = Array.isArray(trace.text) ? trace.text : null;
      xs.forEach(function (x, i) {
        if (x === null && ys[i] === null) { return; }
        rows.push([trace.name || "", labels ? labels[i] : "", x, ys[i]]);
      });
    });
    if (!rows.length || rows.length > MAX_ROWS) { return null; }
    var hasLabels = rows.some(function (r) { return r[1]; });
    if (isMap && !hasLabels) { return null; }
    var table = document.createElement("table");
    table.className = "table table-sm bd-chart-table";
    var axis = function (a, fallback) {
      var title = layout[a] && layout[a].title;
      return (title && (title.text || (typeof title === "string" ? title : ""))) || fallback;
    };
    var head = ["Reeks"].concat(hasLabels ? ["Punt"] : [], isMap ? [] : [axis("xaxis", "x"), axis("yaxis", "waarde")]);
    var thead = table.createTHead().insertRow();
    head.forEach(function (h) { var th = document.createElement("th"); th.scope = "col"; th.textContent = h; thead.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (r) {
      var tr = body.insertRow();
      [r[0]].concat(hasLabels ? [r[1]] : [], isMap ? [] : [r[2], r[3]]).forEach(function (v) { tr.insertCell().textContent = cellText(v); });
    });
    return table;
  }

  function addChartTables() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (plot) {
      var graph = plot.closest(".dash-graph") || plot.parentElement;
      var holder = graph && graph.parentElement;
      if (!holder) { return; }
      var scope = graph.closest(".row") || graph.closest(".card-body, section, figure") || holder;
      var ownTable = function () {
        return Array.prototype.some.call(scope.querySelectorAll("table"), function (t) {
          return !t.classList.contains("bd-chart-table");
        });
      };
      var dropChartTable = function () {
        var old = graph.nextElementSibling;
        if (old && old.classList.contains("bd-chart-details")) { old.remove(); }
      };
      if (plot.dataset.a11yTable === "watch") {
        // a table of the page's own that arrived after the chart (e.g. one drawn by a lazily loaded component) is
        // the chart's table alternative: the generated one goes
        if (ownTable()) { dropChartTable(); }
        return;
      }
      if (ownTable()) { return; }
      plot.dataset.a11yTable = "watch";
      var build = function () {
        dropChartTable();
        if (ownTable()) { return; }
        var table = chartTable(plot);
        if (!table) { return; }
        var details = document.createElement("details");
        details.className = "bd-chart-details small";
        var summary = document.createElement("summary");
        summary.textContent = "Tabel bij de grafiek";
        details.appendChild(summary);
        var wrap = document.createElement("div");
        wrap.className = "table-responsive";
        wrap.appendChild(table);
        details.appendChild(wrap);
        graph.insertAdjacentElement("afterend", details);
      };
      if (typeof plot.on === "function") { plot.on("plotly_afterplot", build); }
      build();
    });
  }

  function fix() {
    scheduled = false;
    document.querySelectorAll(".dash-dropdown-focus-target").forEach(function (input) {
      if (input.tabIndex !== -1) { input.tabIndex = -1; }
      var button = input.nextElementSibling;
      if (!button || button.tagName !== "BUTTON") { return; }
      if (!button.disabled && button.tabIndex !== 0) { button.tabIndex = 0; }
    });
    document.querySelectorAll("button.dash-dropdown").forEach(function (button) {
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
    document.querySelectorAll(".dash-range-slider-input:not([aria-label]), .dash-slider-wrapper input:not([type=hidden]):not([aria-label])")
      .forEach(function (input) {
        var which = input.classList.contains("dash-range-slider-min-input") ? " (van)" :
          input.classList.contains("dash-range-slider-max-input") ? " (tot)" : "";
        input.setAttribute("aria-label", (labelText(input) || "Waarde") + which);
      });
    document.querySelectorAll('input[type="file"]:not([aria-label])').forEach(function (input) {
      var zone = input.parentElement;
      var name = labelText(input) || (zone && zone.textContent.trim()) || "Bestand kiezen";
      input.setAttribute("aria-label", name);
    });
    document.querySelectorAll('[role="tablist"]').forEach(fixTabs);
    document.querySelectorAll(".dash-datepicker-input-wrapper[aria-expanded], .dash-datepicker-input-wrapper[type], "
                              + ".dash-datepicker-input-wrapper[aria-controls]")
      .forEach(function (wrapper) {
        // a plain <div>: it may not carry widget ARIA, nor point at a popover that is not there
        ["aria-expanded", "aria-haspopup", "aria-disabled", "aria-labelledby", "type"].forEach(function (name) {
          wrapper.removeAttribute(name);
        });
        var popover = wrapper.getAttribute("aria-controls");
        if (popover && !document.getElementById(popover)) { wrapper.removeAttribute("aria-controls"); }
      });
    addChartTables();
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
