// The pattern catalog. A pattern is a sequence of states; state k is written
// by the sweep that verifies state k-1 (one fused read-compare-write pass),
// so a pattern of N states costs N+1 sweeps: fill, N-1 verify_fill, verify.
//
// Word j of a 4 KiB block at address B holds post(tile[j] ^ key(B), operand):
// the tile carries the per-word shape (alternation, walking bits, random
// words), the key the per-block part (the address for stuck-address and
// sequential increment, a hash of the address for random data), and the
// rarely used post operation memtester's compare tests need (OR, AND, SUB,
// MUL, DIV; XOR folds into the tile).
//
// Memtester's compare tests keep two halves of the buffer and compare them.
// kiln fuses them into one buffer with the same memory operations: fill with
// random words; one read-verify-modify-write pass applying the operation
// (what memtester does to each half); a verify pass against the computed
// values. Every read is checked against a known value, so a fault that hits
// both of memtester's halves alike is caught too, and it names the address.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"
#include "memtest/sweep_kernels.hpp"

namespace kiln::memtest {

enum class KeyKind {
  kZero,          // key 0: the tile alone
  kAddress,       // key = B: word j then holds B + 8j, its own address
  kAddressWords,  // key = B / 8: word j holds its address / 8
  kHashed,        // key = mix(seed ^ B): random-looking, distinct per block
};

enum class PostOp { kNone, kAdd, kOr, kAnd, kMul, kDiv };

struct PatternState {
  alignas(64) std::array<std::uint64_t, kBlockWords> tile{};
  KeyKind key = KeyKind::kZero;
  std::uint64_t seed = 0;
  PostOp post = PostOp::kNone;
  std::uint64_t operand = 0;
  bool descending = false;             // order of the sweep that writes this state
  StoreWidth width = StoreWidth::k64;  // stores of the sweep that writes this state

  [[nodiscard]] std::uint64_t key_for(std::uintptr_t block_address) const;
  // Word j of the block at `block_address`.
  [[nodiscard]] std::uint64_t word(std::uintptr_t block_address, std::size_t j) const;
  // What the sweep loops need for that block; `scratch` (kBlockWords words,
  // 32-byte aligned) receives the words when a post operation must be applied.
  BlockValues values_for(std::uintptr_t block_address, std::uint64_t* scratch) const;
};

struct PatternDef {
  std::string_view name;
  std::string_view description;
  unsigned states = 0;
  void (*make_state)(unsigned index, std::uint64_t seed, PatternState& out) = nullptr;
};

std::span<const PatternDef> pattern_catalog();
const PatternDef* find_pattern(std::string_view name);
// Names to definitions; empty names: the whole catalog.
Expected<std::vector<const PatternDef*>> resolve_patterns(const std::vector<std::string>& names);
// The patterns memtester runs, in memtester's order.
std::vector<std::string> memtester_equivalent_patterns();

std::uint64_t mix64(std::uint64_t x);  // splitmix64 finaliser

}  // namespace kiln::memtest
