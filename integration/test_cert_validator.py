"""The TLS certificate validator kind through a real Envoy 1.40 with 4 workers:
cert_spki_pin pins certificates by the SHA-256 of their SubjectPublicKeyInfo,
in both directions, on certificates this test makes with openssl (a CA and
two leaves it signed, `pinned` and `other`):

- downstream (mutual TLS on a listener): the pinned client gets in over
  HTTP/1.1 and HTTP/2; `other`, just as valid a child of the same CA, is
  refused with the alert bad_certificate, which the client (curl) sees, while Envoy
  counts it (ssl.fail_verify_error) and logs the leaf's own pin; the pinned
  certificate sent as an intermediate behind `other` proves nothing; bytes
  that are not TLS, or a handshake cut short, leave Envoy serving;
- upstream (Envoy as TLS client): a cluster to a server with the pinned key
  answers, the same cluster config towards `other`'s server answers 503, and
  Envoy counts and logs the unpinned key.

Also the cert validator half of the validate matrix: bad configs are refused
by `envoy --mode validate` with one line naming module, kind, validator and
problem. About 3 s in all."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
from pathlib import Path

import pytest

import kinds
import ports
import tls_upstream
from client import request
from harness import processes

DOWN = ports.CERT_TEST_LISTENERS["downstream"]
UP_PINNED = ports.CERT_TEST_LISTENERS["upstream_pinned"]
UP_OTHER = ports.CERT_TEST_LISTENERS["upstream_other"]
ADMIN = ports.CERT_TEST_ADMIN


def pinned_cluster(name: str, port: int, pins: list[str]) -> dict:
    return kinds.tls_cluster(name, port, kinds.validation_context("cert_spki_pin", {"pins": pins}))


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:
    return kinds.make_pki(tmp_path_factory.mktemp("cert-pki"))


@pytest.fixture(scope="module")
def side_servers(pki):
    made = [
        tls_upstream.serve(
            ports.CERT_UPSTREAMS[name], name, pki[name].with_suffix(".crt"), pki[name].with_suffix(".key")
        )
        for name in ("pinned", "other")
    ]
    yield
    for server in made:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def cert_envoy(pki, side_servers, logs_dir, tmp_path_factory):
    pin = kinds.spki_pin(pki["pinned"].with_suffix(".crt"))
    config = kinds.bootstrap(
        [
            kinds.mtls_listener(DOWN, pki, kinds.validation_context("cert_spki_pin", {"pins": [pin]})),
            # Plain HTTP in, TLS to a side server out.
            kinds.http_listener_to(UP_PINNED, "cert_pinned"),
            kinds.http_listener_to(UP_OTHER, "cert_other"),
        ],
        ADMIN,
    )
    config["static_resources"]["clusters"] += [
        pinned_cluster("cert_pinned", ports.CERT_UPSTREAMS["pinned"], [pin]),
        pinned_cluster("cert_other", ports.CERT_UPSTREAMS["other"], [pin]),
    ]
    path = tmp_path_factory.mktemp("cert-validator") / "cv.json"
    path.write_text(json.dumps(config))
    envoy = processes.start_envoy(
        logs_dir,
        config=path,
        admin_port=ADMIN,
        base_id=ports.BASE_ID["cert_validator"],
        name="envoy-cert",
        # Envoy logs a refusal's reason at debug level, under dynamic_modules.
        extra_args=["--component-log-level", "dynamic_modules:debug"],
    )
    yield envoy
    code = envoy.stop()
    assert code == 0, f"envoy exited with {code}\n{envoy.log()[-3000:]}"


def mtls_get(port: int, cert: Path | None, key: Path | None, *extra: str) -> tuple[int, str, str]:
    """One GET by curl over TLS with this client certificate (or none): its
    exit code, the body and what it says on stderr (a refusal names the
    alert: `alert bad certificate`)."""
    argv = ["curl", "-sSk", *extra, f"https://127.0.0.1:{port}/"]
    if cert is not None:
        argv[1:1] = ["--cert", str(cert), "--key", str(key)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    return done.returncode, done.stdout, done.stderr


# A refusal reaches a TLS 1.2 client inside the handshake, so curl always
# reads the alert; a TLS 1.3 client may already be sending its request when
# the alert comes, and then sees only a broken pipe.
TLS12 = ("--tls-max", "1.2")


def stat(name: str) -> int:
    return kinds.stats(admin_port=ADMIN).get(name, 0)


def test_the_pinned_client_gets_in_over_http1_and_http2(cert_envoy, pki):
    crt, key = pki["pinned"].with_suffix(".crt"), pki["pinned"].with_suffix(".key")
    # Enough connections that every one of the 4 workers judges some.
    for version in ["--http1.1"] * 7 + ["--http2"]:
        assert mtls_get(DOWN, crt, key, version, "-w", " %{http_version}") == (0, "pinned in\n " + version[6:], "")


def test_another_certificate_of_the_same_ca_is_refused_visibly(cert_envoy, pki):
    before = stat(f"listener.127.0.0.1_{DOWN}.ssl.fail_verify_error")
    code, _, said = mtls_get(DOWN, pki["other"].with_suffix(".crt"), pki["other"].with_suffix(".key"), *TLS12)
    assert code != 0 and "alert bad certificate" in said, (code, said)
    assert stat(f"listener.127.0.0.1_{DOWN}.ssl.fail_verify_error") == before + 1
    other_pin = kinds.spki_pin(pki["other"].with_suffix(".crt"))
    assert f"verify cert failed: cert_spki_pin: leaf key {other_pin} is not pinned" in cert_envoy.log()


def test_the_pinned_certificate_as_an_intermediate_proves_nothing(cert_envoy, pki):
    code, _, said = mtls_get(DOWN, pki["other+pinned"], pki["other"].with_suffix(".key"), *TLS12)
    assert code != 0 and "alert bad certificate" in said, (code, said)


def test_no_client_certificate_is_refused(cert_envoy):
    code, _, said = mtls_get(DOWN, None, None, *TLS12)
    assert code != 0 and "alert" in said, (code, said)


def test_garbage_and_cut_handshakes_leave_envoy_serving(cert_envoy, pki):
    hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32)
    for junk in (b"\x00" * 512, b"GET / HTTP/1.1\r\n\r\n", hello, hello[:7]):
        with socket.create_connection(("127.0.0.1", DOWN), timeout=5) as raw:
            raw.sendall(junk)
    crt, key = pki["pinned"].with_suffix(".crt"), pki["pinned"].with_suffix(".key")
    assert mtls_get(DOWN, crt, key) == (0, "pinned in\n", "")
    assert cert_envoy.proc.poll() is None


def test_an_upstream_with_the_pinned_key_answers_and_another_gets_503(cert_envoy, pki):
    good = request(UP_PINNED, "/")
    assert (good.status, good.body) == (200, b"Hello from TLS upstream pinned\n")
    bad = request(UP_OTHER, "/")
    other_pin = kinds.spki_pin(pki["other"].with_suffix(".crt"))
    assert bad.status == 503 and b"remote connection failure" in bad.body, bad.body
    assert f"verify cert failed: cert_spki_pin: leaf key {other_pin} is not pinned" in cert_envoy.log()
    assert stat("cluster.cert_other.ssl.fail_verify_error") >= 1
    assert stat("cluster.cert_pinned.ssl.fail_verify_error") == 0


# The validate matrix's cert validator rows: (case, config (raw JSON), what the line says).
BAD_CONFIGS = [
    ("no_pins", '{"pins": []}', "pins must hold 1 to 64 pins, got 0"),
    ("short_pin", '{"pins": ["sha256//AAAA"]}', "is 3 bytes, not a SHA-256 (32)"),
    ("not_base64", '{"pins": ["sha256//%%%"]}', "is not base64"),
    ("unknown_field", '{"pins": ["x"], "mode": "strict"}', "unknown field `mode`"),
    ("not_json", "sha256//AAAA", "expected a JSON object"),
]


def validator_bootstrap(validator_name: str, raw: str) -> dict:
    """No listener, one cluster whose TLS context names a rust_module validator (for validate)."""
    config = kinds.bootstrap([])
    cluster = pinned_cluster("cert_scratch", ports.CERT_UPSTREAMS["pinned"], [])
    context = cluster["transport_socket"]["typed_config"]["common_tls_context"]["validation_context"]
    typed = context["custom_validator_config"]["typed_config"]
    typed["validator_name"] = validator_name
    typed["validator_config"] = kinds.filter_config(raw=raw)
    config["static_resources"]["clusters"].append(cluster)
    return config


@pytest.mark.parametrize("case,raw,why", BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_cert_validator_configs_are_refused_with_one_line(tmp_path, case, raw, why):
    path = tmp_path / f"{case}.json"
    path.write_text(json.dumps(validator_bootstrap("cert_spki_pin", raw)))
    code, lines, out = kinds.refusal_lines(path, "cert validator", "cert_spki_pin")
    assert code != 0, out[-2000:]
    assert len(lines) == 1 and why in lines[0], lines or out[-2000:]


def test_an_unknown_validator_name_is_refused_with_one_line(tmp_path):
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(validator_bootstrap("cert_nope", '{"pins": ["x"]}')))
    code, lines, out = kinds.refusal_lines(path, "cert validator", "cert_nope")
    assert code != 0, out[-2000:]
    assert len(lines) == 1 and "unknown filter name" in lines[0] and "cert_spki_pin" in lines[0], lines or out[-2000:]


def test_a_good_cert_validator_config_validates(tmp_path):
    path = tmp_path / "good.json"
    raw = json.dumps({"pins": ["sha256//" + base64.b64encode(bytes(32)).decode()]})
    path.write_text(json.dumps(validator_bootstrap("cert_spki_pin", raw)))
    code, out = processes.validate(path)
    assert code == 0, out[-2000:]


def test_the_lab_pins_the_committed_client_key():
    # envoy.yaml's 1150 pins integration/certs/cert_spki_pin/pinned.crt's key,
    # and not other.crt's (the try line of the README uses them).
    lab = processes.ROOT / "envoy.yaml"
    certs = processes.ROOT / "integration" / "certs" / "cert_spki_pin"
    text = lab.read_text()
    assert kinds.spki_pin(certs / "pinned.crt") in text
    assert kinds.spki_pin(certs / "other.crt") not in text
