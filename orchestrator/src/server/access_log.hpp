// The access log: one line per HTTP request (log/log.hpp), written when the
// answer has gone out:
//   level=info msg=request method=POST path=/v1/runs/r-1/artifacts status=200
//     bytes=41 duration_ms=0.84 run=r-1 node=...
// The path is logged without its query string; headers (Authorization: the
// operator's and the runners' tokens) and bodies (passwords in a delivery's
// BMC section, a node's report) never are. Level: error for a 5xx, debug for
// a passing health probe (/healthz, /readyz every few seconds), info else.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "log/log.hpp"

namespace kiln::orchestrator {

struct AccessRecord {
  std::string method;  // "-" when the request did not parse
  std::string path;    // without the query string, at most 256 bytes
  int status = 0;
  std::size_t bytes = 0;  // body bytes sent
  std::chrono::steady_clock::duration duration{};
  std::string run;   // the run the request was about, when known
  std::string node;  // the node, when known
};

// The target without its query string (tokens and other values stay out of
// the log), cut at 256 bytes.
std::string loggable_path(std::string_view target);

// The run or node a path names: /v1/runs/{id}..., /v1/nodes/{uuid}...,
// /v1/certificates/{run}... and /v1/nodes/{uuid}/certificate.
void ids_from_path(std::string_view path, std::string& run, std::string& node);

LogLevel access_level(const AccessRecord& record);
void log_access(const AccessRecord& record);

}  // namespace kiln::orchestrator
