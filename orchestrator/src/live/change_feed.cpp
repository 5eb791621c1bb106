#include "live/change_feed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <set>

namespace kiln::orchestrator {
namespace {

std::string fresh_epoch() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}", rd(), rd());
}

}  // namespace

ChangeFeed::ChangeFeed(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)), epoch_(fresh_epoch()) {}

ChangeFeed::~ChangeFeed() {
  close();
  if (timer_.joinable()) timer_.join();
}

void ChangeFeed::publish(const std::string& run, const std::string& node,
                         const std::string& delivery) {
  std::vector<Waiter> woken;
  std::vector<ChangeSet> answers;
  {
    std::lock_guard lock(mu_);
    changes_.push_back(Change{++seq_, run, node});
    if (!node.empty()) {
      node_seq_[node] = seq_;
    } else if (!run.empty()) {
      unknown_seq_ = seq_;
    }
    if (!delivery.empty()) delivery_seq_[delivery] = seq_;
    if (changes_.size() > capacity_) changes_.pop_front();
    if (waiters_.empty()) return;
    woken.swap(waiters_);
    for (const auto& w : woken) answers.push_back(since_locked(w.after, w.epoch));
  }
  for (std::size_t i = 0; i < woken.size(); ++i) woken[i].done(std::move(answers[i]));
}

ChangeSet ChangeFeed::since(long long after, const std::string& epoch) const {
  std::lock_guard lock(mu_);
  return since_locked(after, epoch);
}

ChangeSet ChangeFeed::since_locked(long long after, const std::string& epoch) const {
  ChangeSet out;
  out.epoch = epoch_;
  out.seq = seq_;
  if (epoch != epoch_ || after > seq_) {  // another process's numbers: read everything again
    out.reset = true;
    return out;
  }
  if (after >= seq_) return out;
  const long long oldest = changes_.empty() ? seq_ + 1 : changes_.front().seq;
  if (after + 1 < oldest) out.reset = true;  // some of what changed is no longer kept
  std::set<std::string> runs;
  std::set<std::string> nodes;
  for (auto it = changes_.rbegin(); it != changes_.rend() && it->seq > after; ++it) {
    if (!it->run.empty() && runs.insert(it->run).second) out.runs.push_back(it->run);
    if (!it->node.empty() && nodes.insert(it->node).second) out.nodes.push_back(it->node);
  }
  return out;
}

void ChangeFeed::wait(long long after, const std::string& epoch, std::chrono::milliseconds timeout,
                      Done done) {
  ChangeSet now;
  {
    std::lock_guard lock(mu_);
    now = since_locked(after, epoch);
    if (!closed_ && !now.reset && now.seq <= after) {
      waiters_.push_back(
          Waiter{after, epoch, std::chrono::steady_clock::now() + timeout, std::move(done)});
      if (!timer_.joinable()) timer_ = std::thread([this]() { timer_loop(); });
      timer_cv_.notify_one();
      return;
    }
  }
  done(std::move(now));
}

void ChangeFeed::timer_loop() {
  std::unique_lock lock(mu_);
  while (!closed_) {
    auto next = std::chrono::steady_clock::time_point::max();
    for (const auto& w : waiters_) next = std::min(next, w.deadline);
    if (next == std::chrono::steady_clock::time_point::max()) {
      timer_cv_.wait(lock);
    } else {
      timer_cv_.wait_until(lock, next);
    }
    const auto now = std::chrono::steady_clock::now();
    std::vector<Waiter> due;
    auto split = std::partition(waiters_.begin(), waiters_.end(),
                                [now](const Waiter& w) { return w.deadline > now; });
    std::move(split, waiters_.end(), std::back_inserter(due));
    waiters_.erase(split, waiters_.end());
    if (due.empty()) continue;
    std::vector<ChangeSet> answers;
    for (const auto& w : due) {
      answers.push_back(since_locked(w.after, w.epoch));
      answers.back().timed_out = true;
    }
    lock.unlock();
    for (std::size_t i = 0; i < due.size(); ++i) due[i].done(std::move(answers[i]));
    lock.lock();
  }
}

void ChangeFeed::close() {
  std::vector<Waiter> woken;
  std::vector<ChangeSet> answers;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    woken.swap(waiters_);
    for (const auto& w : woken) answers.push_back(since_locked(w.after, w.epoch));
  }
  timer_cv_.notify_all();
  for (std::size_t i = 0; i < woken.size(); ++i) woken[i].done(std::move(answers[i]));
}

long long ChangeFeed::last_change(const std::vector<std::string>& nodes,
                                  const std::string& delivery) const {
  std::lock_guard lock(mu_);
  long long last = unknown_seq_;
  auto newest = [&last](const std::unordered_map<std::string, long long>& seqs,
                        const std::string& key) {
    if (auto it = seqs.find(key); it != seqs.end()) last = std::max(last, it->second);
  };
  for (const auto& n : nodes) newest(node_seq_, n);
  newest(delivery_seq_, delivery);
  return last;
}

long long ChangeFeed::seq() const {
  std::lock_guard lock(mu_);
  return seq_;
}

std::size_t ChangeFeed::waiting() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

}  // namespace kiln::orchestrator
