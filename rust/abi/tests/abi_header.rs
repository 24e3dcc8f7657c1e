//! abi/abi.h is generated from this crate and committed. This test regenerates it
//! and fails when the committed file differs, so the header can never go stale.
//! `UPDATE_ABI_HEADER=1 cargo test -p envoy-dm-abi --test abi_header` (or
//! `make abi`) writes the new header instead.

use std::path::PathBuf;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn committed_header() -> PathBuf {
    crate_dir().join("../../abi/abi.h")
}

fn generate() -> String {
    let config = cbindgen::Config::from_file(crate_dir().join("cbindgen.toml"))
        .expect("cbindgen.toml parses");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir())
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

#[test]
fn committed_header_is_fresh() {
    let generated = generate();
    let path = committed_header();
    if std::env::var_os("UPDATE_ABI_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write abi/abi.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "abi/abi.h is stale: run `make abi` and commit the result"
    );
}

#[test]
fn header_and_crate_agree_on_the_abi_version() {
    let header = generate();
    let version = envoy_dm_abi::ENVOY_DYNAMIC_MODULES_ABI_VERSION
        .to_str()
        .unwrap();
    let define = format!("#define ENVOY_DYNAMIC_MODULES_ABI_VERSION \"{version}\"");
    assert!(
        header.contains(&define),
        "cbindgen.toml's after_includes must say {define}"
    );
}

#[test]
fn header_and_crate_agree_on_the_oldest_abi_version() {
    let header = generate();
    let version = envoy_dm_abi::ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION
        .to_str()
        .unwrap();
    let define = format!("#define ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION \"{version}\"");
    assert!(
        header.contains(&define),
        "cbindgen.toml's after_includes must say {define}"
    );
}

#[test]
fn header_and_crate_agree_on_envoy_1_37s_abi_hash() {
    let header = generate();
    let version = envoy_dm_abi::ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37
        .to_str()
        .unwrap();
    let define = format!("#define ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37 \"{version}\"");
    assert!(
        header.contains(&define),
        "cbindgen.toml's after_includes must say {define}"
    );
}
