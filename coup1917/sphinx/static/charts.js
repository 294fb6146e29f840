/* plotly.js for the page's charts, fetched once the text has painted (coup1917/sphinx/plotly_output.py): the
   reader gets the words first, and each chart's drawing script awaits window.editionPlotly. The bundle sits
   beside this file in _static, one URL for every page, so the browser caches it. */
window.editionPlotly = new Promise((resolve, reject) => {
  const bundle = new URL(document.currentScript.dataset.plotly, document.currentScript.src);
  requestAnimationFrame(() => setTimeout(() => {
    const script = document.createElement("script");
    script.src = bundle;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`plotly.js could not be loaded from ${bundle}`));
    document.head.append(script);
  }));
});
