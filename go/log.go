// Logging through Envoy, so module lines land in Envoy's log with its format,
// level filter and [dynamic_modules] tag. Mirrors rust/sdk/src/log.rs.

package main

/*
#include "abi.h"
*/
import "C"

import (
	"fmt"
	"runtime"
)

// logEnabled and logWrite reach Envoy. Unit tests replace them (as the Rust
// SDK's "testing" feature does) because a test binary has no Envoy to call.
var (
	logEnabled = envoyLogEnabled
	logWrite   = envoyLogWrite
)

// logf writes one line at level, tagged with the caller's source location. It
// formats only when Envoy would write the line.
func logf(level LogLevel, format string, args ...any) {
	if !logEnabled(level) {
		return
	}
	_, file, line, _ := runtime.Caller(1)
	logWrite(level, fmt.Sprintf(format, args...), file, line)
}

// envoyLogEnabled reports whether Envoy would write a line at level.
func envoyLogEnabled(level LogLevel) bool {
	return bool(C.envoy_dynamic_module_callback_log_enabled(C.enum_envoy_dynamic_module_type_log_level(level)))
}

// envoyLogWrite hands one line to Envoy, which copies it during the call.
func envoyLogWrite(level LogLevel, message, file string, line int) {
	C.envoy_dynamic_module_callback_log_v2(C.enum_envoy_dynamic_module_type_log_level(level),
		moduleBuffer(message), moduleBuffer(file), C.uint32_t(line))
}
