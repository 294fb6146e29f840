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
  const CHARACTER_EM = 0.6;   // an average character's width, in em of its font (sans-serif, generous)
  const SOURCE_INSET = 10;    // px the source note keeps from the chart's right edge
  const LEGEND_SYMBOL = 50;   // px of a legend entry taken by its symbol and the space around it
  const LABEL_CHARACTERS = 18;  // characters per line of a category label on a narrow chart
  const LINE_SPACING = 1.3;   // plotly.js sets a label's lines 1.3 em apart
  const LABEL_GAP = 8;        // px between two category labels
  const LEGEND_ROOM = 60;     // px above a narrow plot for its legend's rows
  const SOURCE_GAP = 6;       // px between the x axis's labels and title and the source note
  const FIT_PASSES = 3;       // times a drawn chart is measured and laid out again at most

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

  const lineCount = (text) => String(text).split("<br>").length;
  const wrapText = (text, characters) => wrap(String(text), characters).join("<br>");
  const charactersIn = (width, size) => Math.max(12, Math.floor(width / (size * CHARACTER_EM)));

  /* The figure's layout for a chart ``width`` px wide. Its rows of categories get the height their labels need
     (plotly.js spaces categories evenly, and never moves a label that does not fit). On a narrow chart, a copy with
     smaller text, category labels and axis titles wrapped short, and the source note (the house style names it
     "source"), which fit() moves to the chart's left edge, wrapped to the chart's width; the bottom margin grows to
     hold it. */
  const layoutFor = (layout, width) => {
    const narrow = width < NARROW;
    const fitted = structuredClone(layout);
    fitted.margin = {...fitted.margin};
    if (narrow) {
      fitted.font = {...fitted.font, size: MIN_FONT};
      fitted.legend = {...fitted.legend, font: {...(fitted.legend || {}).font, size: MIN_FONT}};
    }
    for (const [name, axis] of Object.entries(fitted)) {
      if (!/^[xy]axis\d*$/.test(name)) continue;
      if (narrow && axis.title?.text) {
        // centred on the plot, which a narrow chart's labels leave about half the width
        axis.title = {...axis.title, text: wrapText(axis.title.text, charactersIn(width / 2, MIN_FONT))};
      }
      if (!Array.isArray(axis.categoryarray)) continue;
      const labels = narrow ? axis.categoryarray.map((label) => wrapText(label, LABEL_CHARACTERS))
        : axis.categoryarray.map(String);
      if (narrow) Object.assign(axis, {tickmode: "array", tickvals: axis.categoryarray, ticktext: labels});
      if (!name.startsWith("y")) continue;  // rows: categories stacked down the chart
      const size = narrow ? MIN_FONT : axis.tickfont?.size ?? fitted.font?.size ?? 12;
      const rows = labels.length * (Math.max(...labels.map(lineCount)) * size * LINE_SPACING + LABEL_GAP);
      const margins = (fitted.margin.t ?? 80) + (fitted.margin.b ?? 80) + LEGEND_ROOM;
      fitted.height = Math.max(fitted.height ?? 420, Math.ceil(rows + margins));
    }
    for (const note of narrow ? fitted.annotations || [] : []) {
      if (note.name !== "source") continue;
      const before = lineCount(note.text);
      note.text = wrapText(note.text, charactersIn(width - SOURCE_INSET, MIN_FONT));
      const added = SOURCE_LINE * (lineCount(note.text) - before);
      fitted.margin.b = (fitted.margin.b ?? 80) + added;
      fitted.height = (fitted.height ?? 420) + added;
    }
    return fitted;
  };

  // On a narrow chart the legend's entries (the traces' names) are wrapped short too.
  const dataFor = (data, width) => width >= NARROW ? data : data.map((trace) => trace.name === undefined ? trace
    : {...trace, name: wrapText(trace.name, charactersIn(width - LEGEND_SYMBOL, MIN_FONT))});

  /* Once a chart is drawn, what only the drawing knows: where the plot stands (the labels beside it set it), so
     that the source note starts at the chart's left edge; how deep the x axis's labels and title reach (plotly.js
     turns the labels when they do not fit), below which the source note goes; and which notes and bar labels run
     onto the category labels. Laid out again only if any of these changes the layout. */
  const fit = (Plotly, chart, passes = FIT_PASSES) => {
    const {box} = chart;
    const plotArea = box.querySelector(".nsewdrag");
    if (!plotArea) return;
    const plot = plotArea.getBoundingClientRect();
    const fitted = structuredClone(chart.drawn);
    const source = (fitted.annotations || []).find((note) => note.name === "source");
    if (!source) return;
    // The source note starts at the chart's left edge (x in the plot's fractions: negative, left of the plot).
    source.x = -(plot.left - box.getBoundingClientRect().left) / plot.width;
    // A note beside a line (plotly.py's "top left" of a vline) that would cross the plot's left edge onto the
    // category labels goes to the line's other side.
    for (const group of box.querySelectorAll(".annotation")) {
      const note = fitted.annotations[Number(group.dataset.index)];
      if (note && note !== source && note.xanchor === "right" && group.getBoundingClientRect().left < plot.left - 1) {
        note.xanchor = "left";
      }
    }
    // Bar labels set outside their bars that run past the plot's left edge onto the category labels: the value
    // axis (x, on horizontal bars; plotly.js writes the range it chose into the graph's layout) is widened on that
    // side by a little more than they overran (widening it also shrinks the scale; the next pass checks again).
    const overrun = Math.max(0, ...[...box.querySelectorAll(".bartext")].map(
      (text) => plot.left - text.getBoundingClientRect().left));
    const [low, high] = box.layout.xaxis?.range ?? [];
    if (overrun > 0 && typeof low === "number") {
      const extra = 1.25 * (overrun + SOURCE_GAP);
      const widen = (high - low) * extra / Math.max(plot.width - extra, plot.width / 2);
      fitted.xaxis = {...fitted.xaxis, range: [low - widen, high], autorange: false};
    }
    const axisText = [...box.querySelectorAll(".xaxislayer-above text, .g-xtitle text")];
    const depth = Math.max(0, ...axisText.map((text) => text.getBoundingClientRect().bottom - plot.bottom));
    const deeper = Math.ceil(depth + SOURCE_GAP + (source.yshift ?? 0));
    if (deeper > 0) {
      source.yshift = (source.yshift ?? 0) - deeper;
      fitted.margin = {...fitted.margin, b: (fitted.margin?.b ?? 80) + deeper};
      fitted.height = (fitted.height ?? 420) + deeper;
    }
    if (passes === 0 || JSON.stringify(fitted) === JSON.stringify(chart.drawn)) return;
    // Laid out again, the chart may change what was measured (a wider axis turns its labels): measured again.
    return drawAs(Plotly, chart, fitted, "react").then(() => fit(Plotly, chart, passes - 1));
  };

  // Drawn at the box's width, given: plotly.js measures its box again only when the window is resized, and a page
  // being printed is laid out for the paper without a resize.
  const drawAs = (Plotly, chart, layout, how) => {
    chart.drawn = layout;
    chart.box.style.height = `${layout.height ?? 420}px`;
    const width = chart.box.clientWidth;
    return Plotly[how](chart.box, dataFor(chart.data, width), {...layout, width}, chart.config);
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
