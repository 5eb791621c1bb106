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
  if (feed_.last_change(e.nodes, e.delivery) > e.seq) {
    entries_.erase(it);
    return std::nullopt;
  }
  ++hits_;
  return e.answer;
}

ApiResponse ReadCache::keep(const std::string& key, long long seq, Computed c) {
  ApiResponse text;
  text.status = c.answer.status;
  text.headers = std::move(c.answer.headers);
  if (c.answer.content_type.empty()) {  // as the server would write the JSON body
    text.content_type = "application/json";
    text.text = c.answer.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    text.content_type = std::move(c.answer.content_type);
    text.text = std::move(c.answer.text);
  }
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[key] = Entry{seq, text, std::move(c.nodes), std::move(c.delivery)};
  return text;
}

void ReadCache::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

std::size_t ReadCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

}  // namespace kiln::orchestrator
