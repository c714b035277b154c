// One JSON object per port result, written as it is found, so a pipeline
// (jq, a log shipper) sees results while the scan runs. Output is flushed at
// most every 100 ms: a flush per line would cost a system call per port,
// which at hundreds of thousands of ports a second slows the scan itself.
// Every line carries schema_version (docs/JSON-SCHEMA.md).
#include <nlohmann/json.hpp>

#include <chrono>

#include "report/writer.h"

namespace tj {
namespace {

nlohmann::json ServiceJson(const ServiceInfo& s) {
  nlohmann::json j = {{"product", s.product},     {"version", s.version}, {"extrainfo", s.extrainfo},
                      {"hostname", s.hostname},   {"ostype", s.ostype},   {"devicetype", s.devicetype},
                      {"tunnel", s.tunnel},       {"method", s.method},   {"conf", s.conf}};
  if (s.has_cert)
    j["cert"] = {{"subject", s.cert.subject},       {"issuer", s.cert.issuer},
                 {"alt_names", s.cert.alt_names},   {"not_before", s.cert.not_before},
                 {"not_after", s.cert.not_after},   {"sha256", s.cert.sha256},
                 {"self_signed", s.cert.self_signed}, {"expired", s.cert.expired},
                 {"expires_soon", s.cert.expires_soon}, {"not_yet_valid", s.cert.not_yet_valid},
                 {"starttls", s.cert.starttls}};
  return j;
}

class NdjsonWriter : public Writer {
 public:
  NdjsonWriter(FilePtr out, const ServiceTable& services) : out_(std::move(out)), services_(services) {}

  Status Begin(const ScanInfo&) override { return Status::Ok(); }

  Status Port(const PortResult& r) override {
    nlohmann::json j = {
        {"schema_version", kJsonSchemaVersion},
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

  // -sV finishes after the port lines went out: one more line per probed
  // port, "event":"service", with what detection found.
  Status Host(const HostResult& h) override {
    for (const PortResult& r : h.ports) {
      if (r.service->method.empty()) continue;
      nlohmann::json j = {
          {"schema_version", kJsonSchemaVersion}, {"event", "service"},
          {"ip", r.addr.ToString()},  {"port", r.port},
          {"proto", ProtoName(r.proto)}, {"state", StateName(r.state)},
          {"service", r.service->name}, {"version", ServiceJson(*r.service)},
      };
      std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      line.push_back('\n');
      if (fwrite(line.data(), 1, line.size(), out_.get()) != line.size())
        return MakeError("writing NDJSON output failed");
    }
    return Status::Ok();
  }
  // The file was written in place (OutputMode::kStream): readers follow it
  // while the scan runs, so there is nothing to rename, only to flush.
  Status End(const RunSummary&) override { return out_.Commit(); }

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
