// body_rewrite: replaces byte strings in request and response bodies, as
// nginx's sub_filter does, while the body streams through. Mirrors
// rust/filters/src/http/body_rewrite.rs; docs/CONTRACT.md has the contract.
//
// Config (JSON, strict):
// {"request": [["from", "to"], ...], "response": [["from", "to"], ...],
//  "max_buffer_bytes": 1048576, "on_overflow": "pass"}
//
//   - Matching: leftmost first; where several `from` match at one position,
//     the one listed first wins; replaced text is not scanned again. The output
//     is exactly what one replace over the whole body gives, however the body
//     is cut into chunks or HTTP/2 frames: a position is decided only when the
//     longest `from` fits in the bytes seen so far (or the body has ended), so
//     the filter holds back at most the longest `from` minus one byte.
//   - max_buffer_bytes: the most bytes of one body the filter rewrites, and so
//     the most it copies into its own memory (one chunk at a time). Past it,
//     on_overflow says what happens: "pass" (default) lets the rest through
//     untouched, logs a line (at most one a second per config) and counts
//     body_rewrite_overflow_total{direction}; "fail" answers a request with
//     413, and resets a response whose headers are already on their way.
//   - A body that may be rewritten loses its content-length. A body with a
//     content-encoding other than identity passes untouched, as do HEAD
//     responses, 204 and 304.
//   - End of stream may come on a body chunk (even an empty one) or with the
//     trailers: what is held back is flushed before the trailers.
//
// Limits: 32 rules per direction, `from` 1 to 256 bytes, `to` at most 4096,
// max_buffer_bytes 1 to 64 MiB; each refusal names the entry.

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
)

const (
	bodyRewriteMaxRules       = 32
	bodyRewriteMaxFromBytes   = 256
	bodyRewriteMaxToBytes     = 4096
	bodyRewriteMaxBufferLimit = 64 << 20
	bodyRewriteDefaultBuffer  = 1 << 20
)

// Overflow is what happens to a body past max_buffer_bytes.
type Overflow int

const (
	OverflowPass Overflow = iota
	OverflowFail
)

var overflowNames = []string{"pass", "fail"}

func (o *Overflow) UnmarshalJSON(data []byte) error {
	var name string
	if err := json.Unmarshal(data, &name); err != nil {
		return fmt.Errorf("on_overflow: invalid type: %s, expected a string", data)
	}
	for i, n := range overflowNames {
		if n == name {
			*o = Overflow(i)
			return nil
		}
	}
	return fmt.Errorf("on_overflow: unknown variant %q, expected one of %s", name, strings.Join(overflowNames, ", "))
}

// rule is one replacement.
type rule struct {
	from, to []byte
}

// BodyRules are the replacements of one direction, ready for scanning.
type BodyRules struct {
	rules []rule
	// first says which bytes start some `from`: most positions are decided
	// by one lookup.
	first [256]bool
}

// parseBodyRules checks one direction's list; field names it in refusals.
func parseBodyRules(field string, raw []json.RawMessage) (*BodyRules, error) {
	if len(raw) > bodyRewriteMaxRules {
		return nil, fmt.Errorf("%s: %d rules is over the limit of %d", field, len(raw), bodyRewriteMaxRules)
	}
	r := &BodyRules{}
	for i, entry := range raw {
		from, to, err := parseBodyPair(entry)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %v", field, i, err)
		}
		switch {
		case len(from) == 0:
			return nil, fmt.Errorf("%s[%d]: from must not be empty", field, i)
		case len(from) > bodyRewriteMaxFromBytes:
			return nil, fmt.Errorf("%s[%d]: from is over %d bytes", field, i, bodyRewriteMaxFromBytes)
		case len(to) > bodyRewriteMaxToBytes:
			return nil, fmt.Errorf("%s[%d]: to is over %d bytes", field, i, bodyRewriteMaxToBytes)
		}
		r.first[from[0]] = true
		r.rules = append(r.rules, rule{[]byte(from), []byte(to)})
	}
	return r, nil
}

// parseBodyPair reads ["from", "to"]: exactly two strings, as serde's tuple does
// (encoding/json would fill a short [2]string with "" and drop extra items).
func parseBodyPair(entry json.RawMessage) (from, to string, err error) {
	var items []json.RawMessage
	if err := json.Unmarshal(entry, &items); err != nil || bytes.Equal(bytes.TrimSpace(entry), []byte("null")) {
		return "", "", fmt.Errorf("invalid type: %s, expected a [from, to] pair", entry)
	}
	if len(items) != 2 {
		return "", "", fmt.Errorf("invalid length %d, expected a [from, to] pair", len(items))
	}
	var pair [2]string
	for i, item := range items {
		if len(item) == 0 || item[0] != '"' || json.Unmarshal(item, &pair[i]) != nil {
			return "", "", fmt.Errorf("invalid type: %s, expected a string", item)
		}
	}
	return pair[0], pair[1], nil
}

