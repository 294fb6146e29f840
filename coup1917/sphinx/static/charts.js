/* The page's charts, drawn when they come near the screen (coup1917/sphinx/charts/plotly_output.py writes each chart's
   container, its empty plot box, its figure as JSON and its data table; the class names arrive as data-* attributes
   of this script's tag). plotly.js, one file beside this one in _static, is fetched only when the first chart nears
   the viewport: a reader who never scrolls to a chart never downloads it. Charts follow the width of the text
   column, and on a narrow screen they are laid out again: smaller (never under 11 px) text and margins, category
   labels and the source line wrapped. */
(() => {
  const names = document.currentScript.dataset;
  const bundle = new URL(names.plotly, document.currentScript.src);
  const NARROW = 560;         // px of chart width below which the narrow layout applies
  const MIN_FONT = 11;        // px: no label is drawn smaller
  const SOURCE_LINE = 14;     // px per line of the source note (house style: 11 px text)
  const SOURCE_CHAR = 6.2;    // px: an average character of the source note
  const LABEL_CHARACTERS = 18;  // characters per line of a category label on a narrow chart
  const LABEL_LINE = 13;      // px per line of a category label
  const PLOT_MARGINS = 150;   // px of a chart's height outside its plot (legend, axis, source note)

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
      const rows = labels.length * Math.max(...labels.map((lines) => lines.length)) * LABEL_LINE;
      narrow.height = Math.max(narrow.height ?? 420, rows + PLOT_MARGINS);
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

  // The plot's left edge is known once it is drawn (the labels beside it set it): the source note is wrapped again.
  const fitSource = (Plotly, box, data, layout, config) => {
    const plotArea = box.querySelector(".nsewdrag");
    if (!plotArea) return;
    const left = plotArea.getBoundingClientRect().left - box.getBoundingClientRect().left;
    return Plotly.react(box, data, layoutFor(layout, box.clientWidth, box.clientWidth - left), config);
  };

  const draw = async (chart) => {
    const Plotly = await loadPlotly();
    const box = chart.querySelector(`.${names.plot}`);
    const {data, layout, config} = JSON.parse(chart.querySelector(`.${names.figure}`).textContent);
    let narrow = box.clientWidth < NARROW;
    box.style.height = "";  // plotly.js sets the height it draws
    await Plotly.newPlot(box, data, layoutFor(layout, box.clientWidth), config);
    if (narrow) await fitSource(Plotly, box, data, layout, config);
    // The config's "responsive" resizes the chart with the window; crossing the narrow width lays it out again.
    new ResizeObserver(() => {
      if ((box.clientWidth < NARROW) !== narrow) {
        narrow = !narrow;
        Plotly.react(box, data, layoutFor(layout, box.clientWidth), config)
          .then(() => narrow && fitSource(Plotly, box, data, layout, config));
      }
    }).observe(box);
  };

  const start = () => {
    // The data tables were written open for readers without scripts; with scripts, the charts show the data.
    document.querySelectorAll(`details.${names.chartData}[open]`).forEach((table) => { table.open = false; });
    const near = new IntersectionObserver((entries) => {
      for (const entry of entries.filter((entry) => entry.isIntersecting)) {
        near.unobserve(entry.target);
        draw(entry.target).catch((error) => console.error(error));
      }
    }, {rootMargin: "50% 0px"});  // start half a screen ahead, so the chart is drawn by the time it is seen
    document.querySelectorAll(`.${names.chart}`).forEach((chart) => near.observe(chart));
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
