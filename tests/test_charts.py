"""coup1917.charts: one palette covers every bloc and series; colour never alone; value axes from zero."""

import plotly.graph_objects as go

from coup1917 import charts
from coup1917.data import load_table


def test_every_bloc_in_the_data_has_a_colour_and_a_distinct_pattern():
    blocs = set(load_table("election-1917").editorial_bloc)
    assert blocs == set(charts.BLOC_COLOURS) == set(charts.BLOC_PATTERNS)
    assert len(set(charts.BLOC_PATTERNS.values())) == len(charts.BLOC_PATTERNS)
    assert len(set(charts.BLOC_COLOURS.values())) == len(charts.BLOC_COLOURS)


def test_all_colours_come_from_the_one_palette():
    palette = set(charts.OKABE_ITO.values())
    assert set(charts.BLOC_COLOURS.values()) <= palette
    assert set(charts.SERIES_COLOURS.values()) <= palette


def test_house_style_starts_the_value_axis_at_zero_and_writes_the_source():
    figure = charts.house_style(go.Figure(go.Bar(x=[3, 4], y=["a", "b"], orientation="h")), source="a test")
    assert figure.layout.xaxis.rangemode == "tozero"
    assert any(note.text == "Source: a test" for note in figure.layout.annotations)
    long = charts.house_style(go.Figure(go.Bar(x=["a"], y=[1])), source="word " * 40)
    assert long.layout.annotations[0].text.count("<br>") >= 1
    vertical = charts.house_style(go.Figure(go.Bar(x=["a"], y=[1])), source="a test")
    assert vertical.layout.yaxis.rangemode == "tozero"


def test_a_glued_chart_is_plotly_output_only():
    bundle = charts._PlotlyOutput(go.Figure(go.Bar(x=["a"], y=[1])))._repr_mimebundle_()
    assert list(bundle) == ["application/vnd.plotly.v1+json"]
    assert bundle["application/vnd.plotly.v1+json"]["data"][0]["type"] == "bar"
