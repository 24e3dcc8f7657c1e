package sdk

import (
	"reflect"
	"testing"
)

// The C copy holds the same operations, in order, with every byte of every
// name and value, and empty values as empty buffers.
func TestHeaderBatchCopiesEveryOperationIntoCMemory(t *testing.T) {
	ops := []HeaderOp{
		{Kind: HeaderOpRemove, Name: "x-gone"},
		{Kind: HeaderOpSet, Name: "x-a", Value: []byte("1")},
		{Kind: HeaderOpSet, Name: "x-long", Value: make([]byte, 4096)},
		{Kind: HeaderOpSetFromStringAttribute, Name: "x-source", Attribute: AttributeSourceAddress},
		{Kind: HeaderOpSetFromIntAttribute, Name: "x-code", Attribute: AttributeResponseCode},
	}
	batch := NewHeaderBatch(ops)
	defer batch.Free()
	got := batch.cOps()
	for i := range got {
		if len(got[i].Value) == 0 {
			got[i].Value = nil
		}
	}
	if !reflect.DeepEqual(got, ops) {
		t.Fatalf("C copy %+v, want %+v", got, ops)
	}
	if !reflect.DeepEqual(batch.Ops(), ops) {
		t.Fatalf("Ops() %+v", batch.Ops())
	}
	if empty := NewHeaderBatch(nil); empty == nil || len(empty.cOps()) != 0 {
		t.Fatal("an empty batch")
	} else {
		empty.Free()
	}
}

func TestHeaderBatchRefusesUnknownKinds(t *testing.T) {
	if NewHeaderBatch([]HeaderOp{{Kind: HeaderOpSetFromIntAttribute + 1, Name: "x"}}) != nil {
		t.Fatal("made a batch with an unknown kind")
	}
}
