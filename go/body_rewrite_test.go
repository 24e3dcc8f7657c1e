package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
	"github.com/envoy-dynamic-modules-lab/go_module/sdk/sdktest"
)

func newBodyRewrite(t testing.TB, config string) *BodyRewriteConfig {
	t.Helper()
	c, err := NewBodyRewriteConfig(&sdktest.FakeConfig{}, []byte(config))
	if err != nil {
		t.Fatalf("%s: %v", config, err)
	}
	return c
}

func bodyRewriteRefusal(t *testing.T, config string) string {
	t.Helper()
	_, err := NewBodyRewriteConfig(&sdktest.FakeConfig{}, []byte(config))
	if err == nil {
		t.Fatalf("accepted %s", config)
	}
	return err.Error()
}

// streamResponse streams chunks through the response side and returns what
// left the filter: each Received body after its hook, then with trailers the
// Buffered body the trailers hook appended to.
func streamResponse(t testing.TB, config *BodyRewriteConfig, chunks [][]byte, trailers bool) []byte {
	t.Helper()
	envoy := sdktest.New()
	envoy.AddHeader(sdk.ResponseHeader, ":status", []byte("200"))
	envoy.AddHeader(sdk.ResponseHeader, "content-length", []byte("99"))
	filter := config.NewFilter(envoy)
	filter.OnResponseHeaders(envoy, false)
	if got := envoy.Values(sdk.ResponseHeader, "content-length"); len(got) != 0 {
		t.Fatalf("content-length kept: %q", got)
	}
	var out []byte
	for i, chunk := range chunks {
		end := !trailers && i+1 == len(chunks)
		envoy.SetBody(sdk.ReceivedResponseBody, chunk)
		if got := filter.OnResponseBody(envoy, end); got != sdk.ResponseBodyContinue {
			t.Fatalf("status %v", got)
		}
		out = append(out, envoy.Body(sdk.ReceivedResponseBody)...)
	}
	if trailers {
		filter.OnResponseTrailers(envoy)
		out = append(out, envoy.Body(sdk.BufferedResponseBody)...)
	}
	return out
}

const howdy = `{"response": [["Hello", "Howdy"]]}`

func TestBodyRewriteAMatchSplitAtEveryByteIsReplaced(t *testing.T) {
	config := newBodyRewrite(t, howdy)
	body := []byte("Hello from echo server, Hello")
	for cut := 0; cut <= len(body); cut++ {
		for _, trailers := range []bool{false, true} {
			got := streamResponse(t, config, [][]byte{body[:cut], body[cut:]}, trailers)
			if string(got) != "Howdy from echo server, Howdy" {
				t.Errorf("cut at %d, trailers %v: %q", cut, trailers, got)
			}
		}
	}
}

func TestBodyRewriteOneByteChunksAndAnEmptyLastFrame(t *testing.T) {
	config := newBodyRewrite(t, howdy)
	var chunks [][]byte
	for _, b := range []byte("xHelHello Hello!") {
		chunks = append(chunks, []byte{b})
	}
	chunks = append(chunks, nil)
	if got := streamResponse(t, config, chunks, false); string(got) != "xHelHowdy Howdy!" {
		t.Errorf("got %q", got)
	}
}

func TestBodyRewriteFirstListedRuleWinsAndOutputIsNotRescanned(t *testing.T) {
	config := newBodyRewrite(t, `{"response": [["ab", "1"], ["abc", "2"], ["1", "ab"]]}`)
	if got := config.response.RewriteAll([]byte("abcab1")); string(got) != "1c1ab" {
		t.Errorf("got %q", got)
	}
	// A later, longer rule is not waited for once an earlier one matched...
	config2 := newBodyRewrite(t, `{"response": [["abc", "2"], ["ab", "1"]]}`)
	// ...but an earlier, longer one is: "ab" alone is undecided.
	if out, held := config2.response.rewrite(nil, []byte("xab"), false); string(out) != "x" || held != 2 {
		t.Errorf("got %q, held %d", out, held)
	}
	if got := streamResponse(t, config2, [][]byte{[]byte("xab"), []byte("c ab")}, false); string(got) != "x2 1" {
		t.Errorf("got %q", got)
	}
}

