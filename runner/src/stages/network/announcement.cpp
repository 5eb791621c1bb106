#include "stages/network/announcement.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>

namespace kiln::runner::network {
namespace {

// Field order on the wire; the parser requires exactly this order.
constexpr std::array<std::string_view, 14> kFields = {
    "node",  "delivery", "iface", "addr",    "speed", "state", "view",
    "round", "test",     "port",  "partner", "nonce", "seq",   "time"};
constexpr std::string_view kHmacKey = "hmac=";
constexpr std::size_t kHmacHexLen = 64;

constexpr std::array<std::string_view, 5> kStateNames = {"searching", "paired", "ready", "testing",
                                                         "done"};

bool value_chars_ok(std::string_view v) {
  for (char c : v) {
    if (c < 0x21 || c > 0x7e) return false;  // printable, no spaces, no controls
  }
  return true;
}

template <class T>
bool parse_unsigned(std::string_view text, T& out) {
  if (text.empty() || text.size() > 20) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

ParseResult fail(DropReason r, std::string detail) {
  ParseResult res;
  res.error = ParseError{r, std::move(detail)};
  return res;
}

}  // namespace

std::string_view to_string(PeerState s) {
  return kStateNames.at(static_cast<std::size_t>(s));
}

std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::kMalformed:
      return "malformed";
    case DropReason::kBadHmac:
      return "unauthenticated";
    case DropReason::kReplayed:
      return "replayed";
    case DropReason::kForeignDelivery:
      return "foreign_delivery";
    case DropReason::kVersion:
      return "unknown_version";
  }
  return "malformed";
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(), &len);
  std::string hex;
  hex.reserve(static_cast<std::size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest.at(i));
  return hex;
}

std::string encode_announcement(const Announcement& a, std::string_view key) {
  std::string body = fmt::format(
      "{}\nnode={}\ndelivery={}\niface={}\naddr={}\nspeed={}\nstate={}\nview={}\nround={}\ntest={}"
      "\n"
      "port={}\npartner={}\nnonce={}\nseq={}\ntime={}\n",
      kProtocolMagic, a.node, a.delivery, a.iface, a.addr, a.speed_mbps, to_string(a.state), a.view,
      a.round, a.test, a.port, a.partner, a.nonce, a.seq, a.time_ms);
  return body + std::string(kHmacKey) + hmac_sha256_hex(key, body) + "\n";
}

ParseResult parse_announcement(std::string_view datagram, std::string_view key) {
  if (datagram.size() > kMaxDatagram) return fail(DropReason::kMalformed, "datagram too long");
  auto first_nl = datagram.find('\n');
  if (first_nl == std::string_view::npos) return fail(DropReason::kMalformed, "no header line");
  std::string_view magic = datagram.substr(0, first_nl);
  if (magic != kProtocolMagic) {
    return magic.starts_with("KILN-NET/") ? fail(DropReason::kVersion, "unknown protocol version")
                                          : fail(DropReason::kMalformed, "not a kiln announcement");
  }
  std::array<std::string_view, kFields.size()> values{};
  std::size_t pos = first_nl + 1;
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    auto nl = datagram.find('\n', pos);
    if (nl == std::string_view::npos) return fail(DropReason::kMalformed, "truncated");
    std::string_view line = datagram.substr(pos, nl - pos);
    std::string_view name = kFields.at(i);
    if (line.size() < name.size() + 1 || line.substr(0, name.size()) != name ||
        line[name.size()] != '=') {
      return fail(DropReason::kMalformed, fmt::format("expected field '{}'", name));
    }
    std::string_view value = line.substr(name.size() + 1);
    if (value.size() > kMaxValue || !value_chars_ok(value)) {
      return fail(DropReason::kMalformed, fmt::format("bad value for '{}'", name));
    }
    values.at(i) = value;
    pos = nl + 1;
  }
  std::string_view body = datagram.substr(0, pos);
  std::string_view rest = datagram.substr(pos);
  if (rest.size() != kHmacKey.size() + kHmacHexLen + 1 || !rest.starts_with(kHmacKey) ||
      rest.back() != '\n') {
    return fail(DropReason::kMalformed, "missing or malformed hmac line");
  }
  std::string expected = hmac_sha256_hex(key, body);
  std::string_view given = rest.substr(kHmacKey.size(), kHmacHexLen);
  if (CRYPTO_memcmp(expected.data(), given.data(), kHmacHexLen) != 0) {
    return fail(DropReason::kBadHmac, "HMAC does not match the delivery key");
  }

  ParseResult res;
  Announcement& a = res.announcement;
  a.node = values[0];
  a.delivery = values[1];
  a.iface = values[2];
  a.addr = values[3];
  bool numbers_ok = parse_unsigned(values[4], a.speed_mbps) && parse_unsigned(values[7], a.round) &&
                    parse_unsigned(values[8], a.test) && parse_unsigned(values[9], a.port) &&
                    parse_unsigned(values[12], a.seq) && parse_unsigned(values[13], a.time_ms);
  if (!numbers_ok || a.port > 65535) return fail(DropReason::kMalformed, "bad number");
  bool state_known = false;
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (values[5] == kStateNames.at(i)) {
      a.state = static_cast<PeerState>(i);
      state_known = true;
    }
  }
  if (!state_known) return fail(DropReason::kMalformed, "unknown state");
  a.view = values[6];
  a.partner = values[10];
  a.nonce = values[11];
  if (a.node.empty() || a.nonce.empty() || a.addr.empty())
    return fail(DropReason::kMalformed, "empty id");
  res.ok = true;
  return res;
}

}  // namespace kiln::runner::network
