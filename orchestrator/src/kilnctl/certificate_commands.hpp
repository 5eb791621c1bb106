// kilnctl certificate get | verify.
#pragma once

#include <string>

#include "kiln/http_client.hpp"

namespace kiln::orchestrator {

// How kilnctl calls the orchestrator: 30 s per exchange, --ca's trust anchors.
http::CallOptions kilnctl_call_options(const std::string& ca_file);

struct OrchestratorAccess {
  std::string url;
  std::string token;
  std::string format;   // table | json
  std::string ca_file;  // --ca: trust anchors of an https:// orchestrator
};

struct CertificateGetOptions {
  std::string run_id;  // --run
  std::string node;    // --node (the node's latest certificate)
  std::string output;  // -o FILE ("" = stdout)
  bool html = false;   // --html
};

struct CertificateVerifyOptions {
  std::string file;
  std::string public_key;    // --public-key PEM
  std::string orchestrator;  // --orchestrator URL: fetch its public key
  std::string ca_file;       // --ca: trust anchors of an https:// --orchestrator
};

// Exit 0 when written, 1 when the orchestrator refused, 2 on usage/connection errors.
int certificate_get(const OrchestratorAccess& access, const CertificateGetOptions& options);
// Exit 0 VALID, 1 INVALID, 2 error (unreadable, not a certificate, no key).
int certificate_verify(const std::string& format, const CertificateVerifyOptions& options);

}  // namespace kiln::orchestrator
