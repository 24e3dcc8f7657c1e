package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// init set the collector's pacing and the memory limit, unless the operator
// chose them (GOGC, GOMEMLIMIT in the environment).
func TestInitSetsTheCollectorPacingUnlessTheOperatorDid(t *testing.T) {
	if os.Getenv("GOGC") == "" {
		if got := debug.SetGCPercent(gcPercent); got != gcPercent {
			t.Errorf("GC percent = %d, want %d", got, gcPercent)
		}
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if got := debug.SetMemoryLimit(-1); got != memoryLimit {
			t.Errorf("memory limit = %d, want %d", got, memoryLimit)
		}
	}
}
