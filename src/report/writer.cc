#include "report/writer.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace tj {

void FileCloser::operator()(FILE* f) const {
  if (f == stdout) fflush(f);
  else if (f) fclose(f);
}

Result<FilePtr> OpenOutput(const std::string& path) {
  if (path == "-") return FilePtr(stdout);
  FILE* f = fopen(path.c_str(), "w");
  if (!f) return MakeError(fmt::format("cannot write output file \"{}\": {}", path, std::strerror(errno)));
  return FilePtr(f);
}

}  // namespace tj
