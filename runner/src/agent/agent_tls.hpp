// The agent API over TLS, as IPA's automatic TLS does it: the agent makes its
// own self-signed certificate for the host in its callback URL and hands it to
// Ironic in every heartbeat (agent_verify_ca, API 1.68); Ironic stores it and
// verifies the agent's https:// callback against it ([agent] require_tls makes
// plain http refused).
//
// Unlike IPA's, the key is not random: it is derived from the agent token and
// the node (HMAC-SHA256), and the certificate is Ed25519 (deterministic
// signatures) with fixed dates and serial. The same token on the same node gives
// the same certificate byte for byte, so the agent of a node that reset during
// a step (a pre-generated token, ipa-agent-token=) presents the certificate
// Ironic already holds — Ironic refuses a changed one ("Detected change in
// ramdisk provided agent_verify_ca") until the cleaning ends.
#pragma once

#include <string>

#include "kiln/expected.hpp"

namespace kiln::runner::agent {

struct AgentCertificate {
  std::string cert_pem;  // what the heartbeat sends as agent_verify_ca
  std::string key_pem;
};

// A certificate for HOST (an IPv4/IPv6 address or a DNS name: subjectAltName
// IP or DNS), its key derived from TOKEN and NODE_UUID. Errors name the host.
Expected<AgentCertificate> agent_certificate(const std::string& host, const std::string& token,
                                             const std::string& node_uuid);

// The host of an http:// or https:// URL ("https://[::1]:9999/x" -> "::1").
std::string url_host(const std::string& url);

}  // namespace kiln::runner::agent
