"""Maps without a tile server: gemeente outlines as one SVG picture on the axes, buurten as dots (plain figure dicts).

Used by /transitie (dots coloured by KPI status) and the public landing page (dots only); the outlines and the
buurten's positions are stored once per refresh (`data_access.transitie.MAP_KIND`, read by `callbacks.maps`).
"""

from __future__ import annotations

from urllib.parse import quote

import numpy as np

MAP_DECIMALS = 3  # buurt dots: about 100 m
OUTLINE_DECIMALS = 2  # gemeente outlines, already simplified to 0.01°: about 1 km, as fine as the simplification


def _rounded_array(values, decimals: int) -> np.ndarray:  # noqa: ANN001
    return np.round(np.asarray([np.nan if v is None else v for v in values], dtype=float), decimals)


def _listed(array: np.ndarray) -> list:
    """Plain numbers for the figure, missing as None."""
    return np.where(np.isnan(array), None, array).tolist()


def rounded(values, decimals: int = MAP_DECIMALS) -> list:  # noqa: ANN001
    """Coordinates rounded for the figure, missing (None or NaN) as None: one array operation (the outlines are
    ~55,000 numbers, which rounding one by one took ~50 ms of the first map of a process)."""
    return _listed(_rounded_array(values, decimals))


def outline_points(xs: list, ys: list) -> tuple[list, list]:
    """Outline coordinates rounded to OUTLINE_DECIMALS, without points that rounding made repeat (the same as the
    point before them; a missing point separates two rings and is kept)."""
    x, y = _rounded_array(xs, OUTLINE_DECIMALS), _rounded_array(ys, OUTLINE_DECIMALS)
    keep = np.ones(len(x), dtype=bool)
    keep[1:] = (x[1:] != x[:-1]) | (y[1:] != y[:-1])  # NaN never equals: separators stay
    return _listed(x[keep]), _listed(y[keep])


OUTLINE_COLOUR = "#b7c0c8"


def outline_image(xs: list, ys: list) -> dict | None:
    """The gemeente outlines (rounded to OUTLINE_DECIMALS) as one SVG picture placed on the map's axes.

    As a scatter trace the ~13,000 outline points were drawn point by point by plotly.js (about 100 ms of the
    browser's main thread per draw, more on a busy machine); as a picture the browser paints them in one go and the
    figure carries integer steps of 0.01° (~65 kB instead of ~150 kB). It pans and zooms with the axes (an image in
    data coordinates, stretched over the outlines' extent)."""
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None and y is not None]
    if not points:
        return None
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    scale = 10 ** OUTLINE_DECIMALS
    path: list[str] = []
    steps: list[str] = []
    last: tuple[int, int] | None = None

    def close_ring() -> None:
        if steps:
            path.append("l" + ",".join(steps))
            steps.clear()

    for x, y in zip(xs, ys, strict=True):
        if x is None or y is None:
            close_ring()
            last = None
            continue
        point = (round((x - x0) * scale), round((y1 - y) * scale))  # SVG's y runs downwards
        if last is None:
            path.append(f"M{point[0]},{point[1]}")
        else:
            steps.append(f"{point[0] - last[0]},{point[1] - last[1]}")
        last = point
    close_ring()
    width, height = max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale))
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' preserveAspectRatio='none'>"
           f"<path d='{''.join(path)}' fill='none' stroke='{OUTLINE_COLOUR}' stroke-width='0.6' "
           "stroke-linejoin='round' vector-effect='non-scaling-stroke'/></svg>")
    return {"source": "data:image/svg+xml;charset=utf-8," + quote(svg, safe="/:=,.-'"),
            "xref": "x", "yref": "y", "x": x0, "y": y1, "sizex": x1 - x0, "sizey": y1 - y0,
            "xanchor": "left", "yanchor": "top", "sizing": "stretch", "layer": "below"}


def with_outlines(layout: dict, outlines: dict | None) -> dict:
    """The layout with the outline picture under the data and the whole country in view (the axes do not see a
    picture, so their range is set to its extent)."""
    if not outlines:
        return layout
    return {**layout, "images": [outlines],
            "xaxis": {**layout.get("xaxis", {}), "range": [outlines["x"], outlines["x"] + outlines["sizex"]]},
            "yaxis": {**layout.get("yaxis", {}), "range": [outlines["y"] - outlines["sizey"], outlines["y"]]}}
