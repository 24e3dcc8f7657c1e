//go:build race

package main

// raceEnabled says the race detector is compiled in (go test -race), whose
// instrumentation allocates on its own: allocation counts mean nothing then.
const raceEnabled = true
