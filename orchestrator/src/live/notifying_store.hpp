// A RunStore that publishes each successful write to a ChangeFeed (the run, its
// node, and a node's delivery tag) and forwards everything else unchanged. The
// node of a run is remembered from every run it reads or creates (a runner's
// write is always preceded by the read that authorizes it); a write of a run
// it has not seen is published without a node, which ChangeFeed counts as a
// change of everything. Each node's asset tag is told to the feed from every
// node it reads (and, for a runner's run, looked up once), so a page waiting
// for one delivery is not woken by another's runners (ChangeFeed).
// kiln-orchestrator wraps its store in one, so every writer (API, Ironic
// driver, runner watchdog) feeds the dashboard's long poll.
#pragma once

#include <mutex>
#include <unordered_map>

#include "live/change_feed.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

class NotifyingRunStore final : public RunStore {
 public:
  NotifyingRunStore(RunStore& inner, ChangeFeed& feed) : inner_(inner), feed_(feed) {}

  [[nodiscard]] std::string backend() const override { return inner_.backend(); }
  Status check_writable() override { return inner_.check_writable(); }

  Status upsert_node(const NodeRecord& node) override;
  Expected<std::optional<NodeRecord>> find_node(const std::string& uuid) override;
  Expected<std::vector<NodeRecord>> list_nodes() override { return learned(inner_.list_nodes()); }
  Expected<std::vector<NodeRecord>> list_delivery_nodes(const std::string& tag) override {
    return learned(inner_.list_delivery_nodes(tag));
  }
  Expected<NodePage> list_nodes_page(const NodePageQuery& query) override;
  Expected<std::vector<BurninCounts>> burnin_counts(
      const std::optional<std::string>& tag) override {
    return inner_.burnin_counts(tag);
  }
  Expected<std::vector<DecommissionTally>> decommission_counts(
      const std::optional<std::string>& tag) override {
    return inner_.decommission_counts(tag);
  }

  Status create_run(const RunRow& run) override;
  Expected<std::optional<RunConflict>> create_runs(const std::vector<RunRow>& runs) override;
  Expected<std::optional<RunRow>> find_run(const std::string& id) override {
    return remembered(inner_.find_run(id));
  }
  // A runner's calls: the run's node's delivery is looked up once when the feed does not know it.
  Expected<std::optional<RunRow>> find_run_by_token_hash(const std::string& token_hash) override {
    return with_delivery(remembered(inner_.find_run_by_token_hash(token_hash)));
  }
  Expected<std::optional<RunRow>> find_run_for_batch(const std::string& id) override {
    return with_delivery(remembered(inner_.find_run_for_batch(id)));
  }
  using RunStore::list_runs;
  Expected<std::vector<RunRow>> list_runs(const RunQuery& query) override {
    return remembered(inner_.list_runs(query));
  }
  Expected<std::vector<RunRow>> runs_in_flight() override {
    return remembered(inner_.runs_in_flight());
  }

  Status set_run_state(const std::string& id, const std::string& state) override;
  Status set_token_hash(const std::string& id, const std::string& token_hash) override;
  Status set_directive(const std::string& id, const std::string& directive) override;
  Status record_heartbeat(const std::string& id) override;
  Status store_report(const std::string& id, const std::string& report,
                      const std::string& verdict) override;
  Status set_driver_state(const std::string& id, const std::string& driver_state,
                          const std::string& driver_error) override;

  Status set_runner(const std::string& id, const std::string& boot_id,
                    const std::string& instance) override {
    return inner_.set_runner(id, boot_id, instance);  // not shown in any view
  }
  Expected<RunEvent> record_boot_event(const RunEvent& event, const std::string& boot_id,
                                       const std::string& instance) override;
  Expected<std::vector<RunEvent>> run_events(const std::string& run_id) override {
    return inner_.run_events(run_id);
  }
  Expected<std::vector<ArtifactLine>> artifacts_containing(const std::string& run_id,
                                                           const std::string& text) override {
    return inner_.artifacts_containing(run_id, text);
  }
  Expected<IngestResult> ingest(const std::string& run_id,
                                const std::vector<ArtifactLine>& lines) override;
  Expected<std::vector<ArtifactLine>> artifacts(const std::string& run_id) override {
    return inner_.artifacts(run_id);
  }
  void ingest_async(const std::string& run_id, std::vector<ArtifactLine> lines,
                    IngestDone done) override;

  Expected<bool> store_certificate(const CertificateRow& certificate) override;
  Expected<std::optional<CertificateRow>> find_certificate(const std::string& run_id) override {
    return inner_.find_certificate(run_id);
  }
  Expected<std::optional<CertificateRow>> latest_certificate(
      const std::string& node_uuid) override {
    return inner_.latest_certificate(node_uuid);
  }

 private:
  Status published(Status status, const std::string& run, const std::string& node = {});
  void publish(const std::string& run, const std::string& node = {});
  void remember(const RunRow& run);
  Expected<std::optional<RunRow>> remembered(Expected<std::optional<RunRow>> found);
  Expected<std::vector<RunRow>> remembered(Expected<std::vector<RunRow>> found);
  Expected<std::vector<NodeRecord>> learned(Expected<std::vector<NodeRecord>> found);
  Expected<std::optional<RunRow>> with_delivery(Expected<std::optional<RunRow>> found);

  RunStore& inner_;
  ChangeFeed& feed_;
  std::mutex mu_;
  std::unordered_map<std::string, std::string> run_node_;  // run id -> node uuid
};

}  // namespace kiln::orchestrator
