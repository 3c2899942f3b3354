"""Figures in apps: the chart fragment and the FigureBox widget."""

from valuelab.apps import kit


def test_chart_html_picks_the_small_bundle_for_basic_traces_and_escapes_labels():
    import plotly.graph_objects as go

    basic = go.Figure([go.Bar(y=[1, 2]), go.Scatter(y=[2, 1]), go.Pie(values=[1, 2])])
    assert kit.chart_html(basic).endswith("'basic');</script>")
    mixed = go.Figure([go.Bar(y=[1]), go.Sankey(node={"label": ["a", "b"]})])
    assert kit.chart_html(mixed).endswith("'full');</script>")
    hostile = go.Figure(go.Bar(y=[1]), layout={"title": {"text": "</script><b>x</b> & co"}})
    fragment = kit.chart_html(hostile)
    assert (
        fragment.count("</script>") == 1 and "<b>" not in fragment
    )  # a label cannot end the script
    assert fragment.startswith('<div class="vl-chart"></div><script>')


def test_figure_box_replaces_its_output_as_state_in_one_update(monkeypatch):
    # The figure is set as the widget's ``outputs`` state, never captured with
    # ``with box:`` (a capture during Voila's execution makes nbclient write on
    # the shell socket it is waiting on: nbclient issue #312).
    import plotly.graph_objects as go

    monkeypatch.delenv(kit.CHARTS_ENV, raising=False)
    box, sent = kit.FigureBox(), []
    box.observe(lambda change: sent.append(change["new"]), "outputs")
    box.show(go.Figure(go.Bar(x=["a", "b"], y=[1.5, 2.5])))
    box.show(go.Figure(go.Scatter(y=[3, 4])))
    assert len(sent) == 2 and all(len(outputs) == 1 for outputs in sent)
    (output,) = box.outputs
    assert output["output_type"] == "display_data"
    (trace,) = output["data"]["application/vnd.plotly.v1+json"]["data"]
    assert trace["type"] == "scatter"
    assert box.figure.data[0].type == "scatter"

    monkeypatch.setenv(kit.CHARTS_ENV, "1")
    box.show(go.Figure(go.Bar(y=[1])))
    (output,) = box.outputs
    assert list(output["data"]) == ["text/html"]
    assert output["data"]["text/html"].endswith("'basic');</script>")


def test_the_light_bundle_traces_are_the_reports_own():
    from valuelab.apps.kit import BASIC_TRACES
    from valuelab.reports import BASIC_TRACES as REPORTS_TRACES

    assert BASIC_TRACES == REPORTS_TRACES == {"bar", "pie", "scatter"}
