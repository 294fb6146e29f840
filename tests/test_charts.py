"""coup1917.charts: one palette covers every bloc and series; colour never alone; value axes from zero."""

import pandas as pd
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


def test_horizontal_bars_draws_each_category_top_down_in_the_house_style():
    frame = pd.DataFrame({"party": ["A", "B", "C"], "votes": [3, 5, 1],
                          "bloc": ["Russian liberal and other non-socialist parties", "Unaccounted", "Russian liberal and other non-socialist parties"]})
    figure = charts.horizontal_bars(frame, value="votes", category="party", series="bloc", axis_title="Votes",
                                    text="%{x}", hover="%{y}", source="a test", order=["B", "A", "C"])
    assert list(figure.layout.yaxis.categoryarray) == ["C", "A", "B"]  # plotly counts from the bottom
    assert {trace.name: trace.marker.color for trace in figure.data} == {
        "Russian liberal and other non-socialist parties": charts.BLOC_COLOURS["Russian liberal and other non-socialist parties"], "Unaccounted": charts.BLOC_COLOURS["Unaccounted"]}
    assert {trace.marker.pattern.shape for trace in figure.data} == {
        charts.BLOC_PATTERNS["Russian liberal and other non-socialist parties"], charts.BLOC_PATTERNS["Unaccounted"]}
    assert all(trace.orientation == "h" and trace.textposition == "outside" for trace in figure.data)
    assert all(trace.hovertemplate == "%{y}<extra></extra>" for trace in figure.data)
    assert figure.layout.xaxis.title.text == "Votes" and figure.layout.xaxis.rangemode == "tozero"
    assert [note.name for note in figure.layout.annotations] == ["source"]


def test_stacked_bars_carry_their_labels_inside_and_series_take_the_series_colours():
    frame = pd.DataFrame({"body": ["X", "X"], "group": ["Bolsheviks", "Others"], "percent": [60, 40]})
    figure = charts.horizontal_bars(frame, value="percent", category="body", series="group", axis_title="%",
                                    text="%{x}", hover="%{y}", source="a test", stacked=True)
    assert [trace.marker.color for trace in figure.data] == [charts.SERIES_COLOURS["Bolsheviks"],
                                                             charts.SERIES_COLOURS["Others"]]
    assert all(trace.textposition == "inside" for trace in figure.data)


def test_no_chart_text_is_smaller_than_the_minimum():
    figure = charts.house_style(go.Figure(go.Bar(x=["a"], y=[1])), source="a test")
    assert figure.layout.font.size >= charts.MIN_FONT_SIZE
    assert all(note.font.size >= charts.MIN_FONT_SIZE for note in figure.layout.annotations)


def test_glue_values_glues_each_value_without_showing_it(monkeypatch):
    glued = []
    monkeypatch.setattr(charts, "glue", lambda name, value, display: glued.append((name, value, display)))
    charts.glue_values({"a": 1, "b": "two"})
    assert glued == [("a", 1, False), ("b", "two", False)]
