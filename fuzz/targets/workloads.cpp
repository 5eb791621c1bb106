// What the stress tools print: stress-ng (--yaml file, stderr), fio JSON,
// iperf3 -J (one or several documents), ping's summary.
#include "fuzz_check.hpp"
#include "fuzz_target.hpp"
#include "tools/fio.hpp"
#include "tools/iperf3.hpp"
#include "tools/ping.hpp"
#include "tools/stress_ng.hpp"

namespace kiln::fuzz {
namespace {

void stress_ng_yaml(std::string_view input) {
  check(tools::parse_stress_ng_yaml(input));
}
void stress_ng_console(std::string_view input) {
  auto parsed = tools::parse_stress_ng_console(input);
  check(parsed);
  if (parsed) (void)parsed->clean();
}
void fio(std::string_view input) {
  check(tools::parse_fio_json(input));
}
void iperf3(std::string_view input) {
  check(tools::parse_iperf3_json(input));
  check(tools::parse_iperf3_json_all(input));
}
void ping(std::string_view input) {
  check(tools::parse_ping_summary(input));
}

KILN_FUZZ_TARGET("stress-ng-yaml", stress_ng_yaml);
KILN_FUZZ_TARGET("stress-ng-console", stress_ng_console);
KILN_FUZZ_TARGET("fio-json", fio);
KILN_FUZZ_TARGET("iperf3-json", iperf3);
KILN_FUZZ_TARGET("ping", ping);

}  // namespace
}  // namespace kiln::fuzz