func TestBodyRewriteChunkingNeverChangesTheOutput(t *testing.T) {
	config := newBodyRewrite(t, `{"response": [["aab", "X"], ["ab", "YY"], ["b", ""]]}`)
	rng := rand.New(rand.NewSource(7))
	for range 2000 {
		body := make([]byte, rng.Intn(40))
		for i := range body {
			body[i] = "abc"[rng.Intn(3)]
		}
		want := config.response.RewriteAll(body)
		cuts := make([]int, rng.Intn(6))
		for i := range cuts {
			cuts[i] = rng.Intn(len(body) + 1)
		}
		chunks := splitAt(body, cuts)
		trailers := rng.Intn(2) == 0
		if got := streamResponse(t, config, chunks, trailers); !bytes.Equal(got, want) {
			t.Fatalf("%q in %q (trailers %v): got %q, want %q", body, chunks, trailers, got, want)
		}
	}
}

// splitAt cuts body at the given offsets (any order, repeats allowed).
func splitAt(body []byte, cuts []int) [][]byte {
	sorted := append([]int(nil), cuts...)
	for i := range sorted { // insertion sort: a handful of cuts
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	var chunks [][]byte
	at := 0
	for _, c := range sorted {
		chunks = append(chunks, body[at:c])
		at = c
	}
	return append(chunks, body[at:])
}

func TestBodyRewriteEncodedBodilessAndHeadResponsesAreUntouched(t *testing.T) {
	config := newBodyRewrite(t, howdy)
	for _, tc := range []struct {
		status, encoding string
		head             bool
	}{
		{"200", "gzip", false},
		{"200", " GZIP ", false},
		{"204", "", false},
		{"304", "", false},
		{"200", "", true},
	} {
		envoy := sdktest.New()
		if tc.head {
			envoy.AddHeader(sdk.RequestHeader, ":method", []byte("HEAD"))
		}
		envoy.AddHeader(sdk.ResponseHeader, ":status", []byte(tc.status))
		envoy.AddHeader(sdk.ResponseHeader, "content-length", []byte("5"))
		if tc.encoding != "" {
			envoy.AddHeader(sdk.ResponseHeader, "content-encoding", []byte(tc.encoding))
		}
		filter := config.NewFilter(envoy)
		filter.OnRequestHeaders(envoy, true)
		filter.OnResponseHeaders(envoy, false)
		envoy.SetBody(sdk.ReceivedResponseBody, []byte("Hello"))
		filter.OnResponseBody(envoy, true)
		if got := envoy.Body(sdk.ReceivedResponseBody); string(got) != "Hello" {
			t.Errorf("%+v: body %q", tc, got)
		}
		if got := envoy.Values(sdk.ResponseHeader, "content-length"); len(got) != 1 || got[0] != "5" {
			t.Errorf("%+v: content-length %q", tc, got)
		}
	}
	// identity is no encoding: rewritten.
	envoy := sdktest.New()
	envoy.AddHeader(sdk.ResponseHeader, ":status", []byte("200"))
	envoy.AddHeader(sdk.ResponseHeader, "content-encoding", []byte("Identity"))
	filter := config.NewFilter(envoy)
	filter.OnResponseHeaders(envoy, false)
	envoy.SetBody(sdk.ReceivedResponseBody, []byte("Hello"))
	filter.OnResponseBody(envoy, true)
	if got := envoy.Body(sdk.ReceivedResponseBody); string(got) != "Howdy" {
		t.Errorf("identity: body %q", got)
	}
}

func TestBodyRewritePastTheCapTheRestPassesUntouchedAndIsCounted(t *testing.T) {
	logs := sdktest.CaptureLogs(t)
	config := newBodyRewrite(t, `{"response": [["Hello", "Howdy"]], "max_buffer_bytes": 8}`)
	envoy := sdktest.New()
	envoy.AddHeader(sdk.ResponseHeader, ":status", []byte("200"))
	filter := config.NewFilter(envoy)
	filter.OnResponseHeaders(envoy, false)
	var out []byte
	for i, chunk := range []string{"Hello He", "llo Hello"} {
		envoy.SetBody(sdk.ReceivedResponseBody, []byte(chunk))
		if got := filter.OnResponseBody(envoy, i == 1); got != sdk.ResponseBodyContinue {
			t.Fatalf("status %v", got)
		}
		out = append(out, envoy.Body(sdk.ReceivedResponseBody)...)
	}
	// "He" was held back at the cap, and goes out untouched before the rest.
	if string(out) != "Howdy Hello Hello" {
		t.Errorf("got %q", out)
	}
	if len(envoy.Counters) != 1 || envoy.Counters[0].Labels[0] != "response" || envoy.Counters[0].Value != 1 {
		t.Errorf("counters %+v", envoy.Counters)
	}
	lines := logs.Take()
	want := "body_rewrite: response body over max_buffer_bytes (8): the rest passes untouched"
	if len(lines) != 1 || lines[0].Message != want || lines[0].Level != sdk.LogWarn {
		t.Errorf("logs %+v", lines)
	}
}

func TestBodyRewritePastTheCapARequestFailsWith413(t *testing.T) {
	logs := sdktest.CaptureLogs(t)
	config := newBodyRewrite(t, `{"request": [["a", "b"]], "max_buffer_bytes": 4, "on_overflow": "fail"}`)
	envoy := sdktest.New()
	filter := config.NewFilter(envoy)
	filter.OnRequestHeaders(envoy, false)
	envoy.SetBody(sdk.ReceivedRequestBody, []byte("aaaaa"))
	if got := filter.OnRequestBody(envoy, false); got != sdk.RequestBodyStopIterationNoBuffer {
		t.Errorf("status %v", got)
	}
	want := sdktest.SentResponse{Status: 413, Body: "body_rewrite: request body over max_buffer_bytes\n",
		Details: "body_rewrite_request_too_large"}
	if envoy.Sent == nil || *envoy.Sent != want {
		t.Errorf("sent %+v", envoy.Sent)
	}
	if len(envoy.Counters) != 1 || envoy.Counters[0].Labels[0] != "request" {
		t.Errorf("counters %+v", envoy.Counters)
	}
	if lines := logs.Take(); len(lines) != 1 || !strings.HasSuffix(lines[0].Message, ": failing the stream") {
		t.Errorf("logs %+v", lines)
	}
	// The stream is left alone afterwards.
	envoy.SetBody(sdk.ReceivedRequestBody, []byte("aaaaa"))
	if got := filter.OnRequestBody(envoy, true); got != sdk.RequestBodyContinue {
		t.Errorf("after the reply: status %v", got)
	}
}

func TestBodyRewriteOverflowLinesAreRateLimitedPerConfig(t *testing.T) {
	logs := sdktest.CaptureLogs(t)
	config := newBodyRewrite(t, `{"request": [["a", "b"]], "max_buffer_bytes": 1}`)
	for range 5 {
		envoy := sdktest.New()
		filter := config.NewFilter(envoy)
		filter.OnRequestHeaders(envoy, false)
		envoy.SetBody(sdk.ReceivedRequestBody, []byte("aa"))
		filter.OnRequestBody(envoy, true)
		if len(envoy.Counters) != 1 {
			t.Fatalf("counters %+v", envoy.Counters)
		}
	}
	// Five overflows within (almost surely) one second or two: one or two lines.
	if n := len(logs.Take()); n < 1 || n > 2 {
		t.Errorf("%d lines", n)
	}
}

func TestBodyRewriteRequestBodiesAreRewrittenToo(t *testing.T) {
	config := newBodyRewrite(t, `{"request": [["secret", "******"]]}`)
	envoy := sdktest.New()
	envoy.AddHeader(sdk.RequestHeader, "content-length", []byte("9"))
	filter := config.NewFilter(envoy)
	filter.OnRequestHeaders(envoy, false)
	if got := envoy.Values(sdk.RequestHeader, "content-length"); len(got) != 0 {
		t.Errorf("content-length kept: %q", got)
	}
	// Two slices in one hook: both read, drained from the front, replaced.
	envoy.SetBody(sdk.ReceivedRequestBody, []byte("a sec"), []byte("ret!"))
	filter.OnRequestBody(envoy, false)
	if got := envoy.Body(sdk.ReceivedRequestBody); string(got) != "a ******!" {
		t.Errorf("got %q", got)
	}
	// Ending with trailers flushes the held-back prefix into the Buffered body.
	envoy.SetBody(sdk.ReceivedRequestBody, []byte(" secre"))
	filter.OnRequestBody(envoy, false)
	if got := envoy.Body(sdk.ReceivedRequestBody); string(got) != " " {
		t.Errorf("got %q", got)
	}
	filter.OnRequestTrailers(envoy)
	if got := envoy.Body(sdk.BufferedRequestBody); string(got) != "secre" {
		t.Errorf("flushed %q", got)
	}
	// The response side has no rules: untouched, content-length kept.
	envoy.AddHeader(sdk.ResponseHeader, "content-length", []byte("6"))
	filter.OnResponseHeaders(envoy, false)
	envoy.SetBody(sdk.ReceivedResponseBody, []byte("secret"))
	filter.OnResponseBody(envoy, true)
	if got := envoy.Body(sdk.ReceivedResponseBody); string(got) != "secret" || len(envoy.Values(sdk.ResponseHeader, "content-length")) != 1 {
		t.Errorf("response %q", got)
	}
}

func TestBodyRewriteRefusesBadConfigsNamingTheEntry(t *testing.T) {
	long := strings.Repeat("x", bodyRewriteMaxFromBytes+1)
	longTo := strings.Repeat("x", bodyRewriteMaxToBytes+1)
	many := strings.Repeat(`["a","b"],`, bodyRewriteMaxRules) + `["a","b"]`
	for _, tc := range []struct{ config, want string }{
		{`{"response": [["", "x"]]}`, "response[0]: from must not be empty"},
		{`{"request": [["a", "b"], ["c"]]}`, "request[1]: invalid length 1"},
		{`{"request": [["a", "b", "c"]]}`, "request[0]: invalid length 3"},
		{`{"request": [["a", null]]}`, "request[0]: invalid type: null, expected a string"},
		{`{"request": [["a", 1]]}`, "request[0]: invalid type: 1, expected a string"},
		{`{"request": ["ab"]}`, "request[0]: invalid type"},
		{`{"request": [null]}`, "request[0]: invalid type"},
		{`{"request": "ab"}`, "request: invalid type"},
		{"{}", "no rules"},
		{`{"request": [], "response": []}`, "no rules"},
		{`{"response": [["a", "b"]], "max_buffer_bytes": 0}`, "max_buffer_bytes must be 1 to 67108864"},
		{`{"response": [["a", "b"]], "max_buffer_bytes": 67108865}`, "max_buffer_bytes must be 1 to 67108864"},
		{`{"response": [["a", "b"]], "max_buffer_bytes": -1}`, "max_buffer_bytes"},
		{`{"response": [["a", "b"]], "on_overflow": "drop"}`, "unknown variant"},
		{`{"response": [["a", "b"]], "extra": 1}`, "unknown field"},
		{fmt.Sprintf(`{"response": [["%s", "b"]]}`, long), "response[0]: from is over 256 bytes"},
		{fmt.Sprintf(`{"response": [["a", "%s"]]}`, longTo), "response[0]: to is over 4096 bytes"},
		{fmt.Sprintf(`{"request": [%s]}`, many), "request: 33 rules is over the limit of 32"},
		{"", "filter_config is empty"},
	} {
		if got := bodyRewriteRefusal(t, tc.config); !strings.Contains(got, tc.want) {
			t.Errorf("%.60s: %q, want %q", tc.config, got, tc.want)
		}
	}
	// At the limits: accepted.
	newBodyRewrite(t, fmt.Sprintf(`{"response": [["%s", "%s"]], "max_buffer_bytes": 67108864, "on_overflow": "fail"}`,
		long[1:], longTo[1:]))
	newBodyRewrite(t, fmt.Sprintf(`{"request": [%s]}`, many[len(`["a","b"],`):]))
}

func TestBodyRewriteDefinesItsCounter(t *testing.T) {
	envoy := &sdktest.FakeConfig{}
	if _, err := NewBodyRewriteConfig(envoy, []byte(howdy)); err != nil {
		t.Fatal(err)
	}
	if len(envoy.Defined) != 1 || envoy.Defined[0].Name != "body_rewrite_overflow_total" ||
		len(envoy.Defined[0].Labels) != 1 || envoy.Defined[0].Labels[0] != "direction" {
		t.Errorf("defined %+v", envoy.Defined)
	}
}

// bodyEnvoy hands out the same response body chunk on every call and keeps
// nothing, so the filter's own allocations can be counted.
type bodyEnvoy struct {
	sdktest.FakeEnvoy
	chunks [][]byte
}

func (e *bodyEnvoy) GetHeader(kind sdk.HeaderType, name string) ([]byte, bool) {
	if kind == sdk.ResponseHeader && name == ":status" {
		return okStatus, true
	}
	return nil, false
}
func (*bodyEnvoy) RemoveHeader(sdk.HeaderType, string) bool             { return true }
func (e *bodyEnvoy) GetBodyChunks(sdk.BodyType) [][]byte                { return e.chunks }
func (*bodyEnvoy) DrainBody(sdk.BodyType, int) bool                     { return true }
func (*bodyEnvoy) AppendBody(sdk.BodyType, []byte) bool                 { return true }
func (*bodyEnvoy) IncrementCounter(sdk.MetricID, []string, uint64) bool { return true }

var okStatus = []byte("200")

func TestBodyRewriteStreamsWithoutGarbage(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	config := newBodyRewrite(t, `{"response": [["Hello", "Howdy"]], "max_buffer_bytes": 67108864}`)
	// 16 KiB chunks with a match in each and a `from` cut at each end.
	chunk := []byte(strings.Repeat("Hello, world. ", 1170) + "Hel")
	envoy := &bodyEnvoy{chunks: [][]byte{chunk}}
	// Warm: the first stream grows the scratch the pool then keeps.
	streamOnce := func() {
		filter := config.NewFilter(envoy)
		filter.OnResponseHeaders(envoy, false)
		for i := 0; i < 4; i++ {
			filter.OnResponseBody(envoy, false)
		}
		filter.OnResponseBody(envoy, true)
	}
	streamOnce()
	// One stream: the filter itself is its only allocation; its scratch
	// comes from the pool.
	if allocs := testing.AllocsPerRun(200, streamOnce); allocs > 1 {
		t.Errorf("a 5-chunk body_rewrite stream allocates %v times, want at most 1 (the filter)", allocs)
	}
	// The kept scratch outlives the collector: a stream after two collections
	// (which empty a sync.Pool) still allocates only itself.
	afterCollections := func() {
		runtime.GC()
		runtime.GC()
		streamOnce()
	}
	if allocs := testing.AllocsPerRun(20, afterCollections); allocs > 1 {
		t.Errorf("a 5-chunk stream after two collections allocates %v times, want at most 1 (the filter)", allocs)
	}
	// Inside one stream, a chunk allocates nothing.
	filter := config.NewFilter(envoy)
	filter.OnResponseHeaders(envoy, false)
	filter.OnResponseBody(envoy, false)
	if allocs := testing.AllocsPerRun(1000, func() { filter.OnResponseBody(envoy, false) }); allocs != 0 {
		t.Errorf("a body chunk allocates %v times", allocs)
	}
}
