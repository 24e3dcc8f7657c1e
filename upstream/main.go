// Command echo-upstream is the lab's upstream on 127.0.0.1:1234.
//
// Like hashicorp/http-echo it answers every request with a fixed text, so the lab
// behaves as the seed article shows. It also has a few paths that let tests see
// what Envoy forwarded, which a plain echo cannot show:
//
//	/headers, /anything/...  JSON of the method, path, request headers and a
//	                         digest of the body, so request-side mutations and
//	                         large bodies can be checked at the upstream.
//	/status/N                an empty response with status N (204, 304, ...).
//	/response-headers?k=v    the text, with each query pair as a response header,
//	                         so response-side replace/remove can be checked.
//	/echo                    the request body, verbatim (body filters' request side).
//	/repeat?text=T&count=N&chunk=K
//	                         T written N times, flushed every K bytes (chunked), so
//	                         a body filter sees matches split across chunks.
//	/gzip                    the text, gzip-compressed (content-encoding: gzip).
package main

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
)

type reflection struct {
	Method  string              `json:"method"`
	Path    string              `json:"path"`
	Headers map[string][]string `json:"headers"`
	// RawHeaders keeps each value's exact bytes (base64), which JSON strings
	// cannot carry when a value is not UTF-8.
	RawHeaders [][2]string `json:"raw_headers"`
	BodyLength int64       `json:"body_length"`
	BodySHA256 string      `json:"body_sha256"`
}

func main() {
	listen := flag.String("listen", "127.0.0.1:1234", "address to listen on")
	text := flag.String("text", "Hello from echo server", "body of every plain response")
	flag.Parse()

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/headers" || strings.HasPrefix(r.URL.Path, "/anything"):
			reflect(w, r)
		case r.URL.Path == "/echo":
			// Read it all first: Go's HTTP/1 server stops the request body once
			// the response has started (unless full duplex is enabled).
			body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(body)
		case r.URL.Path == "/repeat":
			repeat(w, r)
		case r.URL.Path == "/gzip":
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			gz := gzip.NewWriter(w)
			_, _ = io.WriteString(gz, *text+"\n")
			_ = gz.Close()
		case strings.HasPrefix(r.URL.Path, "/status/"):
			status, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
			if err != nil || status < 200 || status > 599 {
				http.Error(w, "bad status", http.StatusBadRequest)
				return
			}
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(status)
		default:
			if r.URL.Path == "/response-headers" {
				for k, vs := range r.URL.Query() {
					for _, v := range vs {
						w.Header().Add(k, v)
					}
				}
			}
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = io.WriteString(w, *text+"\n")
		}
	})
	log.Printf("echo-upstream listening on %s", *listen)
	log.Fatal(http.ListenAndServe(*listen, nil))
}

// reflect answers with what arrived, hashing the body instead of echoing it so a
// 1 MiB upload costs the test one small JSON document.
func reflect(w http.ResponseWriter, r *http.Request) {
	digest := sha256.New()
	n, err := io.Copy(digest, r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	headers := map[string][]string{}
	raw := [][2]string{}
	for k, vs := range r.Header {
		headers[strings.ToLower(k)] = vs
		for _, v := range vs {
			raw = append(raw, [2]string{strings.ToLower(k), base64.StdEncoding.EncodeToString([]byte(v))})
		}
	}
	// Go moves Host out of the header map; put it back so tests see all of it.
	headers["host"] = []string{r.Host}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(reflection{
		Method:     r.Method,
		Path:       r.URL.RequestURI(),
		Headers:    headers,
		RawHeaders: raw,
		BodyLength: n,
		BodySHA256: hex.EncodeToString(digest.Sum(nil)),
	})
}

// repeat writes text count times, flushing every chunk bytes, so the body
// leaves in pieces whose edges fall anywhere (inside a match, too).
func repeat(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	text := q.Get("text")
	count, err1 := strconv.Atoi(q.Get("count"))
	chunk, err2 := strconv.Atoi(q.Get("chunk"))
	if text == "" || err1 != nil || err2 != nil || count < 0 || chunk < 1 || len(text)*count > 64<<20 {
		http.Error(w, "want text, count >= 0, chunk >= 1, at most 64 MiB", http.StatusBadRequest)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	body := []byte(strings.Repeat(text, count))
	flusher, _ := w.(http.Flusher)
	for len(body) > 0 {
		n := min(chunk, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		body = body[n:]
		if flusher != nil {
			flusher.Flush()
		}
	}
}
