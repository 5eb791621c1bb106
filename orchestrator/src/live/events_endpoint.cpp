#include "live/events_endpoint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <variant>

#include "api/access.hpp"
#include "live/change_feed.hpp"

namespace kiln::orchestrator {
namespace {

constexpr std::size_t kDefaultWaitSeconds = 25;
constexpr std::size_t kMaxWaitSeconds = 50;  // under the server's 60 s read timeout

struct EventsQuery {
  long long after = 0;
  std::string epoch;
  std::chrono::milliseconds wait{kDefaultWaitSeconds * 1000};
  std::optional<std::string> delivery;  // only the changes that may concern this delivery
};

// The query, or the refusal naming the bad parameter.
std::variant<EventsQuery, ApiResponse> parse(const ApiRequest& request) {
  EventsQuery q;
  if (auto after = query_text(request.target, "after")) {
    auto n = query_count(request.target, "after");
    if (!n)
      return api_error(
          400, "bad_query",
          fmt::format("after={} must be a sequence number (digits)", after->substr(0, 32)));
    q.after = static_cast<long long>(*n);
  }
  if (auto epoch = query_text(request.target, "epoch")) {
    if (epoch->size() > 32 || !std::all_of(epoch->begin(), epoch->end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }))
      return api_error(400, "bad_query", "epoch must be the hexadecimal epoch an answer gave");
    q.epoch = std::string(*epoch);
  }
  if (auto wait = query_text(request.target, "wait")) {
    auto n = query_count(request.target, "wait");
    if (!n || *n > kMaxWaitSeconds)
      return api_error(
          400, "bad_query",
          fmt::format("wait={} must be 0 to {} seconds", wait->substr(0, 32), kMaxWaitSeconds));
    q.wait = std::chrono::seconds(*n);
  }
  if (auto delivery = query_text(request.target, "delivery")) {
    if (auto refused = refuse_path_parameter(*delivery))
      return api_error(400, "bad_query",
                       fmt::format("delivery={} must be a delivery's asset tag: {}",
                                   delivery->substr(0, 64), *refused));
    q.delivery = std::string(*delivery);
  }
  return q;
}

ApiResponse answer(const ChangeSet& c, const std::optional<std::string>& delivery) {
  ApiResponse r{200,
                {{"epoch", c.epoch},
                 {"seq", c.seq},
                 {"runs", c.runs},
                 {"nodes", c.nodes},
                 {"reset", c.reset},
                 {"timed_out", c.timed_out}}};
  if (delivery) r.body["delivery"] = *delivery;
  return r;
}

}  // namespace

ApiResponse get_events(ApiCall& call) {
  auto parsed = parse(call.request);
  if (auto* refused = std::get_if<ApiResponse>(&parsed)) return std::move(*refused);
  const auto& q = std::get<EventsQuery>(parsed);
  return answer(call.ctx.feed->since(q.after, q.epoch, q.delivery), q.delivery);
}

bool is_events_request(const ApiRequest& request) {
  if (request.method != "GET") return false;
  std::string_view path(request.target);
  path = path.substr(0, path.find('?'));
  return path == "/v1/events";
}

void wait_for_events(ApiContext& ctx, const ApiRequest& request,
                     const std::function<void(ApiResponse)>& reply) {
  if (auto refused = authorize_reader(ctx, request)) return reply(std::move(*refused));
  auto parsed = parse(request);
  if (auto* refused = std::get_if<ApiResponse>(&parsed)) return reply(std::move(*refused));
  auto& q = std::get<EventsQuery>(parsed);
  // No epoch yet (a page's first call) is another epoch: answered at once, `reset`, with
  // where the feed stands.
  if (q.wait.count() == 0)
    return reply(answer(ctx.feed->since(q.after, q.epoch, q.delivery), q.delivery));
  ctx.feed->wait(
      q.after, q.epoch, q.wait,
      [reply, delivery = q.delivery](ChangeSet c) { reply(answer(c, delivery)); }, q.delivery);
}

}  // namespace kiln::orchestrator
