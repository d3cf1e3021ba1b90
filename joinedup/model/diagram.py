"""A stock-and-flow diagram of a model as SVG, laid out by hand (no graphviz needed).

Stocks are boxes in columns, each one right of the stocks that flow into it; a flow is a thick arrow with a valve,
from a stock or a cloud (outside the model) to a stock or a cloud. Auxiliaries that drive
flows sit as circles in a band below, with thin connectors to the flows they feed.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

from joinedup.model import expr as E
from joinedup.model.flatten import FlatModel

__all__ = ["diagram_svg", "write_diagram"]

BOX_W, BOX_H, COL_W, ROW_H, MARGIN = 170, 56, 330, 150, 70


def _layers(flat: FlatModel) -> list[list[str]]:
    """Stocks in columns: each stock one column right of the stocks that flow into it."""
    src = {f: s for s, st in flat.stocks.items() for f in st.outflows}
    preds = {s: [src[f] for f in st.inflows if f in src and src[f] != s] for s, st in flat.stocks.items()}
    layer = {s: 0 for s in flat.stocks}
    for _ in range(len(layer)):  # longest path; bounded, so a loop of stocks cannot spin forever
        changed = False
        for s, ps in preds.items():
            want = max((layer[p] + 1 for p in ps), default=0)
            if want > layer[s] and want < len(layer):
                layer[s], changed = want, True
        if not changed:
            break
    cols: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for s in flat.stocks:
        cols[layer[s]].append(s)
    row = {s: i for i, s in enumerate(cols[0])}
    for col in cols[1:]:  # order each column by where its inflows come from, to keep lines short
        col.sort(key=lambda s: (sum(row[p] for p in preds[s] if p in row) / max(1, len([p for p in preds[s] if p in row]))
                                if any(p in row for p in preds[s]) else 1e9))
        row.update({s: i for i, s in enumerate(col)})
    return [c for c in cols if c]


def _edge(cx: float, cy: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from a box centre towards (tx, ty) leaves the box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    sx = (BOX_W / 2) / abs(dx) if dx else math.inf
    sy = (BOX_H / 2) / abs(dy) if dy else math.inf
    k = min(sx, sy)
    return cx + dx * k, cy + dy * k


def _label(name: str, width: int = 24) -> list[str]:
    words, lines, cur = name.replace("__", ": ").replace("_", " ").split(), [], ""
    for w in words:
        if cur and len(cur) + len(w) + 1 > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return lines + [cur]


def diagram_svg(flat: FlatModel) -> str:
    """The SVG text of the model's stock-and-flow diagram."""
    layers = _layers(flat)
    stocks = [s for col in layers for s in col]
    cols = len(layers)
    pos = {s: (MARGIN + 60 + c * COL_W + BOX_W / 2, MARGIN + 60 + r * ROW_H + BOX_H / 2)
           for c, col in enumerate(layers) for r, s in enumerate(col)}
    rows = max(len(col) for col in layers)
    src = {f: s for s, st in flat.stocks.items() for f in st.outflows}
    dst = {f: s for s, st in flat.stocks.items() for f in st.inflows}
    parts: list[str] = []
    valves: dict[str, tuple[float, float]] = {}
    pair_count: dict[tuple, int] = {}
    cloud_count: dict[str, int] = {}
    for f in flat.flows:
        a, b = src.get(f), dst.get(f)
        if a is None and b is None:
            continue
        if a and b:
            key = tuple(sorted((a, b)))
            k = pair_count[key] = pair_count.get(key, 0) + 1
            (ax, ay), (bx, by) = pos[a], pos[b]
            off = (k - 1) * 14 - 7 * (k > 1)
            nx, ny = -(by - ay), (bx - ax)
            norm = math.hypot(nx, ny) or 1
            ox, oy = nx / norm * off, ny / norm * off
            x1, y1 = _edge(ax, ay, bx, by)
            x2, y2 = _edge(bx, by, ax, ay)
            x1, y1, x2, y2 = x1 + ox, y1 + oy, x2 + ox, y2 + oy
        else:
            s = a or b
            k = cloud_count[s] = cloud_count.get(s, 0) + 1
            cx, cy = pos[s]
            ang = (-math.pi / 2 - 0.35 - 0.45 * (k - 1)) if b else (math.pi / 2 - 0.35 - 0.45 * (k - 1))
            far = (cx + math.cos(ang) * 110, cy + math.sin(ang) * 62)
            ex, ey = _edge(cx, cy, *far)
            parts.append(f'<g class="cloud"><ellipse cx="{far[0]:.1f}" cy="{far[1]:.1f}" rx="15" ry="9"/></g>')
            (x1, y1), (x2, y2) = ((far[0], far[1]), (ex, ey)) if b else ((ex, ey), far)
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        valves[f] = (mx, my)
        parts.append(f'<line class="flow" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" marker-end="url(#arrow)"/>')
        label = escape(flat.display(f).split(".", 1)[1])
        anchor = 'x="{:.1f}" y="{:.1f}" text-anchor="middle"'.format(mx, my - 10) if a and b else \
            'x="{:.1f}" y="{:.1f}"'.format(mx + 9, my - 6)
        parts.append(f'<g class="valve"><circle cx="{mx:.1f}" cy="{my:.1f}" r="6"/><text {anchor}>{label}</text></g>')
    for s in stocks:
        x, y = pos[s]
        lines = _label(flat.display(s).split(".", 1)[1] if flat.name != "system" else flat.display(s))
        text = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else 14}">{escape(t)}</tspan>'
                       for i, t in enumerate(lines))
        parts.append(f'<g class="stock"><rect x="{x - BOX_W / 2:.1f}" y="{y - BOX_H / 2:.1f}" width="{BOX_W}" '
                     f'height="{BOX_H}" rx="3"/><text x="{x:.1f}" y="{y - 7 * (len(lines) - 1) + 4:.1f}">{text}</text></g>')
    # auxiliaries that feed flows, in a band below the stocks
    feeders = [n for n in flat.auxes if any(n in E.names_in(v.tree) for v in flat.flows.values())]
    band_y = MARGIN + 40 + rows * ROW_H + 20
    per_row = max(4, cols * 3)
    for i, n in enumerate(feeders):
        x = MARGIN + 40 + (i % per_row) * (COL_W / 3)
        y = band_y + (i // per_row) * 60
        for f, v in flat.flows.items():
            if n in E.names_in(v.tree) and f in valves:
                vx, vy = valves[f]
                parts.insert(0, f'<path class="link" d="M{x:.1f},{y:.1f} Q{(x + vx) / 2:.1f},{y - 40:.1f} {vx:.1f},{vy:.1f}"/>')
        parts.append(f'<g class="aux"><circle cx="{x:.1f}" cy="{y:.1f}" r="7"/>'
                     f'<text x="{x:.1f}" y="{y + 20:.1f}">{escape(flat.display(n).split(".", 1)[1])}</text></g>')
    width = max(MARGIN * 2 + 60 + cols * COL_W, MARGIN * 2 + per_row * COL_W / 3)
    height = band_y + math.ceil(max(len(feeders), 1) / per_row) * 60 + MARGIN
    style = ("text{font-family:Helvetica,Arial,sans-serif;font-size:11px;fill:#222}"
             ".stock rect{fill:#eef4fb;stroke:#1f4e79;stroke-width:1.6}.stock text{text-anchor:middle;font-weight:600}"
             ".flow{stroke:#1f4e79;stroke-width:3.2}.valve circle{fill:#fff;stroke:#1f4e79;stroke-width:1.5}"
             ".valve text{font-size:9.5px;fill:#1f4e79}.cloud ellipse{fill:#fafafa;stroke:#999;stroke-dasharray:3 2}"
             ".aux circle{fill:#fff5e6;stroke:#b86e00}.aux text{font-size:9px;text-anchor:middle;fill:#7a4a00}"
             ".link{fill:none;stroke:#b86e00;stroke-opacity:.28;stroke-width:.8}")
    title = escape(f"{flat.title} ({len(flat.stocks)} stocks, {len(flat.flows)} flows, {len(flat.auxes)} auxiliaries)")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{title}">'
            f'<title>{title}</title><style>{style}</style>'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f4e79"/></marker></defs>'
            f'<rect width="100%" height="100%" fill="#fff"/>'
            f'<text x="{MARGIN}" y="{MARGIN - 30}" style="font-size:16px;font-weight:700">{title}</text>'
            + "".join(parts) + "</svg>")


def write_diagram(flat: FlatModel, path: Path) -> Path:
    """Write the diagram to an SVG file."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(diagram_svg(flat))
    return Path(path)
