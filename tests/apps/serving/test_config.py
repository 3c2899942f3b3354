"""``valuelab serve``'s settings: a YAML file, flags over it, the operator's sources checked."""

import pytest

from valuelab.apps.serving import ServeConfig, load_config, parse_source
from valuelab.core import shipped
from valuelab.core.errors import InputError


@pytest.fixture
def data(tmp_path):
    (tmp_path / "eu.csv").write_text("account_id,arr_eur\nA1,10\n", encoding="utf-8")
    (tmp_path / "us.csv").write_text("account_id,arr_eur\nB1,20\n", encoding="utf-8")
    return tmp_path


def test_flags_override_the_file_and_sources_are_read_from_its_folder(data, monkeypatch):
    config = data / "serve.yaml"
    config.write_text(
        "host: 0.0.0.0\nmax_kernels: 10\npublic_url: https://apps.example.com/\n"
        "sources:\n  - {name: EU accounts, source: eu.csv}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(data)
    loaded = load_config(config, source=["US accounts=us.csv"], max_kernels=12, port=None)
    assert loaded.host == "0.0.0.0" and loaded.max_kernels == 12 and loaded.port == 8866
    assert loaded.public_url == "https://apps.example.com/"
    assert loaded.sources == {
        "EU accounts": str(data / "eu.csv"),
        "US accounts": str(data / "us.csv"),
    }
    mapping = data / "mapping.yaml"
    mapping.write_text("sources:\n  EU accounts: eu.csv\n", encoding="utf-8")
    assert load_config(mapping).sources == {"EU accounts": str(data / "eu.csv")}
    # the defaults: loopback, no sources, the course's own apps from any folder
    assert load_config(None) == ServeConfig(apps=str(shipped("apps")))
    assert ServeConfig().max_kernels == 24 and ServeConfig().client_kernels == 4


def test_a_source_is_a_name_and_a_target(tmp_path):
    assert parse_source(" EU = @warehouse ") == ("EU", "@warehouse")
    assert parse_source("EU=data/eu.csv", tmp_path) == ("EU", str(tmp_path / "data/eu.csv"))
    assert parse_source("EU=/srv/eu.csv", tmp_path) == ("EU", "/srv/eu.csv")
    assert parse_source("PG=postgresql://u@h/db", tmp_path)[1] == "postgresql://u@h/db"
    for bad in ["EU", "=x.csv", "EU="]:
        with pytest.raises(InputError, match="NAME=PATH or NAME=@connection"):
            parse_source(bad)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hosts: 0.0.0.0\n", "unknown setting 'hosts'"),
        ("- 1\n", "not a mapping of settings"),
        ("sources: eu.csv\n", "a list of {name, source} or a mapping"),
        ("sources:\n  - {name: A, source: eu.csv}\n  - {name: A, source: eu.csv}\n", "named twice"),
        ("sources:\n  A: missing.csv\n", "no such file or named connection"),
        ("sources:\n  '<b>x</b>': eu.csv\n", "a source's name"),
        ("max_kernels: 0\n", "max_kernels=0"),
        ("max_memory_mb: -1\n", "max_memory_mb=-1"),
        ("certfile: c.pem\n", "certfile and keyfile go together"),
        ("public_url: apps.example.com\n", "public_url"),
        ("key: [unclosed\n", "cannot read"),
    ],
)
def test_bad_settings_are_named(data, text, message):
    path = data / "serve.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_config(path)


def test_an_unknown_connection_is_refused_before_the_server_starts(tmp_path, monkeypatch):
    connections = tmp_path / "connections.yaml"
    connections.write_text("warehouse: {url: 'duckdb:///x.duckdb', table: t}\n", encoding="utf-8")
    monkeypatch.setenv("VALUELAB_CONNECTIONS", str(connections))
    assert load_config(None, source=["W=@warehouse"]).sources == {"W": "@warehouse"}
    with pytest.raises(InputError, match="did you mean 'warehouse'"):
        load_config(None, source=["W=@warehous"])
