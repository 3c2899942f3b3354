// valuelab serve: draws the apps' plotly charts (valuelab.apps.kit.chart_html).
// The page downloads the small plotly-basic bundle with its own scripts
// (preload); this runs it once they have run (window "load": earlier, its
// evaluation would delay the page's kernel connection); a figure with trace
// types the basic bundle lacks loads the full bundle.
(function () {
  "use strict";
  if (window.valuelabCharts) return;
  var base = "__BASE__valuelab/static/", version = "__VERSION__";
  var urls = {
    basic: base + "plotly-basic-" + version + ".min.js",
    full: base + "plotly-" + version + ".min.js",
  };
  var loading = {};
  function load(bundle) {
    if (bundle === "basic" && loading.full) return loading.full;
    if (!loading[bundle]) {
      loading[bundle] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = urls[bundle];
        script.onload = resolve;
        script.onerror = function () { reject(new Error("could not load " + urls[bundle])); };
        document.head.appendChild(script);
      });
    }
    return loading[bundle];
  }
  function draw(host, fig, bundle) {
    load(bundle).then(function () {
      var frames = 0;
      (function plot() {
        // the output may be attached to the page just after its script ran;
        // one replaced before it ever was is given up (about 10 s of frames)
        if (!host.isConnected) { if (++frames < 600) requestAnimationFrame(plot); return; }
        window.Plotly.newPlot(host, fig.data, fig.layout, {displaylogo: false, responsive: true});
      })();
    }, function (err) {
      host.textContent = "This chart could not be drawn (" + err.message + ").";
    });
  }
  window.valuelabCharts = {draw: draw, load: load, urls: urls};
  window.addEventListener("load", function () { load("basic"); });
})();
