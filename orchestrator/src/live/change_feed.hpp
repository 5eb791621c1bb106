// What changed in the store, for the dashboard's long poll (GET /v1/events):
// every write through NotifyingRunStore publishes the run (and node) it
// touched with a sequence number; a page waits for a sequence number past the
// one it has seen, then reads what it shows again. The feed is per process
// (its `epoch` changes at every start: a page that sees another epoch reads
// everything again) and keeps the last `capacity` changes; a wait from
// further back is answered `reset`.
// A page may wait for the changes of one delivery only (`delivery`): the feed
// knows each node's asset tag from its upserts and from what the store read
// (learn_node); a change of a node it does not know, or of a run of no known
// node, counts for every delivery.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
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
  // A node's row written with asset tag `delivery` ("" none): a change of that
  // delivery and of the one the feed knew the node in before.
  void publish_node(const std::string& node, const std::string& delivery);
  // The asset tag of `node` as the store answered it ("" none), unless the
  // feed knows it already (its own upserts are newer than any read).
  void learn_node(const std::string& node, const std::string& delivery);
  [[nodiscard]] bool knows_node(const std::string& node) const;

  [[nodiscard]] const std::string& epoch() const { return epoch_; }
  // `delivery`: only the changes that may concern that delivery (its nodes,
  // their runs, a node joining or leaving it, anything of an unknown node);
  // `reset` then also says some of them may no longer be listed.
  [[nodiscard]] ChangeSet since(long long after, const std::string& epoch,
                                const std::optional<std::string>& delivery = {}) const;

  // Calls `done` exactly once, never under the feed's lock: at once when
  // something changed after `after` (or `epoch` is not this feed's), else at
  // the next change, or with timed_out after `timeout`, or at close().
  // `done` runs on the publishing thread or the feed's timer thread: it must
  // not block.
  using Done = std::function<void(ChangeSet)>;
  // With `delivery`, only a change that may concern it answers the wait.
  void wait(long long after, const std::string& epoch, std::chrono::milliseconds timeout, Done done,
            std::optional<std::string> delivery = {});

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
    long long seq = 0;
    std::string run;
    std::string node;
    bool upsert = false;        // the node's row written, with asset tag `delivery`
    bool any_delivery = false;  // of a node (or run) whose delivery is not known
    std::string delivery;       // the node's asset tag ("" none)
    std::string left;           // an upsert: the tag the node had before, when another
    [[nodiscard]] bool concerns(const std::string& tag) const {
      return any_delivery || (!tag.empty() && (delivery == tag || left == tag));
    }
  };
  struct Waiter {
    long long after;
    std::string epoch;
    std::chrono::steady_clock::time_point deadline;
    Done done;
    std::optional<std::string> delivery;
  };
  void publish_locked(Change change, std::vector<Waiter>& woken, std::vector<ChangeSet>& answers);
  void publish_and_answer(Change change);
  ChangeSet since_locked(long long after, const std::string& epoch,
                         const std::optional<std::string>& delivery) const;
  // The newest change a wait with this filter is answered by.
  [[nodiscard]] long long newest_locked(const std::optional<std::string>& delivery) const;
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
  // Each node's asset tag as known; the last change that concerned each tag,
  // and the last of a node (or run) of no known tag.
  std::unordered_map<std::string, std::string> node_delivery_;
  std::unordered_map<std::string, long long> concerned_seq_;
  long long any_delivery_seq_ = 0;
  bool closed_ = false;
  std::thread timer_;  // started with the first wait
};

}  // namespace kiln::orchestrator
