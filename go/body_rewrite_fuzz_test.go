// Fuzz target for body_rewrite's invariant on a fake stream; the Go side of
// rust/fuzz/fuzz_targets/body_rewrite.rs, with its input format. `go test
// ./...` runs its seeds (f.Add); `make fuzz` (mk/fuzz.mk) runs `go test -fuzz`.

package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// naiveReplace is the reference: at each position the first listed rule
// that matches, else the byte; written apart from the filter's scanner.
func naiveReplace(rules [][2][]byte, input []byte) []byte {
	var out []byte
next:
	for i := 0; i < len(input); {
		for _, r := range rules {
			if bytes.HasPrefix(input[i:], r[0]) {
				out = append(out, r[1]...)
				i += len(r[0])
				continue next
			}
		}
		out = append(out, input[i])
		i++
	}
	return out
}

// fuzzASCII keeps the fuzzer's bytes printable ASCII without JSON's quote and
// backslash, so a rule goes into the JSON config verbatim.
func fuzzASCII(b []byte) []byte {
	var out []byte
	for _, c := range b {
		if c &= 0x7f; c >= 0x20 && c != '"' && c != '\\' {
			out = append(out, c)
		}
	}
	return out
}

// FuzzBodyRewriteChunking: whatever the chunking, and whether the body ends on
// a chunk or with trailers, the output equals a naive replace of the whole
// input. Byte 0 picks how many rules (1-4), byte 1 the chunking (low 6 bits:
// the chunk size - 1; bit 6: end with trailers); the rest is split on 0xff into
// rule patterns, replacements and the body.
func FuzzBodyRewriteChunking(f *testing.F) {
	f.Add([]byte("\x00\x02Hello\xffHowdy\xffHello from echo server"))
	f.Add([]byte("\x01\x40ab\xff1\xffabc\xff2\xffxabcab1abab"))
	f.Add([]byte("\x02\x00aab\xffX\xffab\xffYY\xffb\xff\xffaabababbaab"))
	f.Add([]byte("\x00\x05secret\xff[redacted]\xffa secre"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		count, chunking := 1+int(data[0])%4, data[1]
		parts := bytes.Split(data[2:], []byte{0xff})
		var rules [][2][]byte
		var jsonRules []string
		for i := 0; i < count; i++ {
			if len(parts) < 2 {
				return
			}
			from, to := fuzzASCII(parts[0]), fuzzASCII(parts[1])
			parts = parts[2:]
			if len(from) == 0 || len(from) > 16 {
				return
			}
			rules = append(rules, [2][]byte{from, to})
			jsonRules = append(jsonRules, fmt.Sprintf(`["%s", "%s"]`, from, to))
		}
		body := bytes.Join(parts, nil)
		config := newBodyRewrite(t, `{"response": [`+strings.Join(jsonRules, ",")+`]}`)

		step := 1 + int(chunking&0x3f)
		trailers := chunking&0x40 != 0
		chunks := [][]byte{body}
		if len(body) > 0 {
			chunks = nil
			for at := 0; at < len(body); at += step {
				chunks = append(chunks, body[at:min(at+step, len(body))])
			}
		}
		got := streamResponse(t, config, chunks, trailers)
		if want := naiveReplace(rules, body); !bytes.Equal(got, want) {
			t.Fatalf("%q on %q in %d-byte chunks (trailers %v): got %q, want %q",
				jsonRules, body, step, trailers, got, want)
		}
	})
}
