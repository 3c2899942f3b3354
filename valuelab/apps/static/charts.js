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
  // Under NARROW px (a phone) a chart keeps its content inside its width: the
  // title wraps instead of running off the right edge, the legend lies in a
  // row above the plot, side margins shrink and the mode bar (which would sit
  // over the title on a touch screen) is left out.
  var NARROW = 560, MIN_HEIGHT = 320;
  function wrap(text, size) {
    var lines = [], line = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > size) { lines.push(line); line = word; }
      else line = line ? line + " " + word : word;
    });
    if (line) lines.push(line);
    return lines;
  }
  function legendRows(data) {
    // a horizontal legend often gives each entry a row on a narrow chart
    return (data || []).filter(function (t) { return t.showlegend !== false && t.name; }).length;
  }
  function axisTitles(layout, width) {
    Object.keys(layout).forEach(function (key) {
      var axis = layout[key], title = axis && axis.title;
      var text = title && (typeof title === "string" ? title : title.text);
      if (!/^xaxis\d*$/.test(key) || !text) return;
      var lines = wrap(text.replace(/<br>/g, " "), Math.floor(width / 9));
      var shaped = typeof title === "string" ? {text: title} : Object.assign({}, title);
      shaped.text = lines.join("<br>");
      layout[key] = Object.assign({}, axis, {title: shaped});
    });
  }
  function fit(fig, width) {
    var layout = Object.assign({autosize: true}, fig.layout);
    delete layout.width;
    if (layout.height && layout.height < MIN_HEIGHT) layout.height = MIN_HEIGHT;
    if (!width || width >= NARROW) return {layout: layout, config: {}};
    var margin = Object.assign({l: 80, r: 80, t: 100, b: 80}, layout.margin);
    var title = layout.title || {}, text = typeof title === "string" ? title : title.text;
    var lines = text ? wrap(text.replace(/<br>/g, " "), Math.floor(width / 9)) : [];
    if (lines.length) {
      layout.title = Object.assign({}, typeof title === "string" ? {} : title, {
        text: lines.join("<br>"), x: 0, xanchor: "left", xref: "container",
        // plotly anchors a multi-line title's first baseline, not its top: one
        // line of padding per extra line keeps the first line inside the chart
        y: 1, yanchor: "top", yref: "container", pad: {t: 8 + 19 * (lines.length - 1), l: 8},
        font: Object.assign({}, title.font, {size: 15}),
      });
    }
    // the legend lies below the plot and its axis title, at the chart's foot: never
    // under a wrapped title, whatever the number of its lines
    var rows = layout.showlegend === false ? 0 : legendRows(fig.data);
    layout.legend = Object.assign({}, layout.legend, {
      orientation: "h", x: 0, xanchor: "left", xref: "container",
      y: 0, yanchor: "bottom", yref: "container",
    });
    margin.l = Math.min(margin.l, 56);
    margin.r = Math.min(margin.r, 16);
    margin.t = 24 + 20 * lines.length;
    margin.b = Math.max(margin.b, 60) + 22 * rows;
    layout.margin = margin;
    // the plot area keeps its height: the wrapped title and legend rows are added to it
    layout.height = Math.max(layout.height || 450, MIN_HEIGHT) + Math.max(0, margin.t - 70)
      + 22 * rows;
    layout.annotations = (layout.annotations || []).map(function (note) {
      var words = note.text ? wrap(note.text.replace(/<br>/g, " "), Math.floor(width / 6)) : [];
      var font = Object.assign({}, note.font, {size: Math.min((note.font || {}).size || 12, 10)});
      if (note.yref === "paper" && note.y < 0) margin.b += 13 * Math.max(0, words.length - 1);
      return Object.assign({}, note, words.length ? {text: words.join("<br>"), font: font} : {});
    });
    axisTitles(layout, width);
    // horizontal bars (a tornado): room for each category's wrapped name
    var bars = (fig.data || []).filter(function (t) { return t.orientation === "h"; });
    if (bars.length && Array.isArray(bars[0].y)) {
      layout.height = Math.max(layout.height, margin.t + margin.b + 48 * bars[0].y.length);
    }
    var first = (fig.data || [])[0] || {};
    // plotly sends numeric arrays as typed data ({dtype, bdata}) or as lists
    var numeric = first.x && (first.x.bdata !== undefined || typeof first.x[0] === "number");
    if (numeric) {
      // numbers on x (years): fewer ticks, so their labels need not turn on end
      layout.xaxis = Object.assign({}, layout.xaxis, {
        tickmode: "auto", nticks: Math.floor(width / 70), tickangle: 0,
      });
    }
    return {layout: layout, config: {displayModeBar: false}};
  }
  // An x-axis title is centred on the plot area, which long category names on
  // the y axis (a tornado's inputs) make narrower than the chart: once drawn, a
  // title wider than its plot area is wrapped to it, so no word runs off the chart.
  function fitAxisTitles(gd) {
    var update = {}, full = gd._fullLayout || {};
    Object.keys(full).forEach(function (key) {
      var axis = full[key], title = axis && axis.title;
      if (!/^xaxis\d*$/.test(key) || !title || !title.text || !axis._length) return;
      var node = gd.querySelector("." + axis._id + "title");
      if (!node || node.getBBox().width <= axis._length) return;
      var size = Math.max(8, Math.floor(axis._length / (0.6 * ((title.font || {}).size || 14))));
      update[key + ".title.text"] = wrap(title.text.replace(/<br>/g, " "), size).join("<br>");
    });
    if (Object.keys(update).length) return window.Plotly.relayout(gd, update);
  }
  // A chart without axes whose points carry text (a driver tree's boxes) on a
  // narrow screen: names wrapped shorter, neighbours in a row labelled below
  // and above in turn, and more height, so no box runs into the next.
  function rewrap(text, size) {
    var found = /^<b>(.*?)<\/b>(.*)$/.exec(String(text));
    var parts = found ? found[2].split("<br>").filter(Boolean) : String(text).split("<br>");
    var tail = [];
    parts.forEach(function (part) { tail = tail.concat(wrap(part, size + 4)); });
    var head = found ? "<b>" + wrap(found[1].replace(/<br>/g, " "), size).join("<br>") + "</b>" : "";
    return [head].concat(tail).filter(Boolean).join("<br>");
  }
  function spreadBoxes(gd) {
    var full = gd._fullLayout || {}, rows = {}, place = {};
    if (gd.clientWidth >= NARROW || !full.xaxis || full.xaxis.visible !== false) return;
    (gd._fullData || []).forEach(function (t) {
      if (String(t.mode).indexOf("text") < 0 || !t.text || !t.text.length) return;
      for (var j = 0; j < t.x.length; j++) {
        (rows[t.y[j]] = rows[t.y[j]] || []).push({t: t.index, j: j, x: t.x[j]});
      }
    });
    Object.keys(rows).forEach(function (y) {
      rows[y].sort(function (a, b) { return a.x - b.x; }).forEach(function (p, k) {
        (place[p.t] = place[p.t] || [])[p.j] = k % 2 ? "top center" : "bottom center";
      });
    });
    var traces = Object.keys(place).map(Number);
    if (!traces.length) return;
    var size = Math.max(8, Math.floor(gd.clientWidth / 30));
    return window.Plotly.restyle(gd, {
      text: traces.map(function (i) {
        return [].concat(gd.data[i].text).map(function (t) { return rewrap(t, size); });
      }),
      textposition: traces.map(function (i) { return place[i]; }),
      "textfont.size": 10,
    }, traces).then(function () {
      // the top row's names set above their boxes get room under the title
      var range = full.yaxis.range || [];
      return window.Plotly.relayout(gd, {
        height: Math.round(full.height * 1.4), "yaxis.range": [range[0], range[1] + 0.35],
      });
    });
  }
  function draw(host, fig, bundle) {
    load(bundle).then(function () {
      var frames = 0;
      (function plot() {
        // the output may be attached to the page just after its script ran;
        // one replaced before it ever was is given up (about 10 s of frames)
        if (!host.isConnected) { if (++frames < 600) requestAnimationFrame(plot); return; }
        var shaped = fit(fig, host.clientWidth);
        var config = Object.assign({displaylogo: false, responsive: true}, shaped.config);
        window.Plotly.newPlot(host, fig.data, shaped.layout, config)
          .then(fitAxisTitles).then(function () { return spreadBoxes(host); });
      })();
    }, function (err) {
      host.textContent = "This chart could not be drawn (" + err.message + ").";
    });
  }
  window.valuelabCharts = {draw: draw, fit: fit, fitAxisTitles: fitAxisTitles, load: load,
                           spreadBoxes: spreadBoxes, urls: urls};
  window.addEventListener("load", function () { load("basic"); });
})();