func (r *BodyRules) empty() bool { return len(r.rules) == 0 }

// rewrite appends to out the rewrite of input and returns it with how many
// bytes at the end of input are undecided (held back until more arrives).
// With end set nothing is held back.
func (r *BodyRules) rewrite(out, input []byte, end bool) ([]byte, int) {
	i := 0
scan:
	for i < len(input) {
		if !r.first[input[i]] {
			out = append(out, input[i])
			i++
			continue
		}
		rest := input[i:]
		for _, rule := range r.rules {
			if bytes.HasPrefix(rest, rule.from) {
				out = append(out, rule.to...)
				i += len(rule.from)
				continue scan
			}
			// Too few bytes to tell, and they could still become `from`: an
			// earlier-listed rule must be decided before a later one.
			if !end && len(rest) < len(rule.from) && bytes.HasPrefix(rule.from, rest) {
				return out, len(rest)
			}
		}
		out = append(out, input[i])
		i++
	}
	return out, 0
}

// RewriteAll is the reference: one replace over a whole body.
func (r *BodyRules) RewriteAll(input []byte) []byte {
	out, _ := r.rewrite(nil, input, true)
	return out
}

// cannotMatch reports whether no byte of b can start a match.
func (r *BodyRules) cannotMatch(b []byte) bool {
	for _, c := range b {
		if r.first[c] {
			return false
		}
	}
	return true
}

// BodyRewriteConfig is one configuration, shared by its streams.
type BodyRewriteConfig struct {
	request, response *BodyRules
	maxBufferBytes    uint64
	onOverflow        Overflow
	overflows         sdk.MetricID
	// lastOverflowLog is the Unix second of the last overflow line: one a
	// second at most.
	lastOverflowLog atomic.Int64
}

func NewBodyRewriteConfig(envoy sdk.EnvoyHTTPFilterConfig, config []byte) (*BodyRewriteConfig, error) {
	var raw struct {
		Request        []json.RawMessage `json:"request"`
		Response       []json.RawMessage `json:"response"`
		MaxBufferBytes *uint64           `json:"max_buffer_bytes"`
		OnOverflow     Overflow          `json:"on_overflow"`
	}
	if err := sdk.ParseJSON(config, &raw); err != nil {
		return nil, err
	}
	request, err := parseBodyRules("request", raw.Request)
	if err != nil {
		return nil, err
	}
	response, err := parseBodyRules("response", raw.Response)
	if err != nil {
		return nil, err
	}
	if request.empty() && response.empty() {
		return nil, errors.New("no rules: give request or response replacements")
	}
	max := uint64(bodyRewriteDefaultBuffer)
	if raw.MaxBufferBytes != nil {
		max = *raw.MaxBufferBytes
	}
	if max == 0 || max > bodyRewriteMaxBufferLimit {
		return nil, fmt.Errorf("max_buffer_bytes must be 1 to %d", bodyRewriteMaxBufferLimit)
	}
	overflows, err := envoy.DefineCounter("body_rewrite_overflow_total", "direction")
	if err != nil {
		return nil, err
	}
	return &BodyRewriteConfig{
		request:        request,
		response:       response,
		maxBufferBytes: max,
		onOverflow:     raw.OnOverflow,
		overflows:      overflows,
	}, nil
}

func (c *BodyRewriteConfig) NewFilter(sdk.EnvoyHTTPFilter) *BodyRewrite {
	return &BodyRewrite{config: c}
}

// state is where one direction of one stream stands.
type state int

const (
	// untouched: no rules, no body, or a body the filter must not touch.
	untouched state = iota
	rewriting
	// overflowed: past max_buffer_bytes with on_overflow "pass".
	overflowed
)

// direction is one direction of one stream.
type direction struct {
	state state
	// seen counts the body bytes so far, against max_buffer_bytes.
	seen uint64
	// scratch is borrowed from scratchFree at the first chunk that needs it
	// and given back when the body ends.
	scratch *scratch
}

// scratch is the memory one direction rewrites in, reused from chunk to chunk
// and, through scratchFree, from stream to stream: a body streams through
// without leaving garbage for the collector (whose work would otherwise land
// on whichever request is running when it starts).
type scratch struct {
	// carry holds the undecided bytes held back from the previous chunk.
	carry []byte
	// input and output: the chunk (after carry) and its rewrite.
	input, output []byte
}

