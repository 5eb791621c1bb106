// kiln-orchestrator's configuration (YAML, a local file the operator owns).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::orchestrator {

// `ironic.auth`: how the orchestrator's client authenticates to Ironic's API.
struct IronicAuth {
  // none (Ironic's noauth) | http_basic (Ironic's standalone mode) | keystone
  std::string type = "none";
  std::string username;
  std::string password_file;  // one line; read by load_orchestrator_config
  std::string password;       // from password_file; never logged
  // keystone (ironic/keystone_session.hpp): a password (username, password_file,
  // project_name and the domains) or an application credential (its id and secret_file).
  std::string auth_url;  // Keystone's identity endpoint, e.g. https://keystone:5000/v3
  std::string project_name;
  std::string user_domain_name = "Default";
  std::string project_domain_name = "Default";
  std::string region;  // the catalog's region for Ironic's endpoint; empty: any
  std::string application_credential_id;
  std::string application_credential_secret_file;  // one line
  std::string application_credential_secret;       // from the file; never logged
};

struct IronicSettings {
  std::string url;  // empty: no Ironic (unless auth is keystone: then from the catalog)
  // Whether the orchestrator drives Ironic: a url, or Keystone's catalog names it.
  [[nodiscard]] bool enabled() const { return !url.empty() || auth.type == "keystone"; }
  // `ironic.method`: deploy (the ramdisk deploy interface boots kiln's image as
  // the instance) | clean (a manual cleaning with kiln's kiln_burnin step, kiln's
  // image as the node's deploy ramdisk: ironic/clean_steps.hpp).
  std::string method = "deploy";
  std::string ca_file;  // `ironic.ca_file`: PEM trust anchors of an https Ironic
  IronicAuth auth;
  std::string deploy_interface = "ramdisk";  // "fake" in tests
  std::string kernel_url;
  std::string ramdisk_url;
  std::string extra_kernel_params;  // appended after kiln.url/kiln.node/kiln.token
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds max_backoff{30000};
  int error_retries = 1;  // an ERROR verdict is retried this many times, then treated as FAIL
  std::chrono::seconds request_timeout{30};
  // `decommission.delete_node`: delete a decommissioned (retired) node from Ironic at the end.
  bool decommission_delete_node = false;
  // `decommission.certificate_wait_s`: how long a PASS waits for its certificate.
  std::chrono::seconds decommission_certificate_wait{300};
};

// Batch (outlier) analysis of a delivery (analysis/, docs/orchestrator.md).
struct OutlierSettings {
  bool fail = false;  // `outliers: fail`: an outlier fails its node; `flag`: flagged
  double k = 3.5;     // `outlier_k`: robust z beyond which a node is an outlier
  int min_batch = 5;  // `outlier_min_batch`: fewer nodes, no outlier verdict
  double min_deviation_percent = 3.0;  // `outlier_min_deviation_percent`: smaller is noise
};

// `summary_values_max_nodes`: a delivery summary of more nodes bins each
// figure's values instead of listing every node's (analysis/delivery_summary.hpp).
inline constexpr std::size_t kSummaryValuesMaxNodes = 1000;

struct OrchestratorConfig {
  std::string listen = "127.0.0.1";
  unsigned short port = 8480;  // 0: the kernel picks one (written to --port-file)
  std::string public_url;      // what runners are told (kiln.url); default http://listen:port
  std::string store = "sqlite:///var/lib/kiln/kiln.db";
  std::string operator_token;
  // `operator_token_file`: the token read from this file instead (the Debian
  // package generates /etc/kiln/operator-token, root:kiln 0640, at install).
  std::string operator_token_file;
  // `log_level`: debug | info | warning | error (log/log.hpp).
  std::string log_level = "info";
  std::size_t max_body_bytes = 4U * 1024U * 1024U;
  std::size_t max_batch_lines = 10000;
  std::string config_dir;  // profiles/ + deliveries/ to resolve a registering node's config
  int workers = 2;         // threads that run handlers (store writes) off the event loop
  // `tls.cert` / `tls.key`: PEM certificate (chain) and key; both empty = plain HTTP.
  std::string tls_cert;
  std::string tls_key;
  IronicSettings ironic;
  // Ed25519 private key (PEM) that signs decommission certificates; created
  // (mode 0600) at the first start when missing. Empty: no decommissions.
  std::string certificate_key;
  // `runner_timeout`: a run whose runner said nothing this long ends ERROR (0: never).
  std::chrono::seconds runner_timeout{900};
  OutlierSettings outliers;
  std::size_t summary_values_max_nodes = kSummaryValuesMaxNodes;
  // The dashboard and /metrics (config/dashboard_config.hpp, docs/dashboard.md).
  std::vector<std::string> viewer_tokens;  // `viewer_tokens`: read-only (GETs), never act
  std::string ui_dir;                      // `ui_dir`: the dashboard's files; empty: built-in path
  std::string metrics_token;               // `metrics_token`: GET /metrics needs it (empty: open)
};

// Reads the file, and operator_token_file when set.
Expected<OrchestratorConfig> load_orchestrator_config(const std::string& path);
// Text only: an operator_token_file is not read (its token is checked by
// load_orchestrator_config).
Expected<OrchestratorConfig> parse_orchestrator_config(const std::string& yaml_text,
                                                       const std::string& file_name);

}  // namespace kiln::orchestrator
