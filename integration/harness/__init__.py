"""The lab harness, by layer: processes.py starts and stops Envoy and any
child process and waits for them; servers.py starts the side servers the
listeners lead to (echo upstream, Redis, TLS upstreams, DNS, auth service).
integration/lab.py composes them into the lab `make up` serves. Imports go one
way only: lab -> servers -> processes (test_import_cycles.py checks)."""
