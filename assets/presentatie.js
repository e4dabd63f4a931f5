/* Presentation mode of /best-practices/presentatie: keyboard navigation and the slide switch (browser side). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    presentatie: {
        move: function (_prev, _next, index, slideIds) {
            const count = (slideIds || []).length;
            if (!count) { return 0; }
            const trigger = (window.dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
            const step = trigger.startsWith("best-slide-prev") ? -1 : 1;
            return Math.min(Math.max((index || 0) + step, 0), count - 1);
        },
        show: function (index, slideIds) {
            const count = (slideIds || []).length;
            const current = Math.min(Math.max(index || 0, 0), Math.max(count - 1, 0));
            const styles = (slideIds || []).map((_, i) => ({display: i === current ? "block" : "none"}));
            return [styles, count ? (current + 1) + " / " + count : ""];
        },
        fullscreen: function () {
            const element = document.getElementById("best-presentation");
            if (element && element.requestFullscreen) { element.requestFullscreen().catch(() => null); }
            return window.dash_clientside.no_update;
        },
    },
});

document.addEventListener("keydown", function (event) {
    if (!document.getElementById("best-presentation")) { return; }
    const tag = (event.target && event.target.tagName) || "";
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) { return; }
    let target = null;
    if (["ArrowRight", "PageDown", " "].includes(event.key)) { target = "best-slide-next"; }
    if (["ArrowLeft", "PageUp"].includes(event.key)) { target = "best-slide-prev"; }
    const button = target && document.getElementById(target);
    if (button) {
        event.preventDefault();
        button.click();
    }
});
