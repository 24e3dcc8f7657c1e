package sdk

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
		value := table.get(unsafe.Pointer(s))
		if *value != string(rune('a'+i%26)) || uint32(s.index) != uint32(i) {
			t.Fatalf("slot %d: %q index %d", i, *value, s.index)
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

func TestSlotTableRefusesPastItsLimit(t *testing.T) {
	table := slotTable[string]{limit: 2}
	a, _ := table.add()
	if b, _ := table.add(); a == nil || b == nil {
		t.Fatal("a table of 2 refused its first two slots")
	}
	if s, value := table.add(); s != nil || value != nil {
		t.Errorf("the third slot of a table of 2: %p", s)
	}
	if got := table.live.Load(); got != 2 {
		t.Errorf("live = %d, want 2", got)
	}
	table.release(unsafe.Pointer(a))
	if got := table.live.Load(); got != 1 {
		t.Errorf("after a release, live = %d, want 1", got)
	}
	if s, _ := table.add(); s != a {
		t.Errorf("a released slot is not reused at the limit: %p", s)
	}
}

func TestModuleStringsLiveInCMemory(t *testing.T) {
	s := NewModuleString("x-request-set")
	if s != "x-request-set" || string(ModuleStringBytes(s)) != s {
		t.Errorf("got %q", s)
	}
	FreeModuleString(s)
	if NewModuleString("") != "" {
		t.Error("empty string")
	}
}
