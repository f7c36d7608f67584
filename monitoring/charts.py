"""Charts of the analytical reports as plain SVG, drawn on the server.

The PDF is made by WeasyPrint, which runs no JavaScript, so a chart is an ``<svg>`` element put
inline into the report's HTML. Two shapes cover what the report needs: grouped horizontal bars
(forms practised, effectiveness levels — one bar per school type) and stacked horizontal bars
(Table 2: the document package at two dates; Table 6: completed and not completed programs).
Bars are horizontal because the category labels (forms of mentoring, dates) are long.

Only presentation attributes are used (``fill``, ``font-size``…), never ``style``: the same SVG can
be shown on a web page under the strict Content Security Policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

WIDTH = 640
LABEL_WIDTH = 200
RIGHT_PAD = 44
BAR_HEIGHT = 13
BAR_GAP = 3
GROUP_GAP = 10
FONT = "PT Serif, serif"
FONT_SIZE = 10
LABEL_CHARS = 34  # characters of a category label per line at FONT_SIZE in LABEL_WIDTH

PALETTE = ("#1f4e79", "#5b9bd5", "#a9c4dc", "#7f7f7f")
LEVEL_COLORS = ("#3c8d2f", "#e0a800", "#c0392b", "#b0b0b0")
PACKAGE_COLORS = ("#3c8d2f", "#e0a800", "#c0392b")
DONE_COLORS = ("#1f4e79", "#c0392b")


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | Decimal | None, ...]
    color: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart of a report table: ``bars`` (one bar per series in each category) or ``stacked``.

    Values are percentages (0–100) unless ``scale`` says otherwise; a stacked bar's segments add up
    to its category's total. ``None`` draws nothing (a share without a denominator).
    """

    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "%"
    scale: float = 100.0
    notes: tuple[str, ...] = field(default=())


def _number(value: float | Decimal | None) -> float:
    return float(value) if value is not None else 0.0


def _label(value: float | Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    number = float(value)
    text = f"{number:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}{' ' + unit if unit else ''}".replace(" %", "\u00a0%")


def wrap(text: str, width: int = LABEL_CHARS) -> list[str]:
    """Split a label into lines of at most ``width`` characters on spaces (a long word stays whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = FONT_SIZE,
    fill: str = "#000",
    bold=False,
):
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}"{weight}>{escape(text)}</text>'
    )


def _multiline(x: float, y_center: float, lines: list[str]) -> str:
    line_height = FONT_SIZE + 1
    top = y_center - (len(lines) - 1) * line_height / 2 + FONT_SIZE / 3
    return "".join(_text(x, top + i * line_height, line, anchor="end") for i, line in enumerate(lines))


def _colors(chart: Chart, palette: tuple[str, ...]) -> list[str]:
    return [s.color or palette[i % len(palette)] for i, s in enumerate(chart.series)]


def _legend(chart: Chart, colors: list[str], y: float) -> tuple[str, float]:
    """Legend entries in rows under the plot; returns the markup and the height used."""
    parts, x, row = [], float(LABEL_WIDTH), 0
    for series, color in zip(chart.series, colors, strict=True):
        width = 16 + len(series.label) * FONT_SIZE * 0.52 + 14
        if x + width > WIDTH and x > LABEL_WIDTH:
            x, row = float(LABEL_WIDTH), row + 1
        top = y + row * 16
        parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="10" height="10" fill="{color}"/>')
        parts.append(_text(x + 14, top + 9, series.label))
        x += width
    return "".join(parts), (row + 1) * 16


def _axis(plot_width: float, top: float, bottom: float, scale: float, unit: str) -> str:
    """Vertical grid lines at 0, 25, 50, 75 and 100 % of the scale, with their values under the plot."""
    parts = []
    for step in range(5):
        x = LABEL_WIDTH + plot_width * step / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#d0d0d0" stroke-width="0.6"/>'
        )
        parts.append(
            _text(x, bottom + 11, _label(scale * step / 4, unit), anchor="middle", size=8, fill="#555")
        )
    return "".join(parts)


def render_svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element that scales to the width of its container."""
    if chart.kind == "stacked":
        return _stacked(chart)
    return _bars(chart)


def _open(height: float, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart">'
    )


def _bars(chart: Chart) -> str:
    colors = _colors(chart, PALETTE)
    plot_width = WIDTH - LABEL_WIDTH - RIGHT_PAD
    n = len(chart.series)
    group_height = n * BAR_HEIGHT + (n - 1) * BAR_GAP
    parts: list[str] = []
    y = 22.0
    title = _text(WIDTH / 2, 13, chart.title, anchor="middle", size=11, bold=True)
    top = y
    bars: list[str] = []
    for index, category in enumerate(chart.categories):
        lines = wrap(category)
        height = max(group_height, len(lines) * (FONT_SIZE + 1))
        bars.append(_multiline(LABEL_WIDTH - 6, y + height / 2, lines))
        bar_y = y + (height - group_height) / 2
        for series, color in zip(chart.series, colors, strict=True):
            value = series.values[index]
            width = plot_width * min(_number(value), chart.scale) / chart.scale if chart.scale else 0
            if value is not None and width > 0:
                bars.append(
                    f'<rect x="{LABEL_WIDTH}" y="{bar_y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{color}"/>'
                )
            bars.append(
                _text(LABEL_WIDTH + width + 3, bar_y + BAR_HEIGHT - 3, _label(value, chart.unit), size=9)
            )
            bar_y += BAR_HEIGHT + BAR_GAP
        y += height + GROUP_GAP
    bottom = y - GROUP_GAP / 2
    parts.append(_axis(plot_width, top - 4, bottom, chart.scale, chart.unit))
    parts.extend(bars)
    legend, legend_height = _legend(chart, colors, bottom + 20) if n > 1 else ("", 0)
    parts.append(legend)
    height = bottom + 16 + legend_height + 6
    return _open(height, chart.title) + title + "".join(parts) + "</svg>"


def _stacked(chart: Chart) -> str:
    colors = _colors(chart, PACKAGE_COLORS)
    plot_width = WIDTH - LABEL_WIDTH - RIGHT_PAD
    bar_height = BAR_HEIGHT + 7
    y = 22.0
    title = _text(WIDTH / 2, 13, chart.title, anchor="middle", size=11, bold=True)
    top = y
    bars: list[str] = []
    for index, category in enumerate(chart.categories):
        lines = wrap(category)
        height = max(bar_height, len(lines) * (FONT_SIZE + 1))
        bars.append(_multiline(LABEL_WIDTH - 6, y + height / 2, lines))
        bar_y = y + (height - bar_height) / 2
        x = float(LABEL_WIDTH)
        for series, color in zip(chart.series, colors, strict=True):
            value = series.values[index]
            width = plot_width * _number(value) / chart.scale if chart.scale else 0
            if width <= 0:
                continue
            bars.append(
                f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{width:.1f}" height="{bar_height}" fill="{color}" '
                f'stroke="#fff" stroke-width="0.8"/>'
            )
            label = _label(value, chart.unit)
            if width >= len(label) * 5.5 + 4:
                bars.append(
                    _text(x + width / 2, bar_y + bar_height - 6, label, anchor="middle", size=9, fill="#fff")
                )
            x += width
        y += height + GROUP_GAP
    bottom = y - GROUP_GAP / 2
    parts = [_axis(plot_width, top - 4, bottom, chart.scale, chart.unit), *bars]
    legend, legend_height = _legend(chart, colors, bottom + 20)
    parts.append(legend)
    height = bottom + 16 + legend_height + 6
    return _open(height, chart.title) + title + "".join(parts) + "</svg>"
