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
//	/trailers                the text, chunked, then the trailer x-upstream-trailer.
//	/websocket               a WebSocket handshake (101), then one frame echoed.
//	/reset                   the connection closed before any response.
//	/reset-mid-body?sent=N   a 200 promising 1 MiB (Content-Length), N bytes of
//	                         the text (default 65536), then the connection closed.
package main

import (
	"bufio"
	"compress/gzip"
	"crypto/sha1"
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
		case r.URL.Path == "/trailers":
			_, _ = io.Copy(io.Discard, r.Body)
			// Announced, then set after the body: Go sends it in the last chunk.
			w.Header().Set("Trailer", "X-Upstream-Trailer")
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = io.WriteString(w, *text+"\n")
			w.(http.Flusher).Flush()
			w.Header().Set("X-Upstream-Trailer", "sent-after-body")
		case r.URL.Path == "/websocket":
			websocketEcho(w, r)
		case r.URL.Path == "/reset":
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
		case r.URL.Path == "/reset-mid-body":
			resetMidBody(w, r, *text)
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

// resetMidBodyLength is what /reset-mid-body promises and never delivers.
const resetMidBodyLength = 1 << 20

// resetMidBody sends the head and part of the body on the raw connection, then
// closes it: the upstream dying mid-response, after Envoy has the headers.
func resetMidBody(w http.ResponseWriter, r *http.Request, text string) {
	sent, err := strconv.Atoi(r.URL.Query().Get("sent"))
	if err != nil {
		sent = 65536
	}
	if sent < 0 || sent >= resetMidBodyLength {
		http.Error(w, "want 0 <= sent < 1 MiB", http.StatusBadRequest)
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	body := strings.Repeat(text+"\n", sent/(len(text)+1)+1)[:sent]
	_, _ = rw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"Content-Length: " + strconv.Itoa(resetMidBodyLength) + "\r\n\r\n" + body)
	_ = rw.Flush()
}

// websocketGUID is RFC 6455's fixed key suffix.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// websocketEcho answers the upgrade with 101, then reads one client frame
// (masked, payload under 64 KiB) and sends its payload back unmasked, with the
// same opcode, and closes: enough to show the upgraded stream carries bytes
// both ways through Envoy.
func websocketEcho(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Sec-WebSocket-Key")
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || key == "" {
		http.Error(w, "want a websocket upgrade", http.StatusBadRequest)
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	sum := sha1.Sum([]byte(key + websocketGUID))
	_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]) + "\r\n\r\n")
	if rw.Flush() != nil {
		return
	}
	opcode, payload, err := readFrame(rw.Reader)
	if err != nil {
		return
	}
	frame := []byte{0x80 | opcode}
	if len(payload) < 126 {
		frame = append(frame, byte(len(payload)))
	} else {
		frame = append(frame, 126, byte(len(payload)>>8), byte(len(payload)))
	}
	_, _ = rw.Write(append(frame, payload...))
	_ = rw.Flush()
}

func readFrame(r *bufio.Reader) (byte, []byte, error) {
	head := make([]byte, 2)
	if _, err := io.ReadFull(r, head); err != nil {
		return 0, nil, err
	}
	n := int(head[1] & 0x7f)
	if n == 126 {
		ext := make([]byte, 2)
		if _, err := io.ReadFull(r, ext); err != nil {
			return 0, nil, err
		}
		n = int(ext[0])<<8 | int(ext[1])
	} else if n == 127 {
		return 0, nil, io.ErrUnexpectedEOF
	}
	mask := make([]byte, 4)
	if head[1]&0x80 != 0 {
		if _, err := io.ReadFull(r, mask); err != nil {
			return 0, nil, err
		}
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, err
	}
	for i := range payload {
		payload[i] ^= mask[i%4]
	}
	return head[0] & 0x0f, payload, nil
}
