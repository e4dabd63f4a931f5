/* "Afdrukken (handout)" on the review summary: print only the summary, then restore the page. */
document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest(".review-print");
    if (!button) { return; }
    document.body.classList.add("print-review");
    window.print();
});
window.addEventListener("afterprint", function () { document.body.classList.remove("print-review"); });
