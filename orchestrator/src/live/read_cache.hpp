// Answers of delivery views (GET /v1/deliveries/{tag} and its summary) kept
// while nothing they were computed from changed: no run of its nodes, no node
// of it, and no node joined its tag (ChangeFeed::last_change). A view is
// stored with the feed's sequence number taken BEFORE it was computed, so a
// write during the computation makes it stale at once. Only for a store no
// other process writes (SQLite): with several orchestrators on PostgreSQL the
// other replicas' writes never reach this feed, and the cache is off.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/api_types.hpp"
#include "live/change_feed.hpp"

namespace kiln::orchestrator {

class ReadCache {
 public:
  explicit ReadCache(const ChangeFeed& feed, bool enabled = true)
      : feed_(feed), enabled_(enabled) {}

  // What `compute` would answer for `key`: from the cache while current, else
  // computed (and kept when it is a 200). A 200 is answered as its JSON text
  // (content_type and text set, body empty): a hit costs no serialization. `compute` returns the
  // answer and the nodes and delivery tag it read.
  struct Computed {
    ApiResponse answer;
    std::vector<std::string> nodes;
    std::string delivery;
  };
  template <class F>
  ApiResponse get(const std::string& key, F&& compute) {
    if (!enabled_) return compute().answer;
    if (auto hit = lookup(key)) return *hit;
    const long long before = feed_.seq();
    Computed c = compute();
    if (c.answer.status != 200) return std::move(c.answer);
    return keep(key, before, std::move(c));
  }

  // Forgets every view (the configs they were judged against were reloaded).
  void clear();
  [[nodiscard]] bool enabled() const { return enabled_; }
  [[nodiscard]] std::size_t hits() const;

 private:
  struct Entry {
    long long seq;
    ApiResponse answer;
    std::vector<std::string> nodes;
    std::string delivery;
  };
  std::optional<ApiResponse> lookup(const std::string& key);
  ApiResponse keep(const std::string& key, long long seq, Computed c);

  const ChangeFeed& feed_;
  const bool enabled_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t hits_ = 0;
};

}  // namespace kiln::orchestrator
