"""The house style of the edition's charts: Okabe and Ito's palette (safe under colour blindness), a fill pattern
for every series so that colour never carries meaning alone, and transparent backgrounds with half-transparent
grid lines so that a chart sits on the theme's light and dark pages (``charts.css`` lightens its text in dark mode).
"""

from __future__ import annotations

import os
import textwrap

import numpy as np
import pandas as pd
import plotly.colors
import plotly.express as px
import plotly.graph_objects as go
import plotly.io
from myst_nb import glue

from coup1917 import escape

#: Okabe & Ito (2008), "Color Universal Design": the one palette of the edition.
OKABE_ITO = {"orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7", "grey": "#999999"}

#: Plotly's own output type: what ``glue_chart`` stores, the book renders and the notebook check counts.
CHART_MIME = "application/vnd.plotly.v1+json"
#: The bench's baseline sets PLOTLY_RENDERER=notebook (Jupyter Book's default) to compare it with Plotly's JSON.
RENDERER = os.environ.get("PLOTLY_RENDERER", "plotly_mimetype")

MIN_FONT_SIZE = 11  # px: no label of a chart is smaller, on any screen (static/charts.js keeps it so)
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
SOURCE_LINE_CHARACTERS = 60
AXIS_DEPTH = 58  # pixels below a plot taken by the x axis's tick labels and title
GRID = "rgba(128, 128, 128, 0.35)"
TEXT = "#333333"  # charts.css turns it light in the theme's dark mode

#: The editorial blocs of data/election-1917.csv, in the printed table's order, then the series that are not
#: blocs (the sides of a comparison, the members of a body): colour and fill pattern.
BLOCS = {
    "Bolsheviks and Left SRs": ("vermillion", "/"),
    "Other Russian socialists": ("sky blue", ""),
    "Russian liberal and other non-socialist parties": ("blue", "."),
    "National-minority parties": ("bluish green", "x"),
    "Unaccounted": ("grey", "-"),
}
SERIES = {"agrees": ("sky blue", ""), "differs": ("vermillion", "/"), "share of the vote": ("sky blue", ""),
          "share of the body": ("vermillion", "/"), "Bolsheviks": ("vermillion", "/"),
          "Left SRs": ("orange", "\\"), "Others": ("grey", "")}
BLOC_COLOURS = {name: OKABE_ITO[colour] for name, (colour, _) in BLOCS.items()}
BLOC_PATTERNS = {name: pattern for name, (_, pattern) in BLOCS.items()}
SERIES_COLOURS = {name: OKABE_ITO[colour] for name, (colour, _) in SERIES.items()}
SERIES_PATTERNS = {name: pattern for name, (_, pattern) in SERIES.items()}

#: How a pattern is drawn over its colour: light strokes that show on every colour of the palette.
PATTERN_STYLE = {"fgcolor": "rgba(255, 255, 255, 0.85)", "size": 7, "solidity": 0.3}


def house_style(figure: go.Figure, *, source: str, height: int = 420) -> go.Figure:
    """Apply the edition's layout and write ``source`` under the chart; value axes start at zero (a bar's length
    must be its value)."""
    # Plotly does not wrap annotations: break the source line so it fits a chart of the text column's width.
    source_lines = textwrap.wrap(f"Source: {source}", SOURCE_LINE_CHARACTERS)
    figure.update_layout(
        height=height,  # margin r: room for labels outside the bars
        margin={"t": 30, "b": AXIS_DEPTH + 14 * len(source_lines) + 8, "l": 10, "r": 70, "autoexpand": True},
        font={"family": FONT, "size": 13, "color": TEXT}, paper_bgcolor="rgba(0, 0, 0, 0)",
        plot_bgcolor="rgba(0, 0, 0, 0)", separators=".,",
        hoverlabel={"font": {"family": FONT}, "bgcolor": "white", "font_color": "black"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None})
    # The outline gives pale bars (sky blue, orange, grey: under 3:1 on white) a boundary the eye can find
    # (WCAG 1.4.11); in dark mode the fills themselves stand out from the page.
    figure.update_traces(marker_pattern=PATTERN_STYLE, marker_line={"color": TEXT, "width": 1},
                         selector={"type": "bar"})
    figure.for_each_trace(_legible_inside_text, selector={"type": "bar"})
    figure.update_xaxes(gridcolor=GRID, zerolinecolor=GRID, linecolor=GRID, automargin=True)
    figure.update_yaxes(gridcolor=GRID, zerolinecolor=GRID, linecolor=GRID, automargin=True)
    horizontal = any(getattr(trace, "orientation", None) == "h" for trace in figure.data)
    (figure.update_xaxes if horizontal else figure.update_yaxes)(rangemode="tozero")
    # Below the x axis's labels and title, a fixed distance from the plot whatever height the legend leaves it.
    figure.add_annotation(
        text="<br>".join(source_lines), showarrow=False, xref="paper", yref="paper", x=0, xanchor="left",
        y=0, yanchor="top", yshift=-AXIS_DEPTH, font={"size": MIN_FONT_SIZE}, align="left",
        name="source",  # static/charts.js re-wraps it to the width of a narrow screen
    )
    return figure


