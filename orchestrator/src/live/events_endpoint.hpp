// GET /v1/events?after=SEQ&epoch=EPOCH&wait=SECONDS: the dashboard's long poll
// (reader access). Answers {epoch, seq, runs, nodes, reset, timed_out} as soon
// as something changed after SEQ (ChangeFeed), or after `wait` seconds (default
// 25, at most 50; 0 answers at once) with timed_out. Through the HTTP server it
// waits without holding a worker thread (ApiService::handle_async); called
// synchronously (handle()) it answers at once.
#pragma once

#include <functional>

#include "api/route_table.hpp"

namespace kiln::orchestrator {

ApiResponse get_events(ApiCall& call);  // at once

// Whether `request` is a GET of /v1/events (with or without a query).
bool is_events_request(const ApiRequest& request);

// The waiting form: `reply` is called once, from the feed's publishing or
// timer thread (it must not block), or at once for a refusal.
void wait_for_events(ApiContext& ctx, const ApiRequest& request,
                     const std::function<void(ApiResponse)>& reply);

}  // namespace kiln::orchestrator
