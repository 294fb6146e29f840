/* The page's charts, drawn when they come near the screen (coup1917/sphinx/charts/plotly_output.py writes each chart's
   container, its empty plot box, its figure as JSON and its data table; the class names arrive as data-* attributes
   of this script's tag). plotly.js, one file beside this one in _static, is fetched only when the first chart nears
   the viewport: a reader who never scrolls to a chart never downloads it. Charts follow the width of the text
   column, and on a narrow screen they are laid out again: smaller (never under 11 px) text and margins, category
   labels and the source line wrapped. Each chart's box is given the height it will be drawn at as soon as the
   page is parsed, so that drawing it moves nothing on the page. Printed, each chart is laid out again for the
   printed column. */
(() => {
  const names = document.currentScript.dataset;
  const bundle = new URL(names.plotly, document.currentScript.src);
  const NARROW = 560;         // px of chart width below which the narrow layout applies
  const MIN_FONT = 11;        // px: no label is drawn smaller
  const SOURCE_LINE = 14;     // px per line of the source note (house style: 11 px text)
  const SOURCE_CHAR = 6.2;    // px: an average character of the source note
  const LABEL_CHARACTERS = 18;  // characters per line of a category label on a narrow chart
  const LABEL_LINE = MIN_FONT * 1.3;  // px per line of a category label (plotly.js sets lines 1.3 em apart)
  const LABEL_GAP = 8;        // px between two category labels
  const LEGEND_ROOM = 60;     // px above a narrow plot for its legend's rows
  const SOURCE_GAP = 6;       // px between the x axis's labels and title and the source note

  let plotly = null;
  const loadPlotly = () => plotly ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = bundle;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error(`plotly.js could not be loaded from ${bundle}`));
    document.head.append(script);
  });

  const wrap = (text, characters) => {
    const lines = [];
    for (const word of text.split(/\s+|<br>/)) {
      const last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= characters) lines[last] += " " + word;
      else lines.push(word);
    }
    return lines;
  };

  /* The figure's own layout on a wide chart; on a narrow one, a copy with smaller text and margins, and the source
     note (the house style names it "source") wrapped to ``sourceWidth``, the width from the plot's left edge, where
     it starts, to the chart's right edge; the bottom margin grows to hold it. */
  const layoutFor = (layout, width, sourceWidth = width) => {
    if (width >= NARROW) return layout;
    const narrow = structuredClone(layout);
    narrow.font = {...narrow.font, size: MIN_FONT};
    narrow.legend = {...narrow.legend, font: {...(narrow.legend || {}).font, size: MIN_FONT}};
    narrow.margin = {...narrow.margin, r: Math.min((narrow.margin || {}).r ?? 40, 40)};
    // Category labels (parties, bodies, blocs, events) wrapped short, so that they leave the plot room; the chart
    // grows taller if its rows need it.
    for (const [name, axis] of Object.entries(narrow)) {
      if (!/^[xy]axis\d*$/.test(name) || !Array.isArray(axis.categoryarray)) continue;
      const labels = axis.categoryarray.map((label) => wrap(String(label), LABEL_CHARACTERS));
      Object.assign(axis, {tickmode: "array", tickvals: axis.categoryarray,
                           ticktext: labels.map((lines) => lines.join("<br>"))});
      const rows = labels.length * (Math.max(...labels.map((lines) => lines.length)) * LABEL_LINE + LABEL_GAP);
      const margins = (narrow.margin.t ?? 80) + (narrow.margin.b ?? 80) + LEGEND_ROOM;
      narrow.height = Math.max(narrow.height ?? 420, rows + margins);
    }
    for (const note of narrow.annotations || []) {
      if (note.name !== "source") continue;
      const before = note.text.split("<br>").length;
      const lines = wrap(note.text, Math.floor(sourceWidth / SOURCE_CHAR));
      note.text = lines.join("<br>");
      narrow.margin.b = (narrow.margin.b ?? 80) + SOURCE_LINE * (lines.length - before);
      narrow.height = (narrow.height ?? 420) + SOURCE_LINE * (lines.length - before);
    }
    return narrow;
  };

  /* Once a chart is drawn, what only the drawing knows: the plot's left edge (the labels beside it set it), from
     which a narrow chart's source note is wrapped again, and how deep the x axis's labels and title reach (plotly.js
     turns the labels when they do not fit), below which the source note goes. Laid out again only if either
     changes the layout. */
  const fit = (Plotly, chart) => {
    const {box, layout} = chart;
    const plotArea = box.querySelector(".nsewdrag");
    if (!plotArea) return;
    const plot = plotArea.getBoundingClientRect();
    const fitted = structuredClone(layoutFor(layout, box.clientWidth, box.getBoundingClientRect().right - plot.left));
    const source = (fitted.annotations || []).find((note) => note.name === "source");
    const axisText = [...box.querySelectorAll(".xaxislayer-above text, .g-xtitle text")];
    const depth = Math.max(0, ...axisText.map((text) => text.getBoundingClientRect().bottom - plot.bottom));
    const deeper = source ? Math.ceil(depth + SOURCE_GAP + (source.yshift ?? 0)) : 0;
    if (deeper > 0) {
      source.yshift = (source.yshift ?? 0) - deeper;
      fitted.margin = {...fitted.margin, b: (fitted.margin?.b ?? 80) + deeper};
      fitted.height = (fitted.height ?? 420) + deeper;
    }
    if (JSON.stringify(fitted) === JSON.stringify(chart.drawn)) return;
    return drawAs(Plotly, chart, fitted, "react");
  };

  const drawAs = (Plotly, chart, layout, how) => {
    chart.drawn = layout;
    chart.box.style.height = `${layout.height ?? 420}px`;
    return Plotly[how](chart.box, chart.data, layout, chart.config);
  };

  const charts = new Map();  // container -> its figure, its box and how it was last laid out

  const figureOf = (container) => {
    if (!charts.has(container)) {
      const {data, layout, config} = JSON.parse(container.querySelector(`.${names.figure}`).textContent);
      charts.set(container, {box: container.querySelector(`.${names.plot}`), data, layout, config});
    }
    return charts.get(container);
  };

  // The height a chart will be drawn at, given to its empty box before plotly.js is even fetched.
  const reserve = (container) => {
    const chart = figureOf(container);
    chart.box.style.height = `${layoutFor(chart.layout, chart.box.clientWidth).height ?? 420}px`;
  };

  const draw = async (container) => {
    const Plotly = await loadPlotly();
    const chart = figureOf(container);
    chart.width = chart.box.clientWidth;
    await drawAs(Plotly, chart, layoutFor(chart.layout, chart.width), "newPlot");
    await fit(Plotly, chart);
    chart.plotly = Plotly;
    // The config's "responsive" resizes the chart with the window; a new width is laid out and fitted again.
    new ResizeObserver(() => { if (chart.box.clientWidth !== chart.width) redraw(chart); }).observe(chart.box);
  };

  const redraw = (chart) => {
    chart.width = chart.box.clientWidth;
    return drawAs(chart.plotly, chart, layoutFor(chart.layout, chart.width), "react")
      .then(() => fit(chart.plotly, chart));
  };

  // Printed, the column is narrower than the screen's: every chart drawn so far is laid out for it at once (the
  // page is printed as it stands when these events return).
  const fitForPrint = () => {
    for (const chart of charts.values()) if (chart.plotly) redraw(chart);
  };
  window.addEventListener("beforeprint", fitForPrint);
  window.matchMedia("print").addEventListener("change", fitForPrint);

  const start = () => {
    // The data tables were written open for readers without scripts; with scripts, the charts show the data.
    document.querySelectorAll(`details.${names.chartData}[open]`).forEach((table) => { table.open = false; });
    const near = new IntersectionObserver((entries) => {
      for (const entry of entries.filter((entry) => entry.isIntersecting)) {
        near.unobserve(entry.target);
        draw(entry.target).catch((error) => console.error(error));
      }
    }, {rootMargin: "50% 0px"});  // start half a screen ahead, so the chart is drawn by the time it is seen
    document.querySelectorAll(`.${names.chart}`).forEach((chart) => {
      reserve(chart);
      near.observe(chart);
    });
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
