"""access_logger on 1062 through a real Envoy: file mode set explicitly,
credentials redacted, a symlink at the log path refused, rotation by rename
losing nothing, and the drop counter exported."""

import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import configs
from client import request
from harness import processes

UMASK_022 = ["sh", "-c", 'umask 022; exec "$@"', "umask"]


def lines(path):
    text = path.read_text()
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def start(logs_dir, cwd, name, base_id, wrapper=None):
    return processes.start_envoy(logs_dir, base_id=base_id, name=name, cwd=cwd, wrapper=wrapper)


# Under umask 022 a new file gets 0640 from open(2)'s mode alone, so a test of a
# new file could not fail. A file already there with mode 0666 keeps it unless
# the module sets the mode itself.
def test_file_mode_is_set_explicitly_under_umask_022(upstream, logs_dir, tmp_path):
    log = tmp_path / "access_logs" / "access_log_0.log"
    log.parent.mkdir()
    log.write_text("")
    os.chmod(log, 0o666)
    envoy = start(logs_dir, tmp_path, "envoy-access-mode", 24, wrapper=UMASK_022)
    try:
        assert request(1062, "/").status == 200
    finally:
        assert envoy.stop() == 0
    assert oct(log.stat().st_mode & 0o777) == oct(0o640)


def test_credentials_are_redacted(upstream, logs_dir, tmp_path):
    envoy = start(logs_dir, tmp_path, "envoy-access-redact", 25)
    try:
        resp = request(
            1062,
            "/response-headers?set-cookie=session%3Dserver",
            headers=[
                ("authorization", "Bearer client-secret"),
                ("cookie", "session=client"),
                ("proxy-authorization", "Basic cHJveHk="),
                ("x-visible", "kept"),
            ],
        )
        assert resp.status == 200
    finally:
        assert envoy.stop() == 0
    raw = (tmp_path / "access_logs" / "access_log_0.log").read_text()
    for secret in ("client-secret", "session=client", "cHJveHk=", "session=server"):
        assert secret not in raw, raw
    entry = lines(tmp_path / "access_logs" / "access_log_0.log")[0]
    request_headers = dict(entry["request_headers"])
    assert request_headers["authorization"] == "[REDACTED]"
    assert request_headers["cookie"] == "[REDACTED]"
    assert request_headers["x-visible"] == "kept"
    assert dict(entry["response_headers"])["set-cookie"] == "[REDACTED]"


def test_a_symlink_at_the_log_path_is_refused(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("")
    (tmp_path / "access_log_0.log").symlink_to(target)
    path = configs.write(
        tmp_path / "symlink.json",
        configs.bootstrap(
            [
                configs.listener(
                    "al",
                    19000,
                    [configs.module_filter("rust_module", "access_logger", raw=json.dumps({"dirname": str(tmp_path)}))],
                )
            ],
            19001,
        ),
    )
    code, out = processes.validate(path)
    assert code > 0, out[-2000:]
    errors = [line for line in out.splitlines() if "rust_module: filter 'access_logger'" in line and "[error]" in line]
    assert len(errors) == 1, out[-3000:]
    assert "it is a symbolic link, and log files are opened with O_NOFOLLOW" in errors[0], errors[0]
    assert target.read_text() == ""


def test_rotation_by_rename_under_load_loses_nothing(upstream, logs_dir, tmp_path):
    log = tmp_path / "access_logs" / "access_log_0.log"
    rotated = log.with_name("access_log_0.log.1")
    envoy = start(logs_dir, tmp_path, "envoy-access-rotate", 26)
    n, sent = 1500, []
    try:

        def one(i):
            assert request(1062, f"/uuid?i={i}").status == 200
            sent.append(i)

        def rotate():
            while len(sent) < n // 3:
                time.sleep(0.005)
            log.rename(rotated)  # what logrotate does by default

        rotator = threading.Thread(target=rotate)
        rotator.start()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(one, range(n)))
        rotator.join()
        stats = request(processes.ADMIN_PORT, r"/stats?filter=custom\.access_log_dropped").body.decode()
    finally:
        code = envoy.stop(signal.SIGTERM)
    assert code == 0, envoy.log()[-3000:]
    before, after = lines(rotated), lines(log)
    print(f"rotation: {n} requests, {len(before)} lines before the rename, {len(after)} after")
    assert before and after, (len(before), len(after))
    paths = sorted(e["path"] for e in before + after)
    assert paths == sorted(f"/uuid?i={i}" for i in range(n))
    assert oct(log.stat().st_mode & 0o777) == oct(0o640)
    # Nothing was dropped, and the counter that would say so is exported.
    assert stats.strip() == "dynamicmodulescustom.access_log_dropped_lines_total: 0", stats