// scratchFree keeps the scratches of ended streams: a buffered channel, the
// leaky buffer of Effective Go. Not a sync.Pool: the collector empties a pool
// (over two cycles), the next stream then grows a new scratch, and that
// garbage brings the next cycle. Under callgrind the 1 MiB row ran a dozen
// collections a round that way, and one round in a few cost 20 times the
// others. A channel outlives the collector, and its capacity bounds what is
// kept: scratchKept scratches of at most scratchKeptBytes each.
var scratchFree = make(chan *scratch, scratchKept)

// scratchKept is how many scratches wait for a stream: enough for a few
// workers' body streams at once; a stream that finds none grows its own.
const scratchKept = 4

// scratchKeptBytes bounds one kept scratch: a stream that needed more lets
// its scratch go. Envoy can hand a hook a whole megabyte at once (what arrived
// while the stream waited), so input plus output reach 2 MiB: a 256 KiB
// bound measured 31.9M instructions per 1 MiB request, rounds 17% apart;
// this one 24.6M, 2% apart.
const scratchKeptBytes = 4 << 20

func (d *direction) borrow() *scratch {
	if d.scratch == nil {
		select {
		case d.scratch = <-scratchFree:
		default:
			d.scratch = new(scratch)
		}
	}
	return d.scratch
}

// giveBack keeps the scratch for the next stream; the bytes lent to Envoy
// were copied by it (AppendBody), so nothing refers to them any more.
func (d *direction) giveBack() {
	s := d.scratch
	if s == nil {
		return
	}
	d.scratch = nil
	if cap(s.input)+cap(s.output)+cap(s.carry) > scratchKeptBytes {
		return
	}
	s.carry, s.input, s.output = s.carry[:0], s.input[:0], s.output[:0]
	select {
	case scratchFree <- s:
	default: // enough are kept; this one goes to the collector
	}
}

// carried is the number of bytes held back from the previous chunk.
func (d *direction) carried() int {
	if d.scratch == nil {
		return 0
	}
	return len(d.scratch.carry)
}

// side names the two directions and what each works on.
type side struct {
	name               string
	received, buffered sdk.BodyType
	headers            sdk.HeaderType
	// The fail local reply: a request gets 413; a response, whose headers
	// are on their way, is reset (Envoy turns the reply into a reset).
	status  uint32
	details string
}

var (
	requestSide = side{"request", sdk.ReceivedRequestBody, sdk.BufferedRequestBody, sdk.RequestHeader,
		413, "body_rewrite_request_too_large"}
	responseSide = side{"response", sdk.ReceivedResponseBody, sdk.BufferedResponseBody, sdk.ResponseHeader,
		502, "body_rewrite_response_too_large"}
)

// BodyRewrite is one stream's filter.
type BodyRewrite struct {
	config *BodyRewriteConfig
	// head: the request was HEAD, so its response has no body to rewrite.
	head              bool
	request, response direction
}

func (f *BodyRewrite) direction(s *side) (*BodyRules, *direction) {
	if s == &requestSide {
		return f.config.request, &f.request
	}
	return f.config.response, &f.response
}

// encoded reports whether a content-encoding other than identity is set.
func encoded(envoy sdk.EnvoyHTTPFilter, headers sdk.HeaderType) bool {
	v, ok := envoy.GetHeader(headers, "content-encoding")
	return ok && !asciiEqualFold(bytes.Trim(v, " \t\n\f\r"), "identity")
}

func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// start decides, at the headers, whether this body is rewritten.
func (f *BodyRewrite) start(envoy sdk.EnvoyHTTPFilter, s *side, endOfStream bool) {
	touchable := !endOfStream && !encoded(envoy, s.headers)
	rules, dir := f.direction(s)
	if touchable && !rules.empty() {
		dir.state = rewriting
		envoy.RemoveHeader(s.headers, "content-length")
	}
}

