// One JSON object per port result, written and flushed as it is found, so a
// pipeline (jq, a log shipper) sees results while the scan runs.
#include <nlohmann/json.hpp>

#include "report/writer.h"

namespace tj {
namespace {

class NdjsonWriter : public Writer {
 public:
  NdjsonWriter(FilePtr out, const ServiceTable& services) : out_(std::move(out)), services_(services) {}

  Status Begin(const ScanInfo&) override { return Status::Ok(); }

  Status Port(const PortResult& r) override {
    nlohmann::json j = {
        {"ip", r.addr.ToString()},
        {"port", r.port},
        {"proto", ProtoName(r.proto)},
        {"state", StateName(r.state)},
        {"reason", ReasonName(r.reason)},
        {"reason_ttl", r.reason_ttl},
        {"service", services_.Name(r.proto, r.port)},
        {"rtt_us", r.rtt.count()},
        {"tries", r.tries},
    };
    std::string line = j.dump();
    line.push_back('\n');
    if (fwrite(line.data(), 1, line.size(), out_.get()) != line.size())
      return MakeError("writing NDJSON output failed");
    fflush(out_.get());
    return Status::Ok();
  }

  Status Host(const HostResult&) override { return Status::Ok(); }
  Status End(const RunSummary&) override {
    return fflush(out_.get()) == 0 ? Status::Ok() : Status(MakeError("writing NDJSON output failed"));
  }

 private:
  FilePtr out_;
  const ServiceTable& services_;
};

}  // namespace

std::unique_ptr<Writer> MakeNdjsonWriter(FilePtr out, const ServiceTable& services) {
  return std::make_unique<NdjsonWriter>(std::move(out), services);
}

}  // namespace tj
