"""Recorded figures: written by record() into a cell's output, read back by name."""

import json

import IPython.display
import nbformat
import numpy as np
import pytest

from valuelab.reports.records import MIME_TYPE, drop_records, read_records, record


@pytest.fixture
def shown(monkeypatch):
    """What record() displays, captured instead of sent to a kernel."""
    sent = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: sent.append((obj, raw)))
    return sent


def _notebook(*bundles, other=None):
    nb = nbformat.v4.new_notebook()
    outputs = [nbformat.v4.new_output("display_data", data=b) for b in bundles]
    if other is not None:
        outputs.append(other)
    nb.cells.append(nbformat.v4.new_code_cell("record(...)", outputs=outputs))
    nb.cells.append(nbformat.v4.new_markdown_cell("text"))
    return nb


def test_record_displays_the_value_under_its_mime_type_and_shows_no_key(shown):
    record("pool_eur_m", np.float64(6445.333333))
    record("tiers", {"top 10": np.int64(3), "tail": float("nan")})
    (first, raw), (second, _) = shown
    assert raw is True
    assert first[MIME_TYPE] == {"name": "pool_eur_m", "value": 6445.333333}
    assert first["text/plain"] == ""  # a key is for code: the lesson says the figure in words
    assert second[MIME_TYPE]["value"] == {"top 10": 3, "tail": None}  # NaN becomes null
    assert type(second[MIME_TYPE]["value"]["top 10"]) is int  # NumPy scalars become Python


def test_record_refuses_what_json_cannot_carry(shown):
    with pytest.raises(TypeError, match="not ndarray"):
        record("table", np.arange(3))
    assert shown == []


def test_read_records_by_name_the_last_one_wins(tmp_path, shown):
    record("n", 1)
    record("label", "a")
    record("n", [1, 2])
    stream = nbformat.v4.new_output("stream", name="stdout", text="hello")
    nb = _notebook(*(bundle for bundle, _ in shown), other=stream)
    assert read_records(nb) == {"n": [1, 2], "label": "a"}
    path = tmp_path / "run.ipynb"
    nbformat.write(nb, str(path))
    assert read_records(path) == read_records(str(path)) == {"n": [1, 2], "label": "a"}


def test_a_payload_stored_as_json_text_is_read_too():
    nb = _notebook({MIME_TYPE: json.dumps({"name": "x", "value": 2.5}), "text/plain": "x = 2.5"})
    assert read_records(nb) == {"x": 2.5}
    assert read_records(nbformat.v4.new_notebook()) == {}


def test_drop_records_keeps_every_other_output(shown):
    record("n", 1)
    stream = nbformat.v4.new_output("stream", name="stdout", text="hello")
    nb = _notebook(shown[0][0], other=stream)
    assert drop_records(nb) is nb  # in place
    assert [o.output_type for o in nb.cells[0].outputs] == ["stream"]
    assert read_records(nb) == {}