// body rewrites one received chunk; false when a local reply was sent.
func (f *BodyRewrite) body(envoy sdk.EnvoyHTTPFilter, s *side, end bool) bool {
	rules, dir := f.direction(s)
	if dir.state != rewriting {
		return true
	}
	// One crossing for the slices; their total is the body size.
	chunks := envoy.GetBodyChunks(s.received)
	size := 0
	for _, c := range chunks {
		size += len(c)
	}
	dir.seen += uint64(size)
	if dir.seen > f.config.maxBufferBytes {
		return f.overflow(envoy, s, dir, chunks, size)
	}
	if dir.carried() == 0 {
		matchable := false
		for _, c := range chunks {
			if !rules.cannotMatch(c) {
				matchable = true
				break
			}
		}
		if !matchable {
			if end {
				dir.giveBack()
			}
			return true // the common case: nothing to do, nothing copied
		}
	}
	sc := dir.borrow()
	input := append(sc.input[:0], sc.carry...)
	for _, c := range chunks {
		input = append(input, c...)
	}
	output, held := rules.rewrite(sc.output[:0], input, end)
	sc.carry = append(sc.carry[:0], input[len(input)-held:]...)
	envoy.DrainBody(s.received, size)
	envoy.AppendBody(s.received, output)
	sc.input, sc.output = input, output
	if end {
		dir.giveBack()
	}
	return true
}

// trailers end the body: what is held back is flushed, before the trailers.
func (f *BodyRewrite) trailers(envoy sdk.EnvoyHTTPFilter, s *side) {
	rules, dir := f.direction(s)
	if dir.state == rewriting && dir.carried() > 0 {
		sc := dir.scratch
		sc.output, _ = rules.rewrite(sc.output[:0], sc.carry, true)
		envoy.AppendBody(s.buffered, sc.output)
	}
	dir.giveBack()
}

// overflow handles a body that went past max_buffer_bytes; false when a local
// reply was sent.
func (f *BodyRewrite) overflow(envoy sdk.EnvoyHTTPFilter, s *side, dir *direction, chunks [][]byte, size int) bool {
	c := f.config
	envoy.IncrementCounter(c.overflows, []string{s.name}, 1)
	now := time.Now().Unix()
	if c.lastOverflowLog.Swap(now) != now {
		what := "the rest passes untouched"
		if c.onOverflow == OverflowFail {
			what = "failing the stream"
		}
		sdk.Logf(sdk.LogWarn, "body_rewrite: %s body over max_buffer_bytes (%d): %s", s.name, c.maxBufferBytes, what)
	}
	if c.onOverflow == OverflowFail {
		dir.state = untouched
		dir.giveBack()
		envoy.SendResponse(s.status, []byte("body_rewrite: "+s.name+" body over max_buffer_bytes\n"), s.details)
		return false
	}
	dir.state = overflowed
	if dir.carried() > 0 {
		// The held-back bytes go first, untouched, as the rest will.
		sc := dir.scratch
		out := append(sc.output[:0], sc.carry...)
		for _, chunk := range chunks {
			out = append(out, chunk...)
		}
		envoy.DrainBody(s.received, size)
		envoy.AppendBody(s.received, out)
		sc.output = out
	}
	dir.giveBack()
	return true
}

func (f *BodyRewrite) OnRequestHeaders(envoy sdk.EnvoyHTTPFilter, endOfStream bool) sdk.RequestHeadersStatus {
	method, _ := envoy.GetHeader(sdk.RequestHeader, ":method")
	f.head = string(method) == "HEAD"
	f.start(envoy, &requestSide, endOfStream)
	return sdk.RequestHeadersContinue
}

func (f *BodyRewrite) OnRequestBody(envoy sdk.EnvoyHTTPFilter, endOfStream bool) sdk.RequestBodyStatus {
	if !f.body(envoy, &requestSide, endOfStream) {
		return sdk.RequestBodyStopIterationNoBuffer
	}
	return sdk.RequestBodyContinue
}

func (f *BodyRewrite) OnRequestTrailers(envoy sdk.EnvoyHTTPFilter) sdk.RequestTrailersStatus {
	f.trailers(envoy, &requestSide)
	return sdk.RequestTrailersContinue
}

func (f *BodyRewrite) OnResponseHeaders(envoy sdk.EnvoyHTTPFilter, endOfStream bool) sdk.ResponseHeadersStatus {
	status, _ := envoy.GetHeader(sdk.ResponseHeader, ":status")
	bodiless := f.head || string(status) == "204" || string(status) == "304"
	f.start(envoy, &responseSide, endOfStream || bodiless)
	return sdk.ResponseHeadersContinue
}

func (f *BodyRewrite) OnResponseBody(envoy sdk.EnvoyHTTPFilter, endOfStream bool) sdk.ResponseBodyStatus {
	if !f.body(envoy, &responseSide, endOfStream) {
		return sdk.ResponseBodyStopIterationNoBuffer
	}
	return sdk.ResponseBodyContinue
}

func (f *BodyRewrite) OnResponseTrailers(envoy sdk.EnvoyHTTPFilter) sdk.ResponseTrailersStatus {
	f.trailers(envoy, &responseSide)
	return sdk.ResponseTrailersContinue
}
