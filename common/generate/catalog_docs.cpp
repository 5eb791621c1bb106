// kiln-catalog-docs: what the build generates from the catalog.
//   kiln-catalog-docs --write SOURCE_DIR   rewrites the generated files in place
//   kiln-catalog-docs --check SOURCE_DIR   exit 1, naming each file, when one differs
// Generated: results-schema/config.schema.json (each stage's parameters, the
// stage names and the limits; the rest of the schema is kept as written),
// the parameter tables of docs/stages.md (between `<!-- params:STAGE -->` and
// `<!-- /params -->`), the limits table of docs/configuration.md and the
// failure-code tables of docs/failure-codes.md.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "catalog_docs/render.hpp"

namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "--write" && std::string(argv[1]) != "--check")) {
    std::cerr << "usage: kiln-catalog-docs --write|--check SOURCE_DIR\n";
    return 2;
  }
  const bool write = std::string(argv[1]) == "--write";
  const std::filesystem::path src = argv[2];
  int stale = 0;
  for (const auto& file : kiln::catalog::docs::generated_files()) {
    const auto path = src / file.path;
    const std::string committed = read_all(path);
    auto generated = file.render(committed);
    if (!generated) {
      std::cerr << fmt::format("kiln-catalog-docs: {}: {}\n", file.path, generated.error().message);
      return 2;
    }
    if (*generated == committed) continue;
    if (write) {
      std::ofstream(path, std::ios::binary) << *generated;
      std::cout << fmt::format("wrote {}\n", file.path);
    } else {
      std::cerr << fmt::format(
          "kiln-catalog-docs: {} differs from what the catalog generates; run `make catalog-docs` "
          "and commit it\n",
          file.path);
      ++stale;
    }
  }
  return stale == 0 ? 0 : 1;
}
