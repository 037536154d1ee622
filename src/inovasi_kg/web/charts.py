"""Charts drawn on the server as SVG: nothing loads from anywhere, every label is escaped."""

from __future__ import annotations

from html import escape

__all__ = ["bar_chart"]


def bar_chart(bars: list[tuple[str, float, bool]], *, title: str, width: int = 520) -> str:
    """Horizontal bars: (label, value, highlighted). The highlighted bar is drawn in a second colour.

    >>> svg = bar_chart([("a", 2.0, False), ("b <c>", 1.0, True)], title="t")
    >>> svg.count("<rect"), "b &lt;c&gt;" in svg
    (2, True)
    """
    row, label_w, pad = 26, 250, 8
    top = max((v for _, v, _ in bars), default=0.0) or 1.0
    height = row * len(bars) + 2 * pad
    plot = width - label_w - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart"><title>{escape(title)}</title>']
    for i, (label, value, highlighted) in enumerate(bars):
        y = pad + i * row
        length = max(1.0, plot * value / top)
        colour = "#d9822b" if highlighted else "#23395d"
        weight = ' font-weight="bold"' if highlighted else ""
        parts.append(f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" font-size="12"{weight}>'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" fill="{colour}"'
                     f' data-highlighted="{str(highlighted).lower()}"><title>{escape(label)}: {value:g}</title></rect>')
        parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 17}" font-size="12">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)
