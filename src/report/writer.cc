#include "report/writer.h"

namespace tj {

Result<FilePtr> OpenOutput(const std::string& path, OutputMode mode) { return OutputFile::Open(path, mode); }

}  // namespace tj
