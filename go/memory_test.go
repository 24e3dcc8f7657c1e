package main

import (
	"testing"
	"unsafe"
)

func TestSlotTableHandsOutCAddressesAndReusesThem(t *testing.T) {
	var table slotTable[string]
	var held []*slot
	for i := range slotChunkLen + 3 { // across a chunk boundary
		s, value := table.add()
		*value = string(rune('a' + i%26))
		held = append(held, s)
	}
	for i, s := range held {
		got, value := table.get(unsafe.Pointer(s))
		if got != s || *value != string(rune('a'+i%26)) || uint32(s.index) != uint32(i) {
			t.Fatalf("slot %d: %p %q index %d", i, got, *value, s.index)
		}
	}
	table.release(unsafe.Pointer(held[5]))
	if s, value := table.add(); s != held[5] || *value != "" {
		t.Errorf("a released slot is reused, zeroed: got %p %q", s, *value)
	}
	if table.made != slotChunkLen+3 {
		t.Errorf("made %d slots", table.made)
	}
}

func TestModuleStringsLiveInCMemory(t *testing.T) {
	s := newModuleString("x-request-set")
	if s != "x-request-set" || string(moduleStringBytes(s)) != s {
		t.Errorf("got %q", s)
	}
	freeModuleString(s)
	if newModuleString("") != "" {
		t.Error("empty string")
	}
}
