/* PNG/SVG download of the chart next to a .chart-download button (layouts/figures.py export_bar).
   The image is made in the browser from the figure on the page, so it holds exactly what the viewer may see. */
document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest(".chart-download");
    if (!button) { return; }
    const box = button.closest(".chart-export");
    const graph = box && box.querySelector(".js-plotly-plot");
    if (!graph || !window.Plotly) { return; }
    event.preventDefault();
    const format = button.getAttribute("data-format") || "png";
    const filename = button.getAttribute("data-filename") || "grafiek";
    window.Plotly.downloadImage(graph, {format: format, filename: filename, scale: format === "png" ? 2 : 1,
                                        width: graph.offsetWidth || 900, height: graph.offsetHeight || 500});
});
