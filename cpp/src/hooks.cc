// hooks.cc: see hooks.h.

#include "hooks.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "barrier.h"
#include "log.h"
#include "registry.h"
#include "result.h"
#include "text.h"

namespace envoy_dm::sdk {
namespace {

std::string_view ModuleName() noexcept {
  const Module* module = CurrentModule();
  return module == nullptr ? "dynamic module" : module->name;
}

// Refuses a configuration with one error line: "{module}: {kind} '{name}': {why}".
void Refuse(std::string_view kind, std::string_view name, std::string_view why) {
  Log(LogLevel::kError, StrCat(ModuleName(), ": ", kind, " '", name, "': ", why));
}

// What a stream does when its filter throws in a phase.
enum class OnFailure {
  kReply,     // send the fail-closed local reply and return the phase's Stop status
  kContinue,  // too late for a reply: let the stream continue unfiltered
};

// The "status" of the hooks that return nothing.
struct Done {};

}  // namespace

// The SDK's view of the per-stream state inside an HttpFilter (its friend).
class Stream {
 public:
  static void Adopt(HttpFilter& filter, std::string_view filter_name, bool built) noexcept {
    filter.filter_name_ = filter_name;
    filter.state_ = built ? HttpFilter::State::kRunning : HttpFilter::State::kUnbuilt;
  }

  // Runs one phase: skips the filter once it has failed; when `call` throws,
  // fails closed as `on_failure` says and returns `stop` (or `go_on`).
  template <typename Status, typename Call>
  static Status RunPhase(HttpFilter& filter, EnvoyHttpFilter& envoy, std::string_view phase,
                         OnFailure on_failure, Status go_on, Status stop, Call&& call) noexcept {
    switch (filter.state_) {
      case HttpFilter::State::kFailed:
        return go_on;
      case HttpFilter::State::kRunning: {
        Status status = go_on;
        const auto context = [&] {
          return StrCat(ModuleName(), ": filter '", filter.filter_name_, "' in ", phase);
        };
        if (Guard(context, [&] { status = std::forward<Call>(call)(); })) return status;
        break;
      }
      case HttpFilter::State::kUnbuilt:
        break;  // logged by FilterNew; fails closed at its first chance
    }
    filter.state_ = HttpFilter::State::kFailed;
    if (on_failure == OnFailure::kContinue) return go_on;
    try {
      envoy.SendResponse(kFailClosedStatus, {}, kFailClosedBody, kFailClosedDetails);
    } catch (...) {
      // Nothing more to do: the Stop status still holds the stream.
    }
    return stop;
  }
};

namespace hooks {

// ------------------------------------------------------------------ config

// The refusal of a config over kMaxConfigBytes.
std::string TooLarge(std::string_view config) {
  return StrCat("invalid filter_config: ", std::to_string(config.size()), " bytes is over the ",
                std::to_string(kMaxConfigBytes), "-byte limit");
}

std::unique_ptr<ConfigBox> ConfigNew(EnvoyHttpFilterConfig& envoy, std::string_view name,
                                     std::string_view config) noexcept {
  std::unique_ptr<ConfigBox> box;
  const auto context = [&] {
    return StrCat(ModuleName(), ": filter '", name, "' config creation");
  };
  const bool ran = Guard(context, [&] {
    const Module* module = CurrentModule();
    if (module == nullptr) return Refuse("filter", name, "program_init has not run");
    const NamedFilter* filter = module->Find(name);
    if (filter == nullptr) {
      return Refuse("filter", name,
                    StrCat("unknown filter name; this module has: ", module->FilterNames()));
    }
    if (config.size() > kMaxConfigBytes) return Refuse("filter", name, TooLarge(config));
    Result<std::unique_ptr<HttpFilterConfig>> made = filter->new_config(envoy, config);
    if (!made)
      return Refuse("filter", name, StrCat("invalid filter_config: ", made.error().message));
    if (*made == nullptr) throw std::logic_error("the constructor returned no configuration");
    box = std::make_unique<ConfigBox>(filter->name, std::move(made).value());
  });
  if (!ran) return nullptr;  // Guard logged "... config creation: panicked: ..."
  return box;                // nullptr when refused
}

void ConfigDestroy(std::unique_ptr<ConfigBox> config) noexcept {
  // Destructors are noexcept in C++: releasing needs no barrier.
  config.reset();
}

// -------------------------------------------------------------- per route

std::unique_ptr<PerRouteConfig> PerRouteConfigNew(std::string_view name,
                                                  std::string_view config) noexcept {
  std::unique_ptr<PerRouteConfig> box;
  constexpr std::string_view kKind = "per-route config";
  const auto context = [&] {
    return StrCat(ModuleName(), ": per-route config '", name, "' creation");
  };
  const bool ran = Guard(context, [&] {
    const Module* module = CurrentModule();
    if (module == nullptr) return Refuse(kKind, name, "program_init has not run");
    const NamedPerRouteConfig* route = module->FindPerRoute(name);
    if (route == nullptr) {
      return Refuse(kKind, name, "no filter of this module takes a per-route config by that name");
    }
    if (config.size() > kMaxConfigBytes) return Refuse(kKind, name, TooLarge(config));
    Result<PerRouteConfig> made = route->new_config(config);
    if (!made) return Refuse(kKind, name, StrCat("invalid filter_config: ", made.error().message));
    box = std::make_unique<PerRouteConfig>(std::move(made).value());
  });
  if (!ran) return nullptr;  // Guard logged "... creation: panicked: ..."
  return box;                // nullptr when refused
}

void PerRouteConfigDestroy(std::unique_ptr<PerRouteConfig> config) noexcept {
  // Destructors are noexcept in C++: releasing needs no barrier.
  config.reset();
}

// ---------------------------------------------------------------- streams

std::unique_ptr<HttpFilter> FilterNew(const ConfigBox& config, EnvoyHttpFilter& envoy) noexcept {
  std::unique_ptr<HttpFilter> filter;
  const auto context = [&] {
    return StrCat(ModuleName(), ": filter '", config.filter_name, "' in http_filter_new");
  };
  const bool built = Guard(context, [&] {
    filter = config.config->NewFilter(envoy);
    if (filter == nullptr) throw std::logic_error("NewFilter returned no filter");
  });
  if (!built) {
    // A filter that failed to build still gets an object, so the stream fails
    // closed with the same local reply as any other failure instead of being dropped.
    try {
      filter = std::make_unique<HttpFilter>();
    } catch (...) {
      return nullptr;
    }
  }
  Stream::Adopt(*filter, config.filter_name, built);
  return filter;
}

void FilterDestroy(std::unique_ptr<HttpFilter> filter) noexcept {
  // Destructors are noexcept in C++: releasing needs no barrier.
  filter.reset();
}

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
  Stream::RunPhase(filter, envoy, "on_stream_complete", OnFailure::kContinue, Done{}, Done{}, [&] {
    filter.OnStreamComplete(envoy);
    return Done{};
  });
}

void Scheduled(HttpFilter& filter, EnvoyHttpFilter& envoy, uint64_t event_id) noexcept {
  Stream::RunPhase(filter, envoy, "on_scheduled", OnFailure::kReply, Done{}, Done{}, [&] {
    filter.OnScheduled(envoy, event_id);
    return Done{};
  });
}

}  // namespace hooks
}  // namespace envoy_dm::sdk
