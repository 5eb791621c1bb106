// What changed in the store, for the dashboard's long poll (GET /v1/events):
// every write through NotifyingRunStore publishes the run (and node) it
// touched with a sequence number; a page waits for a sequence number past the
// one it has seen, then reads what it shows again. The feed is per process
// (its `epoch` changes at every start: a page that sees another epoch reads
// everything again) and keeps the last `capacity` changes; a wait from
// further back is answered `reset`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace kiln::orchestrator {

struct ChangeSet {
  std::string epoch;
  long long seq = 0;               // the newest change; wait again from here
  std::vector<std::string> runs;   // runs changed after the wait's `after`, each once
  std::vector<std::string> nodes;  // nodes named by those changes (a new run, an upsert)
  bool reset = false;              // `after` is older than the feed keeps, or of another epoch
  bool timed_out = false;          // nothing changed within the wait
};

class ChangeFeed {
 public:
  explicit ChangeFeed(std::size_t capacity = 4096);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // `delivery`: the asset tag, where the write names it (a node's upsert).
  void publish(const std::string& run, const std::string& node = {},
               const std::string& delivery = {});

  [[nodiscard]] const std::string& epoch() const { return epoch_; }
  [[nodiscard]] ChangeSet since(long long after, const std::string& epoch) const;

  // Calls `done` exactly once, never under the feed's lock: at once when
  // something changed after `after` (or `epoch` is not this feed's), else at
  // the next change, or with timed_out after `timeout`, or at close().
  // `done` runs on the publishing thread or the feed's timer thread: it must
  // not block.
  using Done = std::function<void(ChangeSet)>;
  void wait(long long after, const std::string& epoch, std::chrono::milliseconds timeout,
            Done done);

  // The newest change of any of these nodes (a change of a run counts for its
  // node), of a node upserted with this delivery tag, or of a run published
  // without its node (it may be any node's); 0 when none since the feed began.
  // A view computed from them when the feed stood at S is current while this is
  // <= S (ReadCache).
  [[nodiscard]] long long last_change(const std::vector<std::string>& nodes,
                                      const std::string& delivery) const;
  [[nodiscard]] long long seq() const;

  // Answers every wait now; later waits are answered at once. For shutdown.
  void close();
  [[nodiscard]] std::size_t waiting() const;

 private:
  struct Change {
    long long seq;
    std::string run;
    std::string node;
  };
  struct Waiter {
    long long after;
    std::string epoch;
    std::chrono::steady_clock::time_point deadline;
    Done done;
  };
  ChangeSet since_locked(long long after, const std::string& epoch) const;
  void timer_loop();

  const std::size_t capacity_;
  const std::string epoch_;
  mutable std::mutex mu_;
  std::condition_variable timer_cv_;
  std::deque<Change> changes_;
  long long seq_ = 0;
  std::vector<Waiter> waiters_;
  // The last change of each node and delivery tag, and of a run of no known node.
  std::unordered_map<std::string, long long> node_seq_;
  std::unordered_map<std::string, long long> delivery_seq_;
  long long unknown_seq_ = 0;
  bool closed_ = false;
  std::thread timer_;  // started with the first wait
};

}  // namespace kiln::orchestrator
