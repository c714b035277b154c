#include "report/writer.h"

#include <fmt/format.h>

namespace tj {

Status WriteText(FILE* out, std::string_view text, std::string_view format) {
  if (fwrite(text.data(), 1, text.size(), out) != text.size())
    return MakeError(fmt::format("writing {} output failed", format));
  return Status::Ok();
}

Result<FilePtr> OpenOutput(const std::string& path, OutputMode mode, const MoverSlot* slot) {
  return OutputFile::Open(path, mode, slot);
}

}  // namespace tj
