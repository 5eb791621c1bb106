// The pattern catalog: memtester's tests (same names of states and counts of
// iterations), moving inversions and March C-.
#include "memtest/patterns.hpp"

#include <algorithm>

#include "memtest/invariant_divisor.hpp"

namespace kiln::memtest {

namespace {

constexpr std::uint64_t kOnes = ~0ULL;
constexpr std::uint64_t kChecker = 0x5555555555555555ULL;
constexpr std::uint64_t kByteSpread = 0x0101010101010101ULL;
constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

constexpr std::uint64_t bit(unsigned n) {
  return n < 64 ? 1ULL << n : 0;
}

void solid(PatternState& s, std::uint64_t q) {
  s.tile.fill(q);
}

// Even words q, odd words ~q (memtester's `i % 2 == 0 ? q : ~q`).
void alternate(PatternState& s, std::uint64_t q) {
  for (std::size_t j = 0; j < kBlockWords; ++j) s.tile[j] = (j % 2 == 0) ? q : ~q;
}

// Random words: a random tile xor a per-block hash of the address.
void random_words(PatternState& s, std::uint64_t seed) {
  for (std::size_t j = 0; j < kBlockWords; ++j) s.tile[j] = mix64(seed + j * kGolden);
  s.key = KeyKind::kHashed;
  s.seed = mix64(seed ^ kGolden);
}

std::uint64_t compare_operand(std::uint64_t seed) {
  return mix64(seed ^ 0x636f6d70ULL);
}

void stuck_address(unsigned k, std::uint64_t, PatternState& s) {
  for (std::size_t j = 0; j < kBlockWords; ++j) {
    const std::uint64_t offset = j * sizeof(std::uint64_t);
    s.tile[j] = ((j + k) % 2 == 0) ? offset : ~offset;
  }
  s.key = KeyKind::kAddress;
}

void random_value(unsigned, std::uint64_t seed, PatternState& s) {
  random_words(s, seed);
}

// State 0: random words; state 1: the same words after the operation.
template <PostOp kOp>
void compare(unsigned k, std::uint64_t seed, PatternState& s) {
  random_words(s, seed);
  if (k == 0) return;
  s.post = kOp;
  s.operand = compare_operand(seed);
  if (kOp == PostOp::kDiv && s.operand == 0) s.operand = 1;
}

void compare_xor(unsigned k, std::uint64_t seed, PatternState& s) {
  random_words(s, seed);
  if (k == 0) return;
  for (auto& word : s.tile) word ^= compare_operand(seed);  // (t ^ key) ^ q == (t ^ q) ^ key
}

void compare_sub(unsigned k, std::uint64_t seed, PatternState& s) {
  random_words(s, seed);
  if (k == 0) return;
  s.post = PostOp::kAdd;
  s.operand = 0 - compare_operand(seed);
}

void sequential_increment(unsigned, std::uint64_t seed, PatternState& s) {
  for (std::size_t j = 0; j < kBlockWords; ++j) s.tile[j] = j;
  s.key = KeyKind::kAddressWords;
  s.post = PostOp::kAdd;
  s.operand = mix64(seed);
}

void solid_bits(unsigned k, std::uint64_t, PatternState& s) {
  alternate(s, k % 2 == 0 ? kOnes : 0);
}

void block_sequential(unsigned k, std::uint64_t, PatternState& s) {
  solid(s, kByteSpread * (k & 0xFFU));
}

void checkerboard(unsigned k, std::uint64_t, PatternState& s) {
  alternate(s, k % 2 == 0 ? kChecker : ~kChecker);
}

void bit_spread(unsigned k, std::uint64_t, PatternState& s) {
  const std::uint64_t q = k < 64 ? (bit(k) | bit(k + 2)) : (bit(127 - k) | bit(129 - k));
  alternate(s, ~q);
}

void bit_flip(unsigned k, std::uint64_t, PatternState& s) {
  std::uint64_t q = bit(k / 8);
  if ((k % 8) % 2 == 1) q = ~q;
  alternate(s, q);
}

std::uint64_t walking_bit(unsigned k) {
  return k < 64 ? bit(k) : bit(127 - k);
}
void walking_ones(unsigned k, std::uint64_t, PatternState& s) {
  solid(s, walking_bit(k));
}
void walking_zeros(unsigned k, std::uint64_t, PatternState& s) {
  solid(s, ~walking_bit(k));
}

void write_8bit(unsigned k, std::uint64_t seed, PatternState& s) {
  random_words(s, seed + k);
  s.width = StoreWidth::k8;
}

void write_16bit(unsigned k, std::uint64_t seed, PatternState& s) {
  random_words(s, seed + k);
  s.width = StoreWidth::k16;
}

void invert(PatternState& s) {
  for (auto& word : s.tile) word = ~word;  // ~(t ^ key) == ~t ^ key
}

// Backgrounds: zeros, the eight one-bit byte patterns, random words. Per
// background: ⇑ w(p); ⇑ r(p) w(~p); ⇓ r(~p) w(p); the next background's write
// verifies p.
constexpr unsigned kInversionBackgrounds = 10;
void moving_inversions(unsigned k, std::uint64_t seed, PatternState& s) {
  const unsigned background = k / 3;
  const unsigned phase = k % 3;
  if (background == 0) {
    solid(s, 0);
  } else if (background <= 8) {
    solid(s, kByteSpread << (background - 1));
  } else {
    random_words(s, seed);
  }
  if (phase == 1) invert(s);
  s.descending = phase == 2;
}

// March C- per data background (the log2(64)+1 standard word backgrounds):
// ⇕ w0; ⇑ r0 w1; ⇑ r1 w0; ⇓ r0 w1; ⇓ r1 w0; ⇕ r0 (fused with the next w0).
constexpr std::array<std::uint64_t, 7> kMarchBackgrounds = {0,
                                                            kChecker,
                                                            0x3333333333333333ULL,
                                                            0x0F0F0F0F0F0F0F0FULL,
                                                            0x00FF00FF00FF00FFULL,
                                                            0x0000FFFF0000FFFFULL,
                                                            0x00000000FFFFFFFFULL};
void march_c_minus(unsigned k, std::uint64_t, PatternState& s) {
  const unsigned phase = k % 5;
  const std::uint64_t zero = kMarchBackgrounds[k / 5];
  solid(s, (phase == 1 || phase == 3) ? ~zero : zero);
  s.descending = phase >= 3;
}

constexpr PatternDef kCatalog[] = {
    {"stuck_address", "each word holds its own address, then its complement (16 rounds)", 16,
     stuck_address},
    {"random_value", "random words", 1, random_value},
    {"compare_xor", "random words, then XOR with a random operand in place", 2, compare_xor},
    {"compare_sub", "random words, then SUB of a random operand in place", 2, compare_sub},
    {"compare_mul", "random words, then MUL by a random operand in place", 2,
     compare<PostOp::kMul>},
    {"compare_div", "random words, then DIV by a random operand in place", 2,
     compare<PostOp::kDiv>},
    {"compare_or", "random words, then OR with a random operand in place", 2, compare<PostOp::kOr>},
    {"compare_and", "random words, then AND with a random operand in place", 2,
     compare<PostOp::kAnd>},
    {"sequential_increment", "consecutive words hold consecutive integers", 1,
     sequential_increment},
    {"solid_bits", "all ones / all zeros, alternating per word (64 rounds)", 64, solid_bits},
    {"block_sequential", "every byte 0x00..0xff in turn (256 rounds)", 256, block_sequential},
    {"checkerboard", "0x55../0xaa.. alternating per word (64 rounds)", 64, checkerboard},
    {"bit_spread", "two bits two apart, walked up and down (128 rounds)", 128, bit_spread},
    {"bit_flip", "one bit set or cleared, alternating per word (512 rounds)", 512, bit_flip},
    {"walking_ones", "a single one bit walked up and down (128 rounds)", 128, walking_ones},
    {"walking_zeros", "a single zero bit walked up and down (128 rounds)", 128, walking_zeros},
    {"write_8bit", "random words written with 8-bit stores, read as words", 2, write_8bit},
    {"write_16bit", "random words written with 16-bit stores, read as words", 2, write_16bit},
    {"moving_inversions", "pattern, complement up, pattern down; 10 backgrounds",
     3 * kInversionBackgrounds, moving_inversions},
    {"march_c_minus", "March C- over the 7 word data backgrounds",
     5 * static_cast<unsigned>(kMarchBackgrounds.size()), march_c_minus},
};

constexpr std::size_t kMemtesterPatterns = 18;  // the first 18 entries of the catalog

}  // namespace

std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t PatternState::key_for(std::uintptr_t block_address) const {
  switch (key) {
    case KeyKind::kZero:
      return 0;
    case KeyKind::kAddress:
      return block_address;
    case KeyKind::kAddressWords:
      return block_address / sizeof(std::uint64_t);
    case KeyKind::kHashed:
      return mix64(seed ^ block_address);
  }
  return 0;
}

namespace {
std::uint64_t apply(PostOp op, std::uint64_t x, std::uint64_t operand) {
  switch (op) {
    case PostOp::kNone:
      return x;
    case PostOp::kAdd:
      return x + operand;
    case PostOp::kOr:
      return x | operand;
    case PostOp::kAnd:
      return x & operand;
    case PostOp::kMul:
      return x * operand;
    case PostOp::kDiv:
      return x / operand;
  }
  return x;
}
}  // namespace

std::uint64_t PatternState::word(std::uintptr_t block_address, std::size_t j) const {
  return apply(post, tile[j] ^ key_for(block_address), operand);
}

namespace {
// One loop per operation: no per-word switch, and the compiler vectorises
// the cheap ones.
template <class Op>
void apply_block(const std::uint64_t* tile, std::uint64_t key, std::uint64_t* out, Op op) {
  for (std::size_t j = 0; j < kBlockWords; ++j) out[j] = op(tile[j] ^ key);
}
}  // namespace

BlockValues PatternState::values_for(std::uintptr_t block_address, std::uint64_t* scratch) const {
  const std::uint64_t block_key = key_for(block_address);
  const std::uint64_t* t = tile.data();
  const std::uint64_t q = operand;
  switch (post) {
    case PostOp::kNone:
      return BlockValues{t, block_key};
    case PostOp::kAdd:
      apply_block(t, block_key, scratch, [q](std::uint64_t x) { return x + q; });
      break;
    case PostOp::kOr:
      apply_block(t, block_key, scratch, [q](std::uint64_t x) { return x | q; });
      break;
    case PostOp::kAnd:
      apply_block(t, block_key, scratch, [q](std::uint64_t x) { return x & q; });
      break;
    case PostOp::kMul:
      apply_block(t, block_key, scratch, [q](std::uint64_t x) { return x * q; });
      break;
    case PostOp::kDiv: {
      const InvariantDivisor divisor(q);
      apply_block(t, block_key, scratch, [&divisor](std::uint64_t x) { return divisor.divide(x); });
      break;
    }
  }
  return BlockValues{scratch, 0};
}

std::span<const PatternDef> pattern_catalog() {
  return kCatalog;
}

const PatternDef* find_pattern(std::string_view name) {
  const auto* it = std::find_if(std::begin(kCatalog), std::end(kCatalog),
                                [&](const PatternDef& p) { return p.name == name; });
  return it == std::end(kCatalog) ? nullptr : it;
}

Expected<std::vector<const PatternDef*>> resolve_patterns(const std::vector<std::string>& names) {
  std::vector<const PatternDef*> found;
  if (names.empty()) {
    for (const auto& p : kCatalog) found.push_back(&p);
    return found;
  }
  for (const auto& name : names) {
    const PatternDef* p = find_pattern(name);
    if (p == nullptr) {
      std::string known;
      for (const auto& q : kCatalog) known += (known.empty() ? "" : ", ") + std::string(q.name);
      return make_error("memtest-bad-option", "unknown memory test pattern '" + name + "'",
                        "use one of: " + known);
    }
    found.push_back(p);
  }
  return found;
}

std::vector<std::string> memtester_equivalent_patterns() {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kMemtesterPatterns; ++i) names.emplace_back(kCatalog[i].name);
  return names;
}

}  // namespace kiln::memtest
