// The network stage's discovery datagram, version 1 (docs/network-stage.md):
// ASCII lines "key=value" in a fixed order after the "KILN-NET/1" line, the
// last line an HMAC-SHA256 over everything before it with the delivery's key.
// encode/parse are pure; parse never throws and reads at most kMaxDatagram bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kiln/expected.hpp"

namespace kiln::runner::network {

inline constexpr std::string_view kProtocolMagic = "KILN-NET/1";
inline constexpr std::size_t kMaxDatagram = 1024;
inline constexpr std::size_t kMaxValue = 64;

// Where a node is in the stage, as it tells its peers.
enum class PeerState {
  kSearching,  // collecting members; `view` is its current membership hash
  kPaired,     // membership frozen at `view`; waiting for its round or partner
  kReady,      // its iperf3 server listens on `port` for test `test` of round `round`
  kTesting,    // it runs iperf3 client test `test` against `partner`
  kDone,       // finished all its rounds
};
std::string_view to_string(PeerState s);

struct Announcement {
  std::string node;              // node id (FRU product serial)
  std::string delivery;          // delivery tag
  std::string iface;             // sender's interface name
  std::string addr;              // sender's IPv4 address on that interface
  std::uint32_t speed_mbps = 0;  // negotiated link speed; 0 = unknown
  PeerState state = PeerState::kSearching;
  std::string view;  // hash of the membership it sees (hex, may be empty)
  std::uint32_t round = 0;
  std::uint32_t test = 0;
  std::uint32_t port = 0;     // iperf3 server port when ready
  std::string partner;        // node id of its partner, "" when none yet
  std::string nonce;          // random per runner session (hex)
  std::uint64_t seq = 0;      // counter, strictly increasing per nonce
  std::uint64_t time_ms = 0;  // sender's wall clock, ms since the epoch
};

// Why a datagram was dropped: each is counted in a measurement.
enum class DropReason { kMalformed, kBadHmac, kReplayed, kForeignDelivery, kVersion };
std::string_view to_string(DropReason r);

struct ParseError {
  DropReason reason = DropReason::kMalformed;
  std::string detail;
};

// The datagram for `a`, authenticated with `key`.
std::string encode_announcement(const Announcement& a, std::string_view key);

// Checks version, layout, bounds and the HMAC (constant-time compare).
// Replay and delivery checks are the PeerTable's.
struct ParseResult {
  bool ok = false;
  Announcement announcement;
  ParseError error;
};
ParseResult parse_announcement(std::string_view datagram, std::string_view key);

// Lowercase hex HMAC-SHA256 of `data` with `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace kiln::runner::network
