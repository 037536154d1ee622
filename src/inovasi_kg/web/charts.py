"""Charts drawn on the server as SVG: nothing loads from anywhere, every label is escaped, and every
label fits inside the picture (long ones wrap over lines; the label column grows to the longest word)."""

from __future__ import annotations

from html import escape

__all__ = ["bar_chart"]

_FONT = 12
_CHAR = 0.62 * _FONT  # a generous mean advance of a sans-serif character at that size (DejaVu Sans: ~0.55-0.6)
_LINE = 15


def _width(text: str) -> float:
    return len(text) * _CHAR


def _wrap(label: str, room: float) -> list[str]:
    """The label in lines no wider than `room` (a word longer than that gets a line of its own, cut)."""
    lines: list[str] = []
    for word in label.split():
        if lines and _width(lines[-1] + " " + word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word if _width(word) <= room else word[: max(1, int(room / _CHAR) - 1)] + "…")
    return lines or [""]


def bar_chart(bars: list[tuple[str, float, bool]], *, title: str, width: int = 520) -> str:
    """Horizontal bars: (label, value, highlighted). The highlighted bar is drawn in a second colour.
    The picture scales down with its box (viewBox; width 100% up to `width`).

    >>> svg = bar_chart([("a", 2.0, False), ("b <c>", 1.0, True)], title="t")
    >>> svg.count("<rect"), "b &lt;c&gt;" in svg
    (2, True)
    >>> "Kabupaten" in bar_chart([("Pemerintah Kabupaten Banyuwangi yang sangat panjang", 1.0, False)], title="t")
    True
    """
    pad, value_w = 8, 8 + max((_width(f"{v:g}") for _, v, _ in bars), default=0.0)
    label_w = min(max((_width(label) for label, _, _ in bars), default=0.0) + 12, width * 0.55)
    top = max((v for _, v, _ in bars), default=0.0) or 1.0
    plot = max(40.0, width - label_w - value_w - pad)
    wrapped = [_wrap(label, label_w - 12) for label, _, _ in bars]
    heights = [max(26, _LINE * len(lines) + 11) for lines in wrapped]
    height = sum(heights) + 2 * pad
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart" style="max-width:100%;height:auto">'
             f'<title>{escape(title)}</title>']
    y = pad
    for (label, value, highlighted), lines, row in zip(bars, wrapped, heights, strict=True):
        length = max(1.0, plot * value / top)
        colour = "#d9822b" if highlighted else "#23395d"
        weight = ' font-weight="bold"' if highlighted else ""
        first = y + (row - _LINE * len(lines)) / 2 + 11
        spans = "".join(f'<tspan x="{label_w - 6:.1f}" y="{first + k * _LINE:.1f}">{escape(line)}</tspan>'
                        for k, line in enumerate(lines))
        parts.append(f'<text text-anchor="end" font-size="{_FONT}"{weight} fill="currentColor" class="label" '
                     f'aria-label="{escape(label)}">{spans}</text>')
        parts.append(f'<rect x="{label_w:.1f}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" fill="{colour}"'
                     f' data-highlighted="{str(highlighted).lower()}"><title>{escape(label)}: {value:g}</title></rect>')
        parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + row / 2 + 4:.1f}" font-size="{_FONT}" '
                     f'fill="currentColor" class="value">{value:g}</text>')
        y += row
    parts.append("</svg>")
    return "".join(parts)
