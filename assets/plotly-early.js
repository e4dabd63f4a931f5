/* Start plotly.js while a chart page's callbacks are still on the server.

   dcc.Graph loads plotly.js (3.5 MB) only when the first graph mounts, i.e. after its callback has answered; evaluating
   it then costs ~0.2 s of the main thread even from the browser's code cache, and every chart waits for it. Here the
   load starts as soon as the page's own callbacks have been sent (the browser is idle until they answer), on the pages
   that draw charts. dcc.Graph takes `Promise.resolve(window.Plotly || <its own script>)`: while this load runs,
   window.Plotly is a thenable that settles with the real Plotly, so the graph waits for this script instead of adding
   a second one. If the load fails, the graph is given nothing and dash shows its usual error; nothing else changes.
   On other pages the same thenable loads the same bundle when a graph first asks for it (dashboard/plotly_src.py:
   the basic bundle, which draws every chart of the dashboard). */
(function () {
  "use strict";
  var CHART_PAGES = new RegExp("^/(transitie/?$|gebied/|buurt/[^/]+/(beeld|uitkomsten)/?$|publiek(/buurt/.*|/?)$|" +
                               "vergelijken/?$|lerende-buurt/?$|best-practices/?$)");
  if (window.Plotly || !window.fetch) {
    return;
  }
  var started = false;
  var settle = {};
  var loading = new Promise(function (resolve, reject) {
    settle.resolve = resolve;
    settle.reject = reject;
  });
  // until plotly.js has run: a graph that mounts asks this thenable (and so starts the load if it has not started)
  window.Plotly = {
    then: function (onLoad, onError) {
      start();
      return loading.then(onLoad, onError);
    }
  };

  function start() {
    if (started) {
      return;
    }
    started = true;
    // the fingerprinted URL (dashboard/plotly_src.py: cached for a year, where dcc's own URL is revalidated on
    // every page), else dcc's own
    var meta = document.querySelector('meta[name="plotly-src"]');
    var configNode = document.getElementById("_dash-config");
    var prefix = (configNode && JSON.parse(configNode.textContent).requests_pathname_prefix) || "/";
    var script = document.createElement("script");
    script.src = meta ? meta.getAttribute("content")
      : prefix + "_dash-component-suites/plotly/package_data/plotly.min.js";
    script.async = true;
    script.onload = function () {
      settle.resolve(window.Plotly);
    };
    script.onerror = function (error) {
      window.Plotly = undefined;
      settle.reject(error);
    };
    document.head.appendChild(script);
  }

  // The page's layout arrives in the response to the `_pages_content` callback; the first callback request after
  // that one is the page's own: from then on the main thread waits for the server.
  var originalFetch = window.fetch;
  var pageRequested = false;
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    if (!started && url.indexOf("_dash-update-component") >= 0 && CHART_PAGES.test(window.location.pathname)) {
      var body = init && typeof init.body === "string" ? init.body : "";
      if (body.indexOf("_pages_content") >= 0) {
        pageRequested = true;
      } else if (pageRequested) {
        window.setTimeout(start, 0);
      }
    }
    return originalFetch.apply(this, arguments);
  };
})();
