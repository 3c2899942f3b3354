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
    var most = 1;  // the most lines an x-axis title wraps to
    Object.keys(layout).forEach(function (key) {
      var axis = layout[key], title = axis && axis.title;
      var text = title && (typeof title === "string" ? title : title.text);
      if (!/^xaxis\d*$/.test(key) || !text) return;
      var lines = wrap(text.replace(/<br>/g, " "), Math.floor(width / 9));
      var shaped = typeof title === "string" ? {text: title} : Object.assign({}, title);
      shaped.text = lines.join("<br>");
      layout[key] = Object.assign({}, axis, {title: shaped});
      most = Math.max(most, lines.length);
    });
    return most;
  }
  // A colour bar beside a narrow plot takes a third of its width: on a phone it lies
  // flat at the chart's foot, above the legend (``below`` px), its title above it.
  var COLORBAR_HEIGHT = 76;
  function hasColorbar(t) {
    return Boolean(t.marker && t.marker.colorbar && t.marker.showscale !== false);
  }
  function colorbarsBelow(data, below, layout) {
    // placed in the plot's (paper) units: 0 is the plot area's foot, 1 its top
    var plot = layout.height - layout.margin.t - layout.margin.b, count = 0;
    return (data || []).map(function (t) {
      if (!hasColorbar(t)) return t;
      var title = t.marker.colorbar.title;
      var bar = Object.assign({}, t.marker.colorbar, {
        orientation: "h", x: 0, xanchor: "left", xref: "paper", len: 1, lenmode: "fraction",
        y: (below + 8 + COLORBAR_HEIGHT * count++ - layout.margin.b) / plot, yanchor: "bottom",
        yref: "paper", thickness: 12,
        title: Object.assign({}, typeof title === "string" ? {text: title} : title, {side: "top"}),
      });
      return Object.assign({}, t, {marker: Object.assign({}, t.marker, {colorbar: bar})});
    });
  }
  // Category names on x (a scorecard's scores) each wrapped to their share of the plot's
  // width, level, in 9 px type: plotly would turn them aslant, and their ends would push the plot
  // narrower. Returns the px the wrapped lines add under the axis.
  function categoryTicks(layout, names, room) {
    var size = Math.max(6, Math.floor(room / names.length / 5.5)), lines = 1;
    var text = names.map(function (name) {
      var parts = wrap(String(name).replace(/<br>/g, " "), size);
      lines = Math.max(lines, parts.length);
      return parts.join("<br>");
    });
    layout.xaxis = Object.assign({}, layout.xaxis, {
      tickmode: "array", tickvals: names, ticktext: text, tickangle: 0,
      tickfont: Object.assign({}, (layout.xaxis || {}).tickfont, {size: 9}),
    });
    return 13 * (lines - 1);
  }
  // A note at the right of a line (a threshold's "green >= 70") hangs beyond the plot:
  // it is wrapped short (a word a line) and the narrow right margin keeps room for its
  // longest line (10 px type, about 5.5 px a letter).
  function notesRight(layout) {
    var room = 0;
    layout.annotations = (layout.annotations || []).map(function (note) {
      var domain = /domain$/.test(note.xref || "") || note.xref === "paper";
      if (!domain || note.x < 1 || (note.xanchor || "left") !== "left" || !note.text) return note;
      var lines = wrap(String(note.text).replace(/<br>/g, " "), 6);
      lines.forEach(function (line) {
        room = Math.max(room, Math.ceil(5.5 * line.replace(/<[^>]*>/g, "").length) + 8);
      });
      return Object.assign({}, note, {text: lines.join("<br>")});
    });
    return room;
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
    var colorbars = (fig.data || []).filter(hasColorbar).length;
    margin.b += COLORBAR_HEIGHT * colorbars;
    // the plot area keeps its height: the wrapped title, legend rows and colour bar are added
    layout.height = Math.max(layout.height || 450, MIN_HEIGHT) + Math.max(0, margin.t - 70)
      + 22 * rows + COLORBAR_HEIGHT * colorbars;
    layout.annotations = (layout.annotations || []).map(function (note) {
      var words = note.text ? wrap(note.text.replace(/<br>/g, " "), Math.floor(width / 6)) : [];
      var font = Object.assign({}, note.font, {size: Math.min((note.font || {}).size || 12, 10)});
      if (note.yref === "paper" && note.y < 0) margin.b += 13 * Math.max(0, words.length - 1);
      return Object.assign({}, note, words.length ? {text: words.join("<br>"), font: font} : {});
    });
    // a colour bar lies under the x-axis title: the title is wrapped here to the plot
    // area's width (the chart's less about 120 px of y-axis labels and title), not
    // after drawing, and each more line of it gets a line more of room
    margin.r = Math.max(margin.r, notesRight(layout));
    var titleLines = axisTitles(layout, colorbars ? width - 120 : width);
    if (colorbars) margin.b += 18 * (titleLines - 1);
    // horizontal bars (a tornado): room for each category's wrapped name (three lines of
    // 12 px type beside a two-line neighbour need 56 px a row), below the axis title's lines
    var bars = (fig.data || []).filter(function (t) { return t.orientation === "h"; });
    if (bars.length && Array.isArray(bars[0].y)) {
      layout.height = Math.max(
        layout.height, margin.t + margin.b + 18 * (titleLines - 1) + 56 * bars[0].y.length);
    }
    var first = (fig.data || [])[0] || {};
    // plotly sends numeric arrays as typed data ({dtype, bdata}) or as lists
    var numeric = first.x && (first.x.bdata !== undefined || typeof first.x[0] === "number");
    if (!numeric && Array.isArray(first.x) && typeof first.x[0] === "string") {
      margin.b += categoryTicks(layout, first.x, width - margin.l - margin.r);
    }
    if (numeric) {
      // numbers on x (years): fewer ticks, so their labels need not turn on end
      layout.xaxis = Object.assign({}, layout.xaxis, {
        tickmode: "auto", nticks: Math.floor(width / 70), tickangle: 0,
      });
    }
    var data = colorbars ? colorbarsBelow(fig.data, 22 * rows, layout) : fig.data;
    return {layout: layout, config: {displayModeBar: false}, data: data};
  }
  // Tick labels of a number axis side by side (an x axis): when two run into each other
  // on a narrow plot ("200,000300,000"), the axis asks for one tick fewer, until they
  // stand apart (plotly's automatic ticks are "at most nticks", on round steps).
  function tickOverlap(gd, id) {
    var boxes = Array.prototype.map.call(
      gd.querySelectorAll(".xaxislayer-above ." + id + "tick text"),
      function (t) { return t.getBoundingClientRect(); }
    ).filter(function (r) { return r.width > 0; })
      .sort(function (a, b) { return a.left - b.left; });
    for (var i = 1; i < boxes.length; i++) if (boxes[i].left < boxes[i - 1].right + 4) return true;
    return false;
  }
  function fitTicks(gd, tries) {
    var update = {}, full = gd._fullLayout || {};
    Object.keys(full).forEach(function (key) {
      var axis = full[key];
      if (!/^xaxis\d*$/.test(key) || !axis || axis.type !== "linear") return;
      if (axis.tickmode !== "auto" || !tickOverlap(gd, axis._id)) return;
      var shown = gd.querySelectorAll(".xaxislayer-above ." + axis._id + "tick text").length;
      update[key + ".nticks"] = Math.max(2, shown - 1);
    });
    if (!Object.keys(update).length || (tries || 0) >= 4) return gd;
    return window.Plotly.relayout(gd, update).then(function () {
      return fitTicks(gd, (tries || 0) + 1);
    });
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
        window.Plotly.newPlot(host, shaped.data || fig.data, shaped.layout, config)
          .then(fitTicks).then(fitAxisTitles).then(function () { return spreadBoxes(host); });
      })();
    }, function (err) {
      host.textContent = "This chart could not be drawn (" + err.message + ").";
    });
  }
  window.valuelabCharts = {draw: draw, fit: fit, fitAxisTitles: fitAxisTitles, fitTicks: fitTicks,
                           load: load,
                           spreadBoxes: spreadBoxes, urls: urls};
  window.addEventListener("load", function () { load("basic"); });
})();
