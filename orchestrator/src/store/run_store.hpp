// What the orchestrator keeps: nodes, burn-in runs, and every OCPTV artifact
// a runner sent, keyed by (run, sequenceNumber). Every mutating call commits
// before it returns, so the API acknowledges only what is durable.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::orchestrator {

struct NodeRecord {
  std::string uuid;       // Ironic node UUID
  std::string asset_tag;  // FRU Product Asset Tag = delivery
  std::string serial;     // FRU Product Serial
  std::string dmi_serial;
  std::vector<std::string> macs;
  std::string updated_at;
};

struct RunRow {
  std::string id;
  std::string node_uuid;
  std::string token_hash;              // SHA-256 hex of the node's bearer token
  std::string state = "started";       // started | registered | reported | aborted
  std::string directive = "continue";  // continue | abort
  std::string stage;                   // current stage (from testStepStart artifacts)
  double progress = 0;                 // percent of the current stage
  std::string verdict;                 // PASS | FAIL | ERROR once reported
  std::string report;                  // report.json text (list_runs: only with_report)
  bool has_report = false;             // a report is stored (report may still be unread)
  std::string report_summary;          // {"failures": [...], "stages": [{name, verdict}]}
  std::string driver_state = "none";   // Ironic state machine position ("none" without Ironic)
  std::string driver_error;
  int attempt = 1;           // 1 + how many times an ERROR was retried
  long long acked_seq = -1;  // highest contiguous sequenceNumber stored
  long long artifact_count = 0;
  std::string created_at;
  std::string updated_at;
  std::string last_heartbeat;
  std::string kind = "burnin";  // burnin | decommission
  std::string operator_name;    // who started it (POST /v1/decommissions "operator")
  std::string boot_id;          // the runner's boot id at its last registration ("" before)
  std::string runner_instance;  // that runner process's random id: only it may stream
};

// Something that happened to a run besides its artifacts: a runner that
// registered again after an unexpected reboot ("unexpected_reboot") or after
// its process restarted on the same boot ("runner_restart"). `detail` is JSON
// text: the boot ids, the stage that was running, its last progress, when.
struct RunEvent {
  std::string run_id;
  long long seq = 0;  // 0, 1, ... per run
  std::string kind;
  std::string at;  // RFC 3339, when the orchestrator recorded it
  std::string detail;
  long long acknowledged = -1;  // where the stream stood once it was recorded
  long long lost = 0;           // sequence numbers the old boot never delivered
};

// A decommission certificate as the orchestrator signed it (one per run).
struct CertificateRow {
  std::string run_id;
  std::string node_uuid;
  std::string body_sha256;  // SHA-256 hex of the canonical text of the runner's body
  std::string key_id;       // the signing key
  std::string document;     // {"certificate": body, "signature": {...}} as text
  std::string created_at;
};

// One artifact as parsed by the API (sequence number + raw line), with what
// it says about the run's progress.
struct ArtifactLine {
  long long seq = 0;
  std::string line;
  std::optional<std::string> stage;  // testStepStart name
  std::optional<double> progress;    // "progress" series element value
};

// Which runs list_runs answers: every filter is a SQL WHERE (none: every run).
struct RunQuery {
  std::optional<std::string> node;      // this node's runs
  std::optional<std::string> delivery;  // runs of the nodes with this asset tag
  std::optional<std::string> kind;      // burnin | decommission
  bool unfinished = false;              // state neither reported nor aborted
  bool latest_per_node = false;         // each node's newest run (of `kind` when given)
  bool with_report = false;             // fill RunRow::report (the full report text)
  // Only these nodes' runs (a page of nodes); an empty list selects no run.
  std::optional<std::vector<std::string>> nodes;
};

// One page of nodes in UUID order, keyset paging: the page after the node
// UUID `after` ("" from the first), at most `limit` nodes.
struct NodePageQuery {
  std::optional<std::string> delivery;  // only the nodes with this asset tag
  std::string after;
  std::size_t limit = 500;
};

