#include "live/change_feed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <set>
#include <utility>

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
  if (!delivery.empty() && !node.empty()) return publish_node(node, delivery);
  Change c;
  c.run = run;
  c.node = node;
  c.delivery = delivery;  // a tag without its node: a change of that delivery
  publish_and_answer(std::move(c));
}

void ChangeFeed::publish_node(const std::string& node, const std::string& delivery) {
  Change c;
  c.node = node;
  c.upsert = true;
  c.delivery = delivery;
  publish_and_answer(std::move(c));
}

void ChangeFeed::learn_node(const std::string& node, const std::string& delivery) {
  if (node.empty()) return;
  std::lock_guard lock(mu_);
  node_delivery_.try_emplace(node, delivery);
}

bool ChangeFeed::knows_node(const std::string& node) const {
  std::lock_guard lock(mu_);
  return node_delivery_.contains(node);
}

void ChangeFeed::publish_and_answer(Change change) {
  std::vector<Waiter> woken;
  std::vector<ChangeSet> answers;
  {
    std::lock_guard lock(mu_);
    publish_locked(std::move(change), woken, answers);
  }
  for (std::size_t i = 0; i < woken.size(); ++i) woken[i].done(std::move(answers[i]));
}

void ChangeFeed::publish_locked(Change c, std::vector<Waiter>& woken,
                                std::vector<ChangeSet>& answers) {
  c.seq = ++seq_;
  if (c.upsert) {
    // A node the feed does not know yet counts for its new delivery only: a page showing the
    // delivery it may have left read that delivery's nodes, so it would know it.
    auto [it, added] = node_delivery_.try_emplace(c.node, c.delivery);
    if (!added && it->second != c.delivery) c.left = std::exchange(it->second, c.delivery);
    node_seq_[c.node] = seq_;
    if (!c.delivery.empty()) delivery_seq_[c.delivery] = seq_;
  } else if (!c.node.empty()) {
    node_seq_[c.node] = seq_;
    if (auto it = node_delivery_.find(c.node); it != node_delivery_.end()) {
      c.delivery = it->second;
    } else {
      c.any_delivery = true;
    }
  } else if (!c.run.empty()) {
    unknown_seq_ = seq_;
    c.any_delivery = c.delivery.empty();
  }
  if (c.any_delivery) any_delivery_seq_ = seq_;
  if (!c.delivery.empty()) concerned_seq_[c.delivery] = seq_;
  if (!c.left.empty()) concerned_seq_[c.left] = seq_;
  changes_.push_back(c);
  if (changes_.size() > capacity_) changes_.pop_front();
  if (waiters_.empty()) return;
  // A waiter for another delivery keeps waiting.
  auto keep = std::partition(waiters_.begin(), waiters_.end(), [&c](const Waiter& w) {
    return w.delivery && !c.concerns(*w.delivery);
  });
  std::move(keep, waiters_.end(), std::back_inserter(woken));
  waiters_.erase(keep, waiters_.end());
  for (const auto& w : woken) answers.push_back(since_locked(w.after, w.epoch, w.delivery));
}

ChangeSet ChangeFeed::since(long long after, const std::string& epoch,
                            const std::optional<std::string>& delivery) const {
  std::lock_guard lock(mu_);
  return since_locked(after, epoch, delivery);
}

long long ChangeFeed::newest_locked(const std::optional<std::string>& delivery) const {
  if (!delivery) return seq_;
  long long newest = any_delivery_seq_;
  if (auto it = concerned_seq_.find(*delivery); it != concerned_seq_.end())
    newest = std::max(newest, it->second);
  return newest;
}

ChangeSet ChangeFeed::since_locked(long long after, const std::string& epoch,
                                   const std::optional<std::string>& delivery) const {
  ChangeSet out;
  out.epoch = epoch_;
  out.seq = seq_;
  if (epoch != epoch_ || after > seq_) {  // another process's numbers: read everything again
    out.reset = true;
    return out;
  }
  if (after >= newest_locked(delivery)) return out;
  const long long oldest = changes_.empty() ? seq_ + 1 : changes_.front().seq;
  if (after + 1 < oldest) out.reset = true;  // some of what changed is no longer kept
  std::set<std::string> runs;
  std::set<std::string> nodes;
  for (auto it = changes_.rbegin(); it != changes_.rend() && it->seq > after; ++it) {
    if (delivery && !it->concerns(*delivery)) continue;
    if (!it->run.empty() && runs.insert(it->run).second) out.runs.push_back(it->run);
    if (!it->node.empty() && nodes.insert(it->node).second) out.nodes.push_back(it->node);
  }
  return out;
}

void ChangeFeed::wait(long long after, const std::string& epoch, std::chrono::milliseconds timeout,
                      Done done, std::optional<std::string> delivery) {
  ChangeSet now;
  {
    std::lock_guard lock(mu_);
    now = since_locked(after, epoch, delivery);
    if (!closed_ && !now.reset && newest_locked(delivery) <= after) {
      waiters_.push_back(Waiter{after, epoch, std::chrono::steady_clock::now() + timeout,
                                std::move(done), std::move(delivery)});
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
      answers.push_back(since_locked(w.after, w.epoch, w.delivery));
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
    for (const auto& w : woken) answers.push_back(since_locked(w.after, w.epoch, w.delivery));
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
