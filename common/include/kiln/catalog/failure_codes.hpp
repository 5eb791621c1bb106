// The catalog's failure codes: every way a stage says the hardware failed,
// declared once with its severity, the kind of part it names, a message
// template and the remedy a technician acts on (the way DCGM declares its
// error codes). The stage's OCPTV diagnosis (verdict = the code), report.json,
// the Ironic maintenance reason and kilnctl all show the same code and words,
// rendered here. docs/failure-codes.md is generated from this table.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::catalog {

enum class Severity {
  kFail,   // the hardware is at fault: the node FAILs
  kError,  // kiln could not judge the hardware: the run is an ERROR, not a verdict
};
std::string_view to_string(Severity s);

struct FailureCode {
  std::string_view id;         // "KILN-DISK-BAD-BLOCKS": stable, the diagnosis' verdict
  std::string_view stage;      // the stage that reports it ("" for the report itself)
  std::string_view component;  // the kind of part it names: "disk", "nic", "node"
  Severity severity = Severity::kFail;
  // The words, with {placeholders} filled by the stage: "{part}: badblocks found
  // {bad_blocks}; the tender allows {allowed}". {part} is the part's label.
  std::string_view message;
  std::string_view remedy;  // what the technician does next: "replace the disk"
  // Whether the remedy sends the part back (the delivery report's parts to
  // return); false for firmware and settings findings the site fixes itself.
  bool returns_part = true;
};

std::span<const FailureCode> failure_codes();
const FailureCode* find_failure_code(std::string_view id);

struct FailureArg {
  std::string_view name;
  std::string value;
};

// The placeholders of a code's message template, in order of appearance.
std::vector<std::string_view> placeholders(const FailureCode& code);

// "<message with every placeholder filled> — <remedy>". An error names the
// placeholder without an argument, or the argument the template does not use.
Expected<std::string> render_failure(const FailureCode& code, std::span<const FailureArg> args);

// How report.json's `failures`, the Ironic maintenance reason and kilnctl
// show a failure: "KILN-DISK-BAD-BLOCKS: disk S1 (/dev/sda): ... — replace the disk".
std::string failure_line(std::string_view code, std::string_view message);

// "1 bad block", "2 bad blocks".
std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural);

}  // namespace kiln::catalog