struct NodePage {
  std::vector<NodeRecord> nodes;
  std::optional<std::string> next;  // the last UUID of this page, when more nodes follow
};

// Every run of the nodes of delivery `tag`, with its report: what the
// delivery summary, its firmware view and the delivery report read.
inline RunQuery delivery_runs_query(const std::string& tag) {
  RunQuery query;
  query.delivery = tag;
  query.with_report = true;
  return query;
}

// A delivery's nodes counted by their latest burn-in run (GET /v1/deliveries):
// one GROUP BY in the database, not a row per node.
struct BurninCounts {
  std::string tag;
  int nodes = 0;           // every node with this asset tag
  int passed = 0;          // latest burn-in PASS
  int failed = 0;          // FAIL
  int errored = 0;         // ERROR
  int running = 0;         // a latest burn-in without a verdict yet
  std::string started_at;  // the earliest created_at of those latest burn-ins ("" if none)
};

// A delivery's nodes counted by their latest decommission run (GET
// /v1/deliveries): one GROUP BY over every delivery, with the certificates.
struct DecommissionTally {
  std::string tag;
  int nodes = 0;      // with a decommission run
  int wiped = 0;      // the latest one's verdict PASS
  int certified = 0;  // the latest one has a stored certificate
  int failed = 0;     // FAIL or ERROR
  int running = 0;    // no verdict yet
};

// Why create_runs started nothing: this node has an unfinished run.
struct RunConflict {
  std::string node_uuid;
  std::string run_id;
  std::string kind;
};

struct IngestResult {
  long long acknowledged = -1;  // highest contiguous sequenceNumber stored
  int stored = 0;               // new lines (a replayed line is not stored again)
};

class RunStore {
 public:
  virtual ~RunStore() = default;
  [[nodiscard]] virtual std::string backend() const = 0;
  // Whether the store takes a write now (GET /readyz): one small durable
  // write; an error says why not (disk full, read-only, a standby, down).
  virtual Status check_writable() = 0;

  virtual Status upsert_node(const NodeRecord& node) = 0;
  virtual Expected<std::optional<NodeRecord>> find_node(const std::string& uuid) = 0;
  virtual Expected<std::vector<NodeRecord>> list_nodes() = 0;
  // The nodes whose asset tag is `tag` (ordered by UUID).
  virtual Expected<std::vector<NodeRecord>> list_delivery_nodes(const std::string& tag) = 0;
  // Per asset tag (only `tag` when given), ordered by tag; nodes without an
  // asset tag are not counted.
  virtual Expected<std::vector<BurninCounts>> burnin_counts(
      const std::optional<std::string>& tag) = 0;
  // Per asset tag (only `tag` when given) with at least one decommissioned
  // node, ordered by tag; nodes without an asset tag are not counted.
  virtual Expected<std::vector<DecommissionTally>> decommission_counts(
      const std::optional<std::string>& tag) = 0;
  // A page of nodes (of a delivery, or all), ordered by UUID; an index serves it.
  virtual Expected<NodePage> list_nodes_page(const NodePageQuery& query) = 0;

