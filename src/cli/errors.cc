#include "cli/errors.h"

#include <fmt/format.h>

#include "core/utf8.h"

namespace tj {

void Note(std::string_view command, std::string_view message) {
  // "tojimari: ..." for the scan (nmap's habit), "tojimari audit: ..." for the rest.
  fmt::print(stderr, "tojimari{}{}: {}\n", command.empty() ? "" : " ", command, Printable(message));
}

int Fail(std::string_view command, std::string_view message) {
  Note(command, message);
  return 2;
}

}  // namespace tj
