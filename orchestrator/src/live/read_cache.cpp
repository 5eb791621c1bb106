#include "live/read_cache.hpp"

namespace kiln::orchestrator {

namespace {
constexpr std::size_t kMaxEntries = 256;  // deliveries x views; cleared whole beyond
}  // namespace

std::optional<ApiResponse> ReadCache::lookup(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  const Entry& e = it->second;
  if (feed_.last_change(e.runs, e.nodes, e.delivery) > e.seq) {
    entries_.erase(it);
    return std::nullopt;
  }
  ++hits_;
  return e.answer;
}

void ReadCache::keep(const std::string& key, long long seq, const Computed& c) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[key] = Entry{seq, c.answer, c.runs, c.nodes, c.delivery};
}

std::size_t ReadCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

}  // namespace kiln::orchestrator
