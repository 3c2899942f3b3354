"""The app's starting state from the page URL."""

from valuelab.apps import kit


def test_url_query_values_are_coerced_to_the_defaults_types(monkeypatch):
    defaults = {"customer_id": "C001", "weeks": 4, "share": 0.5, "detail": False}
    monkeypatch.setenv("QUERY_STRING", "customer_id=C042&weeks=6&share=0.25&detail=yes&x=1")
    assert kit.url_params(defaults) == {
        "customer_id": "C042",
        "weeks": 6,
        "share": 0.25,
        "detail": True,
    }
    found, problems = kit.parse_query("weeks=6.5&share=abc", defaults)
    assert found == {}
    assert problems == ["weeks='6.5' is not a valid int", "share='abc' is not a valid float"]
    monkeypatch.delenv("QUERY_STRING")
    assert kit.url_params(defaults) == defaults
