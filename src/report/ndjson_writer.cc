// One JSON object per port result, written as it is found, so a pipeline
// (jq, a log shipper) sees results while the scan runs. Output is flushed at
// most every 100 ms: a flush per line would cost a system call per port,
// which at hundreds of thousands of ports a second slows the scan itself.
#include <nlohmann/json.hpp>

#include <chrono>

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
    auto now = std::chrono::steady_clock::now();
    if (now - last_flush_ > std::chrono::milliseconds(100)) {
      fflush(out_.get());
      last_flush_ = now;
    }
    return Status::Ok();
  }

  Status Host(const HostResult&) override { return Status::Ok(); }
  Status End(const RunSummary&) override {
    return fflush(out_.get()) == 0 ? Status::Ok() : Status(MakeError("writing NDJSON output failed"));
  }

 private:
  FilePtr out_;
  const ServiceTable& services_;
  std::chrono::steady_clock::time_point last_flush_;
};

}  // namespace

std::unique_ptr<Writer> MakeNdjsonWriter(FilePtr out, const ServiceTable& services) {
  return std::make_unique<NdjsonWriter>(std::move(out), services);
}

}  // namespace tj
