// Config creation, written once for filter configs and per-route configs:
// the size cap, the constructor behind the panic barrier, and the refusal
// line docs/CONTRACT.md prescribes. Then the strict JSON parsing the filters'
// constructors share, which mirrors rust/sdk/src/config.rs: serde_json's
// strictness rebuilt on encoding/json.

package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// maxConfigBytes is the largest filter_config a constructor is handed. Configs
// are a few hundred bytes; anything near this is a mistake or an attack on
// the parser.
const maxConfigBytes = 1 << 20

// configKind is what differs between the two kinds of config: how log lines
// name it, and why a name no constructor is registered under is refused.
type configKind struct {
	name     string // "filter", "per-route config"
	creation string // what a panic's line says was running, with the name's %s
	unknown  func() string
}

var (
	filterKind = configKind{"filter", "filter '%s' config creation",
		func() string { return "unknown filter name; this module has: " + filterNames() }}
	perRouteKind = configKind{"per-route config", "per-route config '%s' creation",
		func() string { return "no filter of this module takes a per-route config by that name" }}
)

// newConfig is the body of both config_new hooks: it finds the constructor
// registered under name, runs it behind the panic barrier and returns what it
// made. On failure it logs one line, "{module}: {kind} '{name}': {why}" (a
// panic: the barrier's line), and returns false: the hook returns NULL and
// Envoy refuses the configuration. envoy is the config handle the
// constructor gets (nil for per-route configs, whose constructors take none).
func newConfig[T any](kind configKind, table map[string]func(EnvoyHTTPFilterConfig, []byte) (T, error),
	envoy EnvoyHTTPFilterConfig, name string, config []byte) (made T, ok bool) {
	construct, found := table[name]
	if !found {
		refuse(kind, name, kind.unknown())
		return made, false
	}
	if len(config) > maxConfigBytes {
		refuse(kind, name, fmt.Sprintf("invalid filter_config: %d bytes is over the %d-byte limit", len(config), maxConfigBytes))
		return made, false
	}
	var err error
	if !guard(func() string {
		return registry.name + ": " + fmt.Sprintf(kind.creation, name)
	}, func() { made, err = construct(envoy, config) }) {
		return made, false // the panic is logged
	}
	if err != nil {
		refuse(kind, name, "invalid filter_config: "+err.Error())
		return made, false
	}
	return made, true
}

// configName is the name Envoy passed, as text that log lines can carry.
func configName(name []byte) string {
	return strings.ToValidUTF8(string(name), "\uFFFD")
}

// refuse logs why a configuration is refused.
func refuse(kind configKind, name, why string) {
	logf(logError, "%s: %s '%s': %s", registry.name, kind.name, name, why)
}

// destroyConfig is the body of envoy_dynamic_module_on_http_filter_config_destroy:
// a config that owns resources frees them in its Destroy method.
func destroyConfig(box *configBox) {
	if d, ok := box.config.(interface{ Destroy() }); ok {
		guard(func() string {
			return fmt.Sprintf("%s: filter '%s' config destroy", registry.name, box.name)
		}, d.Destroy)
	}
}

// IsBlank reports whether a config is absent or all ASCII whitespace.
func IsBlank(config []byte) bool {
	for _, b := range config {
		switch b {
		case ' ', '\t', '\n', '\r', '\f':
		default:
			return false
		}
	}
	return true
}

// ParseJSON parses a JSON object config into v, a pointer to a struct whose
// fields have json tags. Envoy hands a google.protobuf.Struct over as JSON
// text and a StringValue as its raw bytes; both arrive here. It is as strict
// as serde_json with deny_unknown_fields, so a config one language refuses is
// refused by all:
//
//   - an absent or blank config is refused with its own message;
//   - the value must be an object, with nothing but whitespace after it;
//   - every key must be a field's json tag, spelled exactly (encoding/json
//     alone matches keys case-insensitively), at most once;
//   - every value must have its field's type, and null is not a value.
//
// Errors end with the position, as serde_json's do: " at line L column C".
func ParseJSON(config []byte, v any) error {
	if IsBlank(config) {
		return errors.New("filter_config is empty; expected a JSON object")
	}
	// encoding/json would quietly turn bad bytes into U+FFFD; JSON must be UTF-8.
	if !utf8.Valid(config) {
		return errors.New("filter_config is not valid UTF-8")
	}
	if err := checkSurrogates(config); err != nil {
		return err
	}
	start := skipJSONSpace(config, 0)
	if config[start] != '{' {
		return fmt.Errorf("invalid type: expected a JSON object%s", position(config, start+1))
	}
	// Syntax first, on the whole input: a Decoder's first value reports
	// positions from the start of config.
	dec := json.NewDecoder(bytes.NewReader(config))
	var object json.RawMessage
	if err := dec.Decode(&object); err != nil {
		return jsonError(config, err)
	}
	if end := skipJSONSpace(config, int(dec.InputOffset())); end < len(config) {
		return fmt.Errorf("trailing characters%s", position(config, end+1))
	}
	if err := checkKeys(config, v); err != nil {
		return err
	}
	dec = json.NewDecoder(bytes.NewReader(config))
	dec.DisallowUnknownFields() // checkKeys covered the top level; this, nested objects
	if err := dec.Decode(v); err != nil {
		return jsonError(config, err)
	}
	return nil
}

