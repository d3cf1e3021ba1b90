/* joinedup: draw every chart from the figure JSON in its data-figure attribute (no inline script), again after htmx swaps. */
(function () {
  "use strict";
  function draw(root) {
    if (typeof Plotly === "undefined") { return; }
    (root || document).querySelectorAll("[data-figure]").forEach(function (el) {
      if (el.getAttribute("data-drawn") === "1") { return; }
      var fig = JSON.parse(el.getAttribute("data-figure"));
      var layout = Object.assign({font: {family: "system-ui, sans-serif", size: 12}, paper_bgcolor: "#fff",
                                  plot_bgcolor: "#fff", autosize: true}, fig.layout || {});
      Plotly.newPlot(el, fig.data, layout, {responsive: true, displaylogo: false,
                                            modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"]});
      el.setAttribute("data-drawn", "1");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
