// The panic barrier. A Go panic that unwinds out of an //export function into
// Envoy's C++ frames kills the process, so every hook that runs filter code
// runs it through guard: the panic stops here and is logged once through
// Envoy, and the hook's body (body.go) fails closed as docs/CONTRACT.md says.
// Mirrors rust/sdk/src/barrier.rs.
//
// recover() cannot stop what is not a panic: a fatal runtime error (concurrent
// map writes, out of memory) still ends the process. Nor can it stop a panic
// in a goroutine the filter started: recover only sees panics of its own
// goroutine, and an unrecovered panic in any goroutine ends the process (all
// of Envoy). Such a goroutine must defer its own recover; docs/CONTRACT.md
// says so, and goroutine_panic_test.go records it.

package sdk

// guard runs body and reports whether it returned normally. A panic stops
// here and is logged once, at error level, as "{context}: panicked: {message}";
// the caller then fails closed. context is called only on a panic.
func guard(context func() string, body func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			logf(logError, "%s: panicked: %v", context(), r)
		}
	}()
	body()
	return true
}
