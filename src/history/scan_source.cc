#include "history/scan_source.h"

#include "history/ref.h"
#include "report/read_scan.h"

namespace tj {

bool ScanSource::IsRef(const std::string& word) {
  return word.find('/') == std::string::npos && LooksLikeHistoryRef(word);
}

Result<Store*> ScanSource::Open() {
  if (!store_) {
    auto s = Store::Open(url_, OpenOptions{.create = false});
    if (!s) return s.error();
    store_ = std::move(*s);
  }
  return store_.get();
}

Result<LoadedScan> ScanSource::LoadId(int64_t id) {
  auto store = Open();
  if (!store) return store.error();
  auto scan = (*store)->LoadScan(id);
  if (!scan) return scan.error();
  LoadedScan s;
  s.side.id = id;
  s.scan = std::move(*scan);
  return s;
}

Result<LoadedScan> ScanSource::Load(const std::string& word) {
  if (!IsRef(word)) {
    auto scan = ReadScanFile(word);
    if (!scan) return scan.error();
    LoadedScan s;
    s.side.file = word;
    s.scan = std::move(*scan);
    return s;
  }
  auto store = Open();
  if (!store) return store.error();
  auto id = (*store)->ResolveRef(word);
  if (!id) return id.error();
  return LoadId(*id);
}

Result<LoadedScan> ScanSource::Previous(const LoadedScan& s) {
  auto store = Open();
  if (!store) return store.error();
  auto prev = (*store)->Previous(*s.side.id);
  if (!prev) return prev.error();
  return LoadId(*prev);
}

}  // namespace tj
