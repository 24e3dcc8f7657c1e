// Logging through Envoy, so module lines land in Envoy's log with its format,
// level filter and [dynamic_modules] tag. Mirrors rust/sdk/src/log.rs.
//
// envoy_dynamic_module_callback_log_v2 (with the source location) exists only
// since Envoy 1.40, and Envoy 1.38/1.39 refuse to load a module that imports
// it. So it is never linked: program_init looks it up once with dlsym, and
// lines go through it when Envoy has it, else through log, which every
// supported Envoy has.

package sdk

/*
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include "abi.h"

// typeof only names the declaration's type; it makes no reference to the
// symbol, so abi.h still checks the signature and nm shows no import.
static __typeof__(envoy_dynamic_module_callback_log_v2)* dm_log_v2;

// The callbacks looked up here, each with the first Envoy release exporting it
// (as rust/sdk/src/since.rs; integration/test_compat.py checks both against
// every listed Envoy's exports).
static const char* const dm_since[][2] = {
    {"envoy_dynamic_module_callback_log_v2", "1.40.0"},
    {"envoy_dynamic_module_callback_is_validation_mode", "1.38.0"},
};

static void dm_log_init(void) {
  dm_log_v2 = (__typeof__(dm_log_v2))dlsym(RTLD_DEFAULT, dm_since[0][0]);
}

// The ABI version program_init reports, told from the newest callback Envoy
// exports: v0.2.0 with log_v2 (1.40), v0.1.0 with is_validation_mode (1.38,
// 1.39), else 1.37's SHA-256, which its loader compares byte for byte.
static const char* dm_abi_version(void) {
  if (dm_log_v2 != NULL) return ENVOY_DYNAMIC_MODULES_ABI_VERSION;
  if (dlsym(RTLD_DEFAULT, dm_since[1][0]) != NULL) return ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION;
  return ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37;
}

static void dm_log(envoy_dynamic_module_type_log_level level,
                   envoy_dynamic_module_type_module_buffer message,
                   envoy_dynamic_module_type_module_buffer file, uint32_t line) {
  if (dm_log_v2 != NULL) {
    dm_log_v2(level, message, file, line);
  } else {
    envoy_dynamic_module_callback_log(level, message);
  }
}
*/
import "C"

import (
	"fmt"
	"runtime"
)

// abiVersion is what program_init reports, after logInit: the running Envoy's
// ABI version (see docs/COMPAT.md). A C string constant, alive for the process.
func abiVersion() *C.char { return C.dm_abi_version() }

// LogLevel is the severity of a log line: Envoy's levels.
type LogLevel uint32

const (
	LogTrace    LogLevel = C.envoy_dynamic_module_type_log_level_Trace
	LogDebug    LogLevel = C.envoy_dynamic_module_type_log_level_Debug
	LogInfo     LogLevel = C.envoy_dynamic_module_type_log_level_Info
	LogWarn     LogLevel = C.envoy_dynamic_module_type_log_level_Warn
	LogError    LogLevel = C.envoy_dynamic_module_type_log_level_Error
	LogCritical LogLevel = C.envoy_dynamic_module_type_log_level_Critical
)

// The SDK's own names for the two levels it writes.
type logLevel = LogLevel

const (
	logInfo  = LogInfo
	logError = LogError
)

// logEnabled and logWrite reach Envoy. Unit tests replace them (as the Rust
// SDK's "testing" feature does) because a test binary has no Envoy to call.
var (
	logEnabled = envoyLogEnabled
	logWrite   = envoyLogWrite
)

// logInit resolves the version-dependent log callback; program_init calls it
// before the module's first line.
func logInit() {
	C.dm_log_init()
}

// logf writes one line at level, tagged with the caller's source location. It
// formats only when Envoy would write the line.
func logf(level logLevel, format string, args ...any) {
	if !logEnabled(level) {
		return
	}
	_, file, line, _ := runtime.Caller(1)
	logWrite(level, fmt.Sprintf(format, args...), file, line)
}

// Logf writes one line to Envoy's log at level, tagged with the caller's
// source location. It formats only when Envoy would write the line.
func Logf(level LogLevel, format string, args ...any) {
	if !logEnabled(level) {
		return
	}
	_, file, line, _ := runtime.Caller(1)
	logWrite(level, fmt.Sprintf(format, args...), file, line)
}

// LogEnabled reports whether Envoy would write a line at level: check it
// before building a message that Logf's format cannot build lazily.
func LogEnabled(level LogLevel) bool {
	return logEnabled(level)
}

// CaptureLogs sends every line to sink instead of Envoy until the returned
// function restores Envoy; for unit tests, whose binary has no Envoy to call
// (sdktest.CaptureLogs wraps it). sink may be called from several goroutines.
func CaptureLogs(sink func(level LogLevel, message string)) (restore func()) {
	enabled, write := logEnabled, logWrite
	logEnabled = func(LogLevel) bool { return true }
	logWrite = func(level LogLevel, message, _ string, _ int) { sink(level, message) }
	return func() { logEnabled, logWrite = enabled, write }
}

// envoyLogEnabled reports whether Envoy would write a line at level.
func envoyLogEnabled(level logLevel) bool {
	return bool(C.envoy_dynamic_module_callback_log_enabled(C.enum_envoy_dynamic_module_type_log_level(level)))
}

// envoyLogWrite hands one line to Envoy, which copies it during the call.
func envoyLogWrite(level logLevel, message, file string, line int) {
	C.dm_log(C.envoy_dynamic_module_type_log_level(level),
		moduleBuffer(message), moduleBuffer(file), C.uint32_t(line))
}
