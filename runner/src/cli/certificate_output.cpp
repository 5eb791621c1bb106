#include "cli/certificate_output.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "cli/commands.hpp"
#include "kiln/certificate_html.hpp"
#include "kiln/json_input.hpp"
#include "kiln/signature.hpp"
#include "report/orchestrator_client.hpp"

namespace kiln::runner {
namespace {

Status write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.flush()) return make_error("KILN-OUTPUT", fmt::format("cannot write {}", path.string()));
  return ok();
}

std::string key_id_of(const nlohmann::json& doc) {
  return json_string(doc["signature"], "key_id").value_or("?");
}

}  // namespace

Expected<CertificateOutput> write_certificate(const RunRecord& run,
                                              const CertificateContext& context,
                                              const std::filesystem::path& out_dir,
                                              const std::string& signing_key,
                                              OrchestratorReporter* reporter) {
  nlohmann::json body = build_certificate_body(run, context);
  nlohmann::json document{{"certificate", body}};
  CertificateOutput out{out_dir / "certificate.json", out_dir / "certificate.html", {}};
  std::optional<Error> problem;
  if (reporter != nullptr) {
    auto signed_doc = reporter->post_certificate(body, std::chrono::seconds(60));
    if (signed_doc) {
      // Only what we sent, signed: a reply with another body is not ours to store.
      auto check = signature::verify_document(*signed_doc, std::nullopt);
      if (check && check->valid && (*signed_doc)["certificate"] == body) {
        document = *signed_doc;
        out.signed_by = fmt::format("the orchestrator (key {})", key_id_of(document));
      } else {
        problem = make_error("KILN-ORCH",
                             "the orchestrator's signed certificate does not verify or is not "
                             "the body kiln sent: written unsigned");
      }
    } else {
      problem = signed_doc.error();
    }
  } else if (!signing_key.empty()) {
    auto key = signature::load_or_create_key(signing_key, false);
    if (!key) return key.error();
    auto signed_doc = signature::sign_document(body, *key);
    if (!signed_doc) return signed_doc.error();
    document = *signed_doc;
    out.signed_by = fmt::format("local key {} ({})", key_id_of(document), signing_key);
  }
  if (auto w = write_text(out.json_path, document.dump(2) + "\n"); !w) return w.error();
  if (auto w = write_text(out.html_path, render_certificate_html(document)); !w) return w.error();
  if (problem) return *problem;  // the unsigned files are written; the caller says why unsigned
  return out;
}

int cmd_certificate_verify(const std::string& file, const std::string& public_key) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "kiln-runner: error: cannot read {}\n", file);
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto doc = parse_json(text.str(), file, 64U * 1024U * 1024U);
  if (!doc) {
    fmt::print(stderr, "kiln-runner: error: {}\n", doc.error().message);
    return 2;
  }
  std::optional<signature::PublicKey> trusted;
  if (!public_key.empty()) {
    auto key = signature::load_public_key(public_key);
    if (!key) {
      fmt::print(stderr, "kiln-runner: error: {}\n", key.error().message);
      return 2;
    }
    trusted = *key;
  }
  if (doc->is_object() && doc->contains("certificate") && !doc->contains("signature")) {
    fmt::print(stderr, "{}: UNSIGNED: the certificate carries no signature\n", file);
    return 2;
  }
  auto v = signature::verify_document(*doc, trusted);
  if (!v) {
    fmt::print(stderr, "kiln-runner: error: {}: {}\n", file, v.error().message);
    return 2;
  }
  if (!v->valid) {
    fmt::print("{}: INVALID: {}\n", file, v->reason);
    return 1;
  }
  fmt::print("{}: valid, signed by key {}{}\n", file, v->key_id,
             trusted ? " (the trusted key)"
                     : " (key embedded in the document; pass --public-key to pin it)");
  return 0;
}

}  // namespace kiln::runner
