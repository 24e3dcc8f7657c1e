// Command ext_proc is the external-processor contender of `make bench`: the
// lab's header_mutation done over gRPC by Envoy's ext_proc filter. Envoy sends
// the request and response headers (bodies and trailers are skipped by the
// filter's processing mode) and the three attributes; this process answers with
// the same sets, removes and attribute headers the modules make.
//
// It is a contender, not a lab filter: it exists so the benchmark can put an
// out-of-process extension beside the in-process ones.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log"
	"net"
	"os"
	"strconv"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extproc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/structpb"
)

// config is the lab's header_mutation config (envoy.yaml's &header_mutation).
type config struct {
	RequestHeaders        [][2]string `json:"request_headers"`
	RemoveRequestHeaders  []string    `json:"remove_request_headers"`
	ResponseHeaders       [][2]string `json:"response_headers"`
	RemoveResponseHeaders []string    `json:"remove_response_headers"`
}

// The attributes Envoy sends, under the filter's name, and the headers they fill.
const attributesKey = "envoy.filters.http.ext_proc"

var attributeHeaders = [][2]string{
	{"source.address", "x-downstream-address"},
	{"upstream.address", "x-upstream-address"},
	{"response.code", "x-response-code"},
}

type processor struct {
	extproc.UnimplementedExternalProcessorServer
	request, response *extproc.HeaderMutation
}

func mutation(set [][2]string, remove []string) *extproc.HeaderMutation {
	m := &extproc.HeaderMutation{RemoveHeaders: remove}
	for _, kv := range set {
		m.SetHeaders = append(m.SetHeaders, header(kv[0], kv[1]))
	}
	return m
}

func header(name, value string) *core.HeaderValueOption {
	return &core.HeaderValueOption{
		Header:       &core.HeaderValue{Key: name, RawValue: []byte(value)},
		AppendAction: core.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD,
	}
}

// attributeValue turns an attribute (a string, or a number for response.code)
// into header text.
func attributeValue(v *structpb.Value) (string, bool) {
	switch k := v.GetKind().(type) {
	case *structpb.Value_StringValue:
		return k.StringValue, true
	case *structpb.Value_NumberValue:
		return strconv.FormatInt(int64(k.NumberValue), 10), true
	}
	return "", false
}

func (p *processor) Process(stream extproc.ExternalProcessor_ProcessServer) error {
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		var resp *extproc.ProcessingResponse
		switch req.Request.(type) {
		case *extproc.ProcessingRequest_RequestHeaders:
			resp = &extproc.ProcessingResponse{Response: &extproc.ProcessingResponse_RequestHeaders{
				RequestHeaders: &extproc.HeadersResponse{Response: &extproc.CommonResponse{HeaderMutation: p.request}},
			}}
		case *extproc.ProcessingRequest_ResponseHeaders:
			m := &extproc.HeaderMutation{
				SetHeaders:    append([]*core.HeaderValueOption(nil), p.response.SetHeaders...),
				RemoveHeaders: p.response.RemoveHeaders,
			}
			fields := req.GetAttributes()[attributesKey].GetFields()
			for _, ah := range attributeHeaders {
				if v, ok := attributeValue(fields[ah[0]]); ok {
					m.SetHeaders = append(m.SetHeaders, header(ah[1], v))
				}
			}
			resp = &extproc.ProcessingResponse{Response: &extproc.ProcessingResponse_ResponseHeaders{
				ResponseHeaders: &extproc.HeadersResponse{Response: &extproc.CommonResponse{HeaderMutation: m}},
			}}
		default:
			// The processing mode skips bodies and trailers; answer anything
			// else with no change rather than stall the stream.
			resp = &extproc.ProcessingResponse{}
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
}

func main() {
	listen := flag.String("listen", "127.0.0.1:1240", "gRPC address")
	configPath := flag.String("config", "", "the header_mutation config, as JSON")
	flag.Parse()
	raw, err := os.ReadFile(*configPath)
	if err != nil {
		log.Fatal(err)
	}
	var c config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		log.Fatalf("ext_proc: config: %v", err)
	}
	lis, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	server := grpc.NewServer()
	extproc.RegisterExternalProcessorServer(server, &processor{
		request:  mutation(c.RequestHeaders, c.RemoveRequestHeaders),
		response: mutation(c.ResponseHeaders, c.RemoveResponseHeaders),
	})
	log.Printf("ext_proc listening on %s", *listen)
	log.Fatal(server.Serve(lis))
}
