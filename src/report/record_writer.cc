// Keeps a scan in memory as a ScanRecord (see record_writer.h).
#include "report/record_writer.h"

namespace tj {
namespace {

class RecordWriter : public Writer {
 public:
  explicit RecordWriter(ScanRecord* record) : record_(record) {}
  Status Begin(const ScanInfo& info) override {
    record_->info = info;
    return Status::Ok();
  }
  Status Host(const HostResult& host) override {
    record_->hosts.push_back(host);
    return Status::Ok();
  }
  Status End(const RunSummary& summary) override {
    record_->summary = summary;
    return Status::Ok();
  }

 private:
  ScanRecord* record_;
};

}  // namespace

std::unique_ptr<Writer> MakeRecordWriter(ScanRecord* record) {
  return std::make_unique<RecordWriter>(record);
}

}  // namespace tj
