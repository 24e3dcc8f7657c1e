// body.cc: see body.h.

#include "body.h"

#include <stdexcept>
#include <utility>

#include "abi.h"
#include "barrier.h"
#include "log.h"

namespace envoy_dm::sdk {
namespace {

// What a stream does when its filter throws in a phase.
enum class OnFailure {
  kReply,     // send the fail-closed local reply and return the phase's Stop status
  kContinue,  // too late for a reply: let the stream continue unfiltered
};

// Sends the fail-closed reply. Nothing is left to do when even that throws (out
// of memory): the Stop status the caller returns still holds the stream.
void ReplyFailClosed(EnvoyHttpFilter& envoy) noexcept {
  try {
    envoy.SendResponse(kFailClosedStatus, {}, kFailClosedBody, kFailClosedDetails);
  } catch (...) {
  }
}

// The filter of every stream whose own filter could not be created: the
// module's, in static storage, shared by all such streams on all threads. It
// keeps no state and never throws, so the stream hooks never write to it: each
// request phase answers with the fail-closed reply (Envoy then ends the
// request, so that happens once per stream) and the response phases pass the
// reply through.
class FailClosedFilter final : public HttpFilter {
 public:
  RequestHeadersStatus OnRequestHeaders(EnvoyHttpFilter& envoy, bool /*end_of_stream*/) override {
    ReplyFailClosed(envoy);
    return RequestHeadersStatus::kStopIteration;
  }
  RequestBodyStatus OnRequestBody(EnvoyHttpFilter& envoy, bool /*end_of_stream*/) override {
    ReplyFailClosed(envoy);
    return RequestBodyStatus::kStopIterationNoBuffer;
  }
  RequestTrailersStatus OnRequestTrailers(EnvoyHttpFilter& envoy) override {
    ReplyFailClosed(envoy);
    return RequestTrailersStatus::kStopIteration;
  }
};

constinit FailClosedFilter fail_closed_filter;

}  // namespace

const char* ProgramInit(const Module& module) noexcept {
  ResolveLogCallbacks();
  SetCurrentModule(module);
  try {
    Log(sdk::LogLevel::kInfo, StrCat(module.name, ": loaded, language=", module.language,
                                     ", filters=[", module.FilterNames(), "]"));
  } catch (...) {
    // Out of memory before the first request: Envoy will find out soon enough.
  }
  return AbiVersion();
}

// The SDK's view of the per-stream state inside an HttpFilter (its friend).
class Stream {
 public:
  static void Adopt(HttpFilter& filter, std::string_view filter_name) noexcept {
    filter.filter_name_ = filter_name;
  }

  // Runs one phase: skips the filter once it has failed; when `call` throws,
  // fails closed as `on_failure` says and returns `stop` (or `go_on`).
  template <typename Status, typename Call>
  static Status RunPhase(HttpFilter& filter, EnvoyHttpFilter& envoy, std::string_view phase,
                         OnFailure on_failure, Status go_on, Status stop, Call&& call) noexcept {
    if (filter.failed_) return go_on;
    Status status = go_on;
    const auto context = [&] {
      return StrCat(ModuleName(), ": filter '", filter.filter_name_, "' in ", phase);
    };
    if (Guard(context, [&] { status = std::forward<Call>(call)(); })) return status;
    filter.failed_ = true;
    if (on_failure == OnFailure::kContinue) return go_on;
    ReplyFailClosed(envoy);
    return stop;
  }
};

namespace hooks {

HttpFilter* FilterNew(const ConfigBox& config, EnvoyHttpFilter& envoy) noexcept {
  std::unique_ptr<HttpFilter> filter;
  const auto context = [&] {
    return StrCat(ModuleName(), ": filter '", config.filter_name, "' in http_filter_new");
  };
  const bool built = Guard(context, [&] {
    filter = config.config->NewFilter(envoy);
    if (filter == nullptr) throw std::logic_error("NewFilter returned no filter");
  });
  // A stream whose filter could not be made, even for want of memory, fails
  // closed with the same local reply as any other failure, from an object that
  // needs no allocation.
  if (!built) return &fail_closed_filter;
  Stream::Adopt(*filter, config.filter_name);
  return filter.release();
}

void FilterDestroy(HttpFilter* filter) noexcept {
  if (IsFailClosedFilter(filter)) return;  // the module's own, in static storage
  // Destructors are noexcept in C++: releasing needs no barrier.
  std::unique_ptr<HttpFilter>{filter}.reset();
}

bool IsFailClosedFilter(const HttpFilter* filter) noexcept { return filter == &fail_closed_filter; }

RequestHeadersStatus RequestHeaders(HttpFilter& filter, EnvoyHttpFilter& envoy,
                                    bool end_of_stream) noexcept {
  return Stream::RunPhase(filter, envoy, "on_request_headers", OnFailure::kReply,
                          RequestHeadersStatus::kContinue, RequestHeadersStatus::kStopIteration,
                          [&] { return filter.OnRequestHeaders(envoy, end_of_stream); });
}

RequestBodyStatus RequestBody(HttpFilter& filter, EnvoyHttpFilter& envoy,
                              bool end_of_stream) noexcept {
  return Stream::RunPhase(filter, envoy, "on_request_body", OnFailure::kReply,
                          RequestBodyStatus::kContinue, RequestBodyStatus::kStopIterationNoBuffer,
                          [&] { return filter.OnRequestBody(envoy, end_of_stream); });
}

RequestTrailersStatus RequestTrailers(HttpFilter& filter, EnvoyHttpFilter& envoy) noexcept {
  return Stream::RunPhase(filter, envoy, "on_request_trailers", OnFailure::kReply,
                          RequestTrailersStatus::kContinue, RequestTrailersStatus::kStopIteration,
                          [&] { return filter.OnRequestTrailers(envoy); });
}

ResponseHeadersStatus ResponseHeaders(HttpFilter& filter, EnvoyHttpFilter& envoy,
                                      bool end_of_stream) noexcept {
  return Stream::RunPhase(filter, envoy, "on_response_headers", OnFailure::kReply,
                          ResponseHeadersStatus::kContinue, ResponseHeadersStatus::kStopIteration,
                          [&] { return filter.OnResponseHeaders(envoy, end_of_stream); });
}

ResponseBodyStatus ResponseBody(HttpFilter& filter, EnvoyHttpFilter& envoy,
                                bool end_of_stream) noexcept {
  // Response headers are already on their way: too late for a local reply, so a
  // failure here lets the rest of the body through unfiltered and is logged.
  return Stream::RunPhase(filter, envoy, "on_response_body", OnFailure::kContinue,
                          ResponseBodyStatus::kContinue, ResponseBodyStatus::kContinue,
                          [&] { return filter.OnResponseBody(envoy, end_of_stream); });
}

ResponseTrailersStatus ResponseTrailers(HttpFilter& filter, EnvoyHttpFilter& envoy) noexcept {
  return Stream::RunPhase(filter, envoy, "on_response_trailers", OnFailure::kContinue,
                          ResponseTrailersStatus::kContinue, ResponseTrailersStatus::kContinue,
                          [&] { return filter.OnResponseTrailers(envoy); });
}

void StreamComplete(HttpFilter& filter, EnvoyHttpFilter& envoy) noexcept {
  // The "status" of a hook that returns nothing.
  struct Done {};
  Stream::RunPhase(filter, envoy, "on_stream_complete", OnFailure::kContinue, Done{}, Done{}, [&] {
    filter.OnStreamComplete(envoy);
    return Done{};
  });
}

}  // namespace hooks
}  // namespace envoy_dm::sdk
