// body_rewrite.h: `body_rewrite`, which replaces byte strings in request and
// response bodies, as nginx's sub_filter does, while the body streams through.
// Mirrors rust/filters/src/http/body_rewrite.rs; docs/CONTRACT.md has the contract.
//
// Config (JSON, strict):
//   {"request": [["from", "to"], ...], "response": [["from", "to"], ...],
//    "max_buffer_bytes": 1048576, "on_overflow": "pass"}
//
// - Matching: leftmost first; where several `from` match at one position, the
//   one listed first wins; replaced text is not scanned again. The output is
//   exactly what one replace over the whole body gives, however the body is cut
//   into chunks or HTTP/2 frames: a position is decided only when the longest
//   `from` fits in the bytes seen so far (or the body has ended), so the filter
//   holds back at most the longest `from` minus one byte between chunks.
// - max_buffer_bytes: the most bytes of one body the filter rewrites, and so the
//   most it copies into its own memory (one chunk at a time). Past it,
//   on_overflow says what happens: "pass" (default) lets the rest through
//   untouched, logs a line (at most one a second per config) and counts
//   body_rewrite_overflow_total{direction}; "fail" answers a request with 413,
//   and resets a response whose headers are already on their way.
// - A body that may be rewritten loses its content-length (the new length is
//   not known when the headers leave): HTTP/1.1 then goes chunked. A body with a
//   content-encoding other than identity passes untouched (the filter does not
//   decompress), as do HEAD responses, 204 and 304.
// - End of stream may come on a body chunk (even an empty one) or with the
//   trailers: what is held back is flushed before the trailers.
//
// Limits: 32 rules per direction, `from` 1 to 256 bytes, `to` at most 4096,
// max_buffer_bytes 1 to 64 MiB; each refusal names the entry.

#ifndef ENVOY_DM_CPP_FILTERS_BODY_REWRITE_H_
#define ENVOY_DM_CPP_FILTERS_BODY_REWRITE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sdk.h"

namespace envoy_dm::filters {

inline constexpr size_t kBodyRewriteMaxRules = 32;
inline constexpr size_t kBodyRewriteMaxFromBytes = 256;
inline constexpr size_t kBodyRewriteMaxToBytes = 4096;
inline constexpr uint64_t kBodyRewriteMaxBufferLimit = uint64_t{64} << 20;
inline constexpr uint64_t kBodyRewriteDefaultBuffer = uint64_t{1} << 20;

// What happens to a body past max_buffer_bytes.
enum class Overflow { kPass, kFail };

// The replacements of one direction, ready for scanning.
class BodyRules {
 public:
  using Pairs = std::vector<std::pair<std::string, std::string>>;

  // Checks one direction's list; `field` names it in refusals.
  static sdk::Result<BodyRules> Parse(std::string_view field, Pairs raw);

  bool empty() const { return rules_.empty(); }

  // Appends the rewrite of `input` to `out` and returns how many bytes at the
  // end of `input` are undecided (held back until more arrives). With `end`
  // set nothing is held back.
  size_t Rewrite(std::string_view input, bool end, std::string& out) const;
  // The reference: one replace over a whole body.
  std::string RewriteAll(std::string_view input) const;
  // True when no byte of `bytes` can start a match.
  bool CannotMatch(std::string_view bytes) const;

 private:
  bool Starts(char c) const { return first_[static_cast<unsigned char>(c)]; }

  Pairs rules_;
  // Which bytes start some `from`: most positions are decided by one lookup.
  std::array<bool, 256> first_{};
};

// One configuration, shared by its streams (which refer to it: Envoy destroys
// a configuration only after all of its streams).
class BodyRewriteConfig final : public sdk::HttpFilterConfig {
 public:
  static sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> New(sdk::EnvoyHttpFilterConfig& envoy,
                                                                 std::string_view config);
  // New, with the concrete type (for tests and the fuzzer).
  static sdk::Result<std::unique_ptr<BodyRewriteConfig>> Make(sdk::EnvoyHttpFilterConfig& envoy,
                                                              std::string_view config);

  BodyRewriteConfig(BodyRules request, BodyRules response, uint64_t max_buffer_bytes,
                    Overflow on_overflow, sdk::MetricId overflows)
      : request_(std::move(request)),
        response_(std::move(response)),
        max_buffer_bytes_(max_buffer_bytes),
        on_overflow_(on_overflow),
        overflows_(overflows) {}

  std::unique_ptr<sdk::HttpFilter> NewFilter(sdk::EnvoyHttpFilter& envoy) const override;

  const BodyRules& request() const { return request_; }
  const BodyRules& response() const { return response_; }
  uint64_t max_buffer_bytes() const { return max_buffer_bytes_; }
  Overflow on_overflow() const { return on_overflow_; }
  sdk::MetricId overflows() const { return overflows_; }
  // True at most once per Unix second, from any thread: the overflow log line.
  bool ShouldLogOverflow() const;

 private:
  BodyRules request_;
  BodyRules response_;
  uint64_t max_buffer_bytes_;
  Overflow on_overflow_;
  sdk::MetricId overflows_;
  // Unix second of the last overflow log line.
  mutable std::atomic<int64_t> last_overflow_log_{0};
};

// One stream's filter.
class BodyRewrite final : public sdk::HttpFilter {
 public:
  explicit BodyRewrite(const BodyRewriteConfig& config) : config_(&config) {}

  sdk::RequestHeadersStatus OnRequestHeaders(sdk::EnvoyHttpFilter& envoy,
                                             bool end_of_stream) override;
  sdk::RequestBodyStatus OnRequestBody(sdk::EnvoyHttpFilter& envoy, bool end_of_stream) override;
  sdk::RequestTrailersStatus OnRequestTrailers(sdk::EnvoyHttpFilter& envoy) override;
  sdk::ResponseHeadersStatus OnResponseHeaders(sdk::EnvoyHttpFilter& envoy,
                                               bool end_of_stream) override;
  sdk::ResponseBodyStatus OnResponseBody(sdk::EnvoyHttpFilter& envoy, bool end_of_stream) override;
  sdk::ResponseTrailersStatus OnResponseTrailers(sdk::EnvoyHttpFilter& envoy) override;

  // Where one direction stands.
  enum class State {
    kUntouched,  // no rules, no body, or a body the filter must not touch
    kRewriting,
    kOverflowed,  // past max_buffer_bytes with on_overflow "pass"
  };
  // Which direction a step works on, and what that direction's calls use.
  struct Side;

 private:
  // One direction of one stream.
  struct Direction {
    State state = State::kUntouched;
    std::string carry;          // undecided bytes held back from the previous chunk
    uint64_t seen = 0;          // body bytes so far, against max_buffer_bytes
    std::string input, output;  // scratch reused across chunks
  };

  std::pair<const BodyRules&, Direction&> Of(const Side& side);
  void Start(sdk::EnvoyHttpFilter& envoy, const Side& side, bool end_of_stream);
  // Rewrites one received chunk; false when a local reply was sent.
  bool Body(sdk::EnvoyHttpFilter& envoy, const Side& side, bool end);
  void Trailers(sdk::EnvoyHttpFilter& envoy, const Side& side);
  bool Overflowed(sdk::EnvoyHttpFilter& envoy, const Side& side, Direction& dir,
                  const std::vector<std::string_view>& chunks, size_t size);

  const BodyRewriteConfig* config_;
  bool head_ = false;  // the request was HEAD: its response has no body to rewrite
  Direction request_;
  Direction response_;
};

}  // namespace envoy_dm::filters

#endif  // ENVOY_DM_CPP_FILTERS_BODY_REWRITE_H_