def _legible_inside_text(trace) -> None:
    """Labels inside a bar in black or white, whichever contrasts more with the bar (plotly.js's own choice,
    white or dark grey, gives white on vermillion: 3.9:1, under the 4.5:1 of WCAG AA)."""
    if isinstance(trace.marker.color, str):
        trace.insidetextfont.color = max(("#000000", "#FFFFFF"),
                                         key=lambda ink: contrast_ratio(ink, trace.marker.color))


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two colours given as ``#RRGGBB`` or ``rgb(r, g, b)``."""
    lighter, darker = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance: sRGB channels linearised, weighted by the eye's sensitivity."""
    rgb = plotly.colors.hex_to_rgb(colour) if colour.startswith("#") else plotly.colors.unlabel_rgb(colour)[:3]
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


#: The attributes of a trace that hold text from the data, which plotly.js would read as HTML.
DATA_TEXT_ATTRIBUTES = ("x", "y", "z", "text", "hovertext", "customdata", "labels", "parents", "ids", "name",
                        "legendgroup")


def literal_data_text(figure: dict) -> dict:
    """``figure`` (a dict) with its data's text and its axes' category lists (which must name the categories as
    the data does) escaped; templates, titles and annotations are the editors' markup and stay as they are."""
    for trace in figure.get("data", []):
        for attribute in DATA_TEXT_ATTRIBUTES:
            if attribute in trace:
                trace[attribute] = _literal(trace[attribute])
    for name, axis in figure.get("layout", {}).items():
        if name.startswith(("xaxis", "yaxis")) and "categoryarray" in axis:
            axis["categoryarray"] = _literal(axis["categoryarray"])
    return figure


def _literal(value):
    if isinstance(value, str):
        return escape.plotly_literal(value)
    if isinstance(value, np.ndarray):
        return np.vectorize(_literal, otypes=[object])(value) if value.dtype.kind in "OUS" else value
    if isinstance(value, (list, tuple)):
        return [_literal(item) for item in value]
    return value


class _PlotlyOutput:
    """A chart as Plotly's own output type and nothing else, its data text escaped (``glue`` stores what an object
    displays, and a figure's ``_ipython_display_`` would put the chart in the cell instead)."""

    def __init__(self, figure: go.Figure):
        self._bundle = plotly.io.renderers[RENDERER].to_mimebundle(literal_data_text(figure.to_dict()))

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return self._bundle

    def __repr__(self) -> str:  # the output's text/plain: the same in every run (no memory address)
        return "<Plotly chart>"


def glue_chart(name: str, figure: go.Figure) -> None:
    """Show the chart in Jupyter and glue it for the book's figure (whose cell is tagged ``remove-output``)."""
    glue(name, _PlotlyOutput(figure), display=True)


class _Table:
    """pandas' HTML table without the ``<style scoped>`` of its notebook display, which the W3C checker rejects."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def _repr_html_(self) -> str:
        return self.frame.to_html()

    def __repr__(self) -> str:
        return repr(self.frame)


def glue_values(values: dict) -> None:
    """Glue each value for the text and the figures' data tables, without showing it in the cell."""
    for name, value in values.items():
        glue(name, _Table(value) if isinstance(value, pd.DataFrame) else value, display=False)


def horizontal_bars(frame: pd.DataFrame, *, value: str, category: str, series: str, axis_title: str, text: str,
                    hover: str, source: str, custom_data: tuple[str, ...] = (), series_title: str = "",
                    order: list[str] | None = None, stacked: bool = False, legend: bool = True,
                    height: int = 420) -> go.Figure:
    """Bars of ``value`` by ``category`` from the top in ``order`` (by default the frame's), coloured and patterned
    by ``series``, labelled with the template ``text`` beside the bar or, ``stacked``, inside it."""
    colours, patterns = ((BLOC_COLOURS, BLOC_PATTERNS) if set(frame[series]) <= set(BLOC_COLOURS)
                         else (SERIES_COLOURS, SERIES_PATTERNS))
    figure = px.bar(
        frame, x=value, y=category, orientation="h", color=series, pattern_shape=series,
        color_discrete_map=colours, pattern_shape_map=patterns,
        category_orders={series: [name for name in colours if name in set(frame[series])]},
        custom_data=list(custom_data), labels={value: axis_title, category: "", series: series_title},
    )
    figure.update_traces(texttemplate=text, hovertemplate=f"{hover}<extra></extra>", showlegend=legend,
                         textposition="inside" if stacked else "outside", insidetextanchor="middle",
                         cliponaxis=False)
    order = list(frame[category].drop_duplicates()) if order is None else order
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(order)))
    return house_style(figure, source=source, height=height)
