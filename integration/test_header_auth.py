"""header_auth through a real Envoy: 1069 (presence, JSON config), and a
listener per config form: a required value list, the JSON string Envoy Gateway
sends for a string `config`, and the lab's raw text."""

import json

import pytest

import configs
from client import request
from harness import processes

BASE = 19690
ADMIN = 19699
FORMS = {
    # Envoy Gateway sends the JSON encoding of `config` as a StringValue.
    "values": json.dumps({"header": "x-auth", "mode": "values", "values": ["s3cret", "other-token"]}),
    "json_string": json.dumps("x-auth"),
    "raw_text": "x-auth",
}
PORTS = {form: BASE + i for i, form in enumerate(FORMS)}


def test_lab_listener_requires_presence(envoy):
    resp = request(1069, "/")
    assert (resp.status, resp.body) == (401, b"Unauthorized")
    assert request(1069, "/", headers=[("x-auth", "token")]).status == 200
    deferred = request(1069, "/", headers=[("x-auth", "on_response_headers")])
    assert (deferred.status, deferred.body) == (401, b"Unauthorized")


@pytest.fixture(scope="module")
def forms(upstream, logs_dir, tmp_path_factory):
    listeners = [
        configs.listener(f"auth_{form}", PORTS[form], [configs.module_filter("rust_module", "header_auth", raw=text)])
        for form, text in FORMS.items()
    ]
    path = configs.write(tmp_path_factory.mktemp("auth") / "forms.json", configs.bootstrap(listeners, ADMIN))
    envoy = processes.start_envoy(logs_dir, config=path, admin_port=ADMIN, base_id=33, name="envoy-header-auth")
    yield envoy
    assert envoy.stop() == 0


def test_values_mode_lets_only_the_configured_values_through(forms):
    port = PORTS["values"]
    assert request(port, "/", headers=[("x-auth", "s3cret")]).status == 200
    assert request(port, "/", headers=[("x-auth", "other-token")]).status == 200
    for wrong in ("token", "s3cre", "s3cret!", "S3CRET"):
        resp = request(port, "/", headers=[("x-auth", wrong)])
        assert (resp.status, resp.body) == (401, b"Unauthorized"), wrong
    assert request(port, "/").status == 401


@pytest.mark.parametrize("form", ["json_string", "raw_text"])
def test_short_forms_mean_presence(forms, form):
    assert request(PORTS[form], "/").status == 401
    assert request(PORTS[form], "/", headers=[("x-auth", "anything")]).status == 200
