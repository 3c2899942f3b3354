"""Tables a lesson shows are shown whole: no cell cut with "…", no row left out."""

import pandas as pd

from valuelab.core import SourcedValue, WholeFrame, labelled, sources_table

LONG = "Spotify Technology S.A., Form 20-F for the fiscal year 2024, Item 5, page 61"


def _cut(shown: str) -> bool:
    return "…" in shown or "..." in shown


def test_a_plain_frame_is_cut_and_a_whole_frame_is_not():
    plain = pd.DataFrame({"source": [LONG] * 70})
    assert _cut(plain._repr_html_()) and _cut(repr(plain)), "pandas' defaults cut (the problem)"
    whole = WholeFrame(plain)
    html = whole._repr_html_()
    assert not _cut(html) and html.count(LONG) == 70 and "70 rows" not in html
    assert not _cut(repr(whole)) and not _cut(whole.to_string())
    assert pd.get_option("display.max_colwidth") == 50, "the notebook's options are left alone"


def test_operations_keep_a_whole_frame_and_its_values():
    whole = WholeFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    assert isinstance(whole.head(2), WholeFrame) and isinstance(whole.set_index("b"), WholeFrame)
    assert whole["a"].sum() == 6 and isinstance(whole, pd.DataFrame)


def test_sources_tables_and_labelled_frames_are_shown_whole():
    table = sources_table([SourcedValue("Revenue", 15_673, "EUR m", "reported", LONG)] * 80)
    assert isinstance(table, WholeFrame) and table.shape == (80, 5)
    assert not _cut(table._repr_html_()) and table._repr_html_().count(LONG) == 80
    frame = pd.DataFrame({"aov": [57.5], "source": [LONG]})
    frame.attrs["currency"] = "USD"
    shown = labelled(frame)
    assert isinstance(shown, WholeFrame) and not _cut(shown._repr_html_())
    assert list(shown.columns) == ["Average order value (USD)", "Source"]
    assert shown.attrs["currency"] == "USD" and shown.iloc[0, 0] == 57.5
    assert not isinstance(labelled(pd.Series([1.0], name="aov")), pd.DataFrame)


def test_a_frame_of_data_still_shows_only_its_head_and_tail():
    from valuelab.core.display import MAX_WHOLE_ROWS

    big = WholeFrame({"source": [LONG] * (MAX_WHOLE_ROWS + 1)})
    html = big._repr_html_()
    assert f"{MAX_WHOLE_ROWS + 1} rows" in html and html.count(LONG) < 100
    assert "…" not in html.replace("<td>...</td>", "") and LONG in html, "cells still whole"
