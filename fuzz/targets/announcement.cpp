// The network stage's discovery datagrams (KILN-NET/1): as received, and
// re-signed with the delivery key so the fuzzer reaches the field checks
// behind the HMAC; what parses must encode and parse back the same.
#include "stages/network/announcement.hpp"

#include "fuzz_check.hpp"
#include "fuzz_target.hpp"

namespace kiln::fuzz {
namespace {

constexpr std::string_view kKey = "kiln-fuzz-delivery-key";

bool same(const runner::network::Announcement& a, const runner::network::Announcement& b) {
  return a.node == b.node && a.delivery == b.delivery && a.iface == b.iface && a.addr == b.addr &&
         a.speed_mbps == b.speed_mbps && a.state == b.state && a.view == b.view &&
         a.round == b.round && a.test == b.test && a.port == b.port && a.partner == b.partner &&
         a.nonce == b.nonce && a.seq == b.seq && a.time_ms == b.time_ms;
}

void parse_and_round_trip(std::string_view datagram) {
  auto parsed = runner::network::parse_announcement(datagram, kKey);
  if (!parsed.ok) {
    require(!parsed.error.detail.empty(), "a dropped datagram says why");
    (void)to_string(parsed.error.reason);
    return;
  }
  auto again = runner::network::parse_announcement(
      runner::network::encode_announcement(parsed.announcement, kKey), kKey);
  require(again.ok, "an accepted announcement encodes to one that parses");
  require(same(again.announcement, parsed.announcement), "encode/parse round trip");
}

void announcement(std::string_view input) {
  parse_and_round_trip(input);
  // Everything before the last "hmac=" line (or all of it), signed with the key.
  std::string body(input.substr(0, std::min(input.size(), runner::network::kMaxDatagram)));
  if (auto at = body.rfind("hmac="); at != std::string::npos) body.resize(at);
  if (body.empty() || body.back() != '\n') body += '\n';
  parse_and_round_trip(body + "hmac=" + runner::network::hmac_sha256_hex(kKey, body) + "\n");
}

KILN_FUZZ_TARGET("announcement", announcement);

}  // namespace
}  // namespace kiln::fuzz