  // A node has at most one unfinished run (state neither reported nor
  // aborted): the database refuses a second one, whichever replica asks.
  virtual Status create_run(const RunRow& run) = 0;
  // Creates every run (and a bare node row for a node not known yet) in ONE
  // transaction, or none: a node with an unfinished run stops them all and is
  // answered. Safe against concurrent starts on other replicas.
  virtual Expected<std::optional<RunConflict>> create_runs(const std::vector<RunRow>& runs) = 0;
  virtual Expected<std::optional<RunRow>> find_run(const std::string& id) = 0;
  virtual Expected<std::optional<RunRow>> find_run_by_token_hash(const std::string& token_hash) = 0;
  // The run as the artifact path needs it, at every batch: its token hash,
  // directive, driver state, kind and operator are current; its stream
  // figures (acked_seq, stage, progress, artifact_count, last_heartbeat) may
  // lag. A store may answer it from memory; this default reads like find_run.
  virtual Expected<std::optional<RunRow>> find_run_for_batch(const std::string& id) {
    return find_run(id);
  }
  // Runs as `query` selects them, in creation order.
  virtual Expected<std::vector<RunRow>> list_runs(const RunQuery& query) = 0;
  // Every run with its report (small stores and tests; operator views query).
  Expected<std::vector<RunRow>> list_runs() {
    RunQuery all;
    all.with_report = true;
    return list_runs(all);
  }
  // Runs whose Ironic state machine is still moving (driver_state not none/done).
  virtual Expected<std::vector<RunRow>> runs_in_flight() = 0;

  virtual Status set_run_state(const std::string& id, const std::string& state) = 0;
  virtual Status set_token_hash(const std::string& id, const std::string& token_hash) = 0;
  virtual Status set_directive(const std::string& id, const std::string& directive) = 0;
  virtual Status record_heartbeat(const std::string& id) = 0;
  virtual Status store_report(const std::string& id, const std::string& report,
                              const std::string& verdict) = 0;
  virtual Status set_driver_state(const std::string& id, const std::string& driver_state,
                                  const std::string& driver_error) = 0;

  // The boot id and process the runner registered with (its first registration).
  virtual Status set_runner(const std::string& id, const std::string& boot_id,
                            const std::string& instance) = 0;
  // A runner registered again on a run it had streamed to: in one
  // transaction, sets the run's boot id and instance (set_runner), closes the stream where
  // it stands (what the old boot sent and was never stored is gone with its
  // ramdisk, so acked_seq moves to the highest stored sequence number and the
  // new runner continues after it) and appends `event`; returns the event as
  // stored (its seq, acknowledged and lost filled in).
  virtual Expected<RunEvent> record_boot_event(const RunEvent& event, const std::string& boot_id,
                                               const std::string& instance) = 0;
  virtual Expected<std::vector<RunEvent>> run_events(const std::string& run_id) = 0;
  // The run's artifact lines that contain `text` (a SQL LIKE, in seq order):
  // what a resumed run needs of a long stream without reading all of it.
  virtual Expected<std::vector<ArtifactLine>> artifacts_containing(const std::string& run_id,
                                                                   const std::string& text) = 0;

  // Stores a batch in one transaction; lines already stored are skipped.
  virtual Expected<IngestResult> ingest(const std::string& run_id,
                                        const std::vector<ArtifactLine>& lines) = 0;
  virtual Expected<std::vector<ArtifactLine>> artifacts(const std::string& run_id) = 0;
  // Group commit: queues the batch; one writer stores every batch waiting in
  // ONE transaction and, only after its commit, calls each `done` (on the
  // writer's thread; it must not block). This default stores it inline.
  using IngestDone = std::function<void(Expected<IngestResult>)>;
  virtual void ingest_async(const std::string& run_id, std::vector<ArtifactLine> lines,
                            IngestDone done) {
    done(ingest(run_id, lines));
  }

  // Decommission certificates (sql_certificates.cpp). store_certificate keeps
  // the first one of a run: a second insert for the same run stores nothing
  // and returns false.
  virtual Expected<bool> store_certificate(const CertificateRow& certificate) = 0;
  virtual Expected<std::optional<CertificateRow>> find_certificate(const std::string& run_id) = 0;
  virtual Expected<std::optional<CertificateRow>> latest_certificate(
      const std::string& node_uuid) = 0;
};

// "sqlite:///path" (or a plain path) or "postgresql://..." / "host=... dbname=...".
Expected<std::unique_ptr<RunStore>> open_run_store(const std::string& url);

// Current UTC time as RFC 3339 ("2026-11-21T14:46:57Z").
std::string utc_now();

}  // namespace kiln::orchestrator
