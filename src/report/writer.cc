#include "report/writer.h"

namespace tj {

Result<FilePtr> OpenOutput(const std::string& path, OutputMode mode, const MoverSlot* slot) {
  return OutputFile::Open(path, mode, slot);
}

}  // namespace tj