// checkKeys walks the top-level keys of the object in config, which is valid
// JSON, and refuses one that is not exactly a json tag of v's struct, or that
// repeats.
func checkKeys(config []byte, v any) error {
	fields, types := jsonFields(v)
	dec := json.NewDecoder(bytes.NewReader(config))
	if _, err := dec.Token(); err != nil { // the '{'
		return jsonError(config, err)
	}
	seen := make(map[string]bool, len(fields))
	for dec.More() {
		token, err := dec.Token()
		if err != nil {
			return jsonError(config, err)
		}
		key, _ := token.(string) // an object's keys are strings
		at := position(config, int(dec.InputOffset()))
		switch {
		case !contains(fields, key) && len(fields) == 0:
			return fmt.Errorf("unknown field %q, there are no fields%s", key, at)
		case !contains(fields, key):
			return fmt.Errorf("unknown field %q, expected one of %s%s", key, strings.Join(fields, ", "), at)
		case seen[key]:
			return fmt.Errorf("duplicate field %q%s", key, at)
		}
		seen[key] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return jsonError(config, err)
		}
		// encoding/json takes null for "absent"; serde_json refuses it.
		if string(value) == "null" {
			return fmt.Errorf("%s: invalid type: null, expected %s%s",
				key, describeType(types[key]), position(config, int(dec.InputOffset())))
		}
	}
	return nil
}

// jsonFields lists the json tags of the struct v points to, in field order,
// with each field's type.
func jsonFields(v any) ([]string, map[string]reflect.Type) {
	t := reflect.TypeOf(v).Elem()
	var fields []string
	types := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			fields = append(fields, name)
			types[name] = t.Field(i).Type
		}
	}
	return fields, types
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}

// jsonError turns an encoding/json error into the library's message with the
// position it happened at, and names Go types the way a config author does.
// Positions are right for errors of a Decoder's first value.
func jsonError(config []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("%s%s", syntax.Error(), position(config, int(syntax.Offset)))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("unexpected end of JSON input%s", position(config, len(config)))
	case errors.As(err, &typ):
		field := ""
		if typ.Field != "" {
			field = typ.Field + ": "
		}
		return fmt.Errorf("%sinvalid type: %s, expected %s%s",
			field, typ.Value, describeType(typ.Type), position(config, int(typ.Offset)))
	default:
		// An UnmarshalJSON method's error, which names its field itself.
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
}

// describeType names a Go type as the JSON it decodes from.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(reflect.TypeFor[json.Unmarshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return "a string" // the enums of this module's configs
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Slice {
			return "an array of arrays"
		}
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Struct, reflect.Map:
		return "an object"
	default:
		return "a number"
	}
}

// position says where offset (bytes read so far) is in config, as serde_json
// does: " at line L column C", both counted from 1.
func position(config []byte, offset int) string {
	offset = min(max(offset, 0), len(config))
	line := 1 + bytes.Count(config[:offset], []byte{'\n'})
	column := offset - (bytes.LastIndexByte(config[:offset], '\n') + 1)
	return fmt.Sprintf(" at line %d column %d", line, column)
}

// checkSurrogates refuses a \u escape of half a UTF-16 surrogate pair, which
// encoding/json would quietly turn into U+FFFD while serde_json and
// nlohmann-json refuse it: a config one language refuses, all refuse.
func checkSurrogates(config []byte) error {
	for i := 0; i+1 < len(config); i++ {
		if config[i] != '\\' {
			continue
		}
		r, ok := hex4(config, i+2)
		if config[i+1] != 'u' || !ok {
			i++ // skip the escaped byte; bad escapes are the decoder's to report
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			lo, ok := hex4(config, i+8)
			if ok && config[i+6] == '\\' && config[i+7] == 'u' && lo >= 0xDC00 && lo <= 0xDFFF {
				i += 11
				continue
			}
			return fmt.Errorf("unpaired surrogate in a \\u escape%s", position(config, i+1))
		case r >= 0xDC00 && r <= 0xDFFF:
			return fmt.Errorf("unpaired surrogate in a \\u escape%s", position(config, i+1))
		}
		i += 5
	}
	return nil
}

// hex4 reads the four hex digits at config[i:i+4].
func hex4(config []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(config) {
		return 0, false
	}
	var r rune
	for _, c := range config[i : i+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// skipJSONSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func skipJSONSpace(config []byte, i int) int {
	for i < len(config) {
		switch config[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
