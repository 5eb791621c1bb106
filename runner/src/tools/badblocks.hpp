// badblocks: argv for the destructive / non-destructive / read-only scans, and
// its output. badblocks exits 0 even when it found bad blocks: read the result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kBadblocksParseError = "KILN-PARSE-BADBLOCKS";

enum class BadblocksMode {
  kDestructiveWrite,  // -w: writes patterns over the whole device (data lost)
  kNonDestructive,    // -n: read-write, restores the data
  kReadOnly,          // default
};

struct BadblocksSpec {
  std::string device;
  BadblocksMode mode = BadblocksMode::kReadOnly;
  int block_size = 4096;              // -b
  int passes = 1;                     // -p: repeat until N passes find nothing new
  std::string output_file;            // -o: bad block list goes here instead of stdout
  std::vector<std::string> patterns;  // -t each: "0xaa", "random"
};

// badblocks -wsv|-nsv|-sv -b BS -p PASSES [-t P]... [-o OUTFILE] DEVICE
std::vector<std::string> badblocks_argv(const BadblocksSpec& spec);

struct BadblocksResult {
  std::vector<std::uint64_t> bad_blocks;        // as listed (may be fewer than reported_count
                                                // when the list was garbled into progress text)
  std::optional<std::uint64_t> reported_count;  // "Pass completed, N bad blocks found."
  std::uint64_t read_errors = 0;                // (r/w/c errors) triple of the last pass
  std::uint64_t write_errors = 0;
  std::uint64_t corruption_errors = 0;
  bool error_breakdown_known = false;  // old badblocks prints no triple
  int passes_completed = 0;
  bool completed = false;  // false: no "Pass completed" line (killed or truncated)
  // Bad blocks by any account (list, reported count, or error triple).
  [[nodiscard]] std::uint64_t bad_block_count() const;
};

// `block_list`: stdout or the -o file (one block number per line). `log`:
// stderr (progress with backspaces, "Pass completed, ..."). Both may also be
// one interleaved 2>&1 capture; kernel messages and progress are skipped.
// Errors: both texts empty.
Expected<BadblocksResult> parse_badblocks(std::string_view block_list, std::string_view log);

}  // namespace kiln::tools
