package sdktest

import (
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
)

// The body rules filters rely on, as Envoy 1.40 keeps them.
func TestFakeBodiesDrainFromTheFrontAcrossSlices(t *testing.T) {
	f := New()
	f.SetBody(sdk.ReceivedResponseBody, []byte("abc"), nil, []byte("def"))
	if got := len(f.GetBodyChunks(sdk.ReceivedResponseBody)); got != 2 {
		t.Errorf("%d chunks: empty slices are left out", got)
	}
	if !f.DrainBody(sdk.ReceivedResponseBody, 4) || string(f.Body(sdk.ReceivedResponseBody)) != "ef" {
		t.Errorf("after draining 4: %q", f.Body(sdk.ReceivedResponseBody))
	}
	if !f.DrainBody(sdk.ReceivedResponseBody, 10) || f.GetBodySize(sdk.ReceivedResponseBody) != 0 {
		t.Errorf("draining past the end: %q", f.Body(sdk.ReceivedResponseBody))
	}
	if f.DrainBody(sdk.ReceivedRequestBody, 1) {
		t.Error("drained an absent body")
	}
}

func TestFakeAppendCreatesOnlyAnAbsentBufferedBody(t *testing.T) {
	f := New()
	if f.AppendBody(sdk.ReceivedRequestBody, []byte("x")) {
		t.Error("appended to an absent Received body")
	}
	if !f.AppendBody(sdk.BufferedRequestBody, []byte("x")) || string(f.Body(sdk.BufferedRequestBody)) != "x" {
		t.Errorf("buffered: %q", f.Body(sdk.BufferedRequestBody))
	}
	f.SetBody(sdk.ReceivedRequestBody)
	if !f.AppendBody(sdk.ReceivedRequestBody, []byte("y")) || string(f.Body(sdk.ReceivedRequestBody)) != "y" {
		t.Errorf("received: %q", f.Body(sdk.ReceivedRequestBody))
	}
}
