// One JSON document per scan (-oJ) with everything the XML report carries,
// in the versioned schema of docs/JSON-SCHEMA.md (docs/tojimari-scan.schema.json).
// Hosts are written as they complete, one per line, between a header and
// the closing run_stats, so memory stays flat on large scans; the file is
// renamed into place only after End(), so readers always get a whole document.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <utility>

#include "report/port_fold.h"
#include "report/report_text.h"
#include "report/writer.h"

namespace tj {
namespace {

using Json = nlohmann::ordered_json;  // fields in the documented order, for people reading it

// Text from outside (a PTR name, the command line) may not be UTF-8; JSON
// must be, so such bytes become U+FFFD instead of failing the report.
std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(tt));
}

Json CertJson(const CertInfo& c) {
  return {{"subject", c.subject},           {"issuer", c.issuer},     {"alt_names", c.alt_names},
          {"not_before", c.not_before},     {"not_after", c.not_after}, {"sha256", c.sha256},
          {"self_signed", c.self_signed},   {"expired", c.expired},   {"expires_soon", c.expires_soon},
          {"not_yet_valid", c.not_yet_valid}, {"starttls", c.starttls}};
}

// What -sV found, or the port table's name; fields nothing was learnt about are left out.
Json ServiceJson(const ServiceInfo& s) {
  Json j = {{"name", s.name}, {"method", s.method}, {"conf", s.conf}};
  const std::pair<const char*, const std::string*> optional[] = {
      {"product", &s.product},   {"version", &s.version}, {"extrainfo", &s.extrainfo}, {"tunnel", &s.tunnel},
      {"hostname", &s.hostname}, {"ostype", &s.ostype},   {"devicetype", &s.devicetype}};
  for (const auto& [key, value] : optional)
    if (!value->empty()) j[key] = *value;
  if (s.has_cert) j["cert"] = CertJson(s.cert);
  return j;
}

class JsonWriter : public Writer {
 public:
  JsonWriter(FilePtr out, const ServiceTable& services) : out_(std::move(out)), services_(services) {}

  Status Begin(const ScanInfo& info) override;
  Status Host(const HostResult& h) override;
  Status End(const RunSummary& s) override;

 private:
  Status Put(const std::string& s) { return WriteText(out_.get(), s, "JSON"); }
  Json PortJson(const PortResult& p) const;

  FilePtr out_;
  const ServiceTable& services_;
  ScanInfo info_;
  bool first_host_ = true;
};

Status JsonWriter::Begin(const ScanInfo& info) {
  info_ = info;
  Json head = {
      {"format", "tojimari-scan"},
      {"schema_version", kJsonSchemaVersion},
      {"scanner", "tojimari"},
      {"version", info.version},
      {"args", info.args},
      {"start", UnixSeconds(info.start)},
      {"start_time", Rfc3339(info.start)},
      {"scan_info", Json::array()},
      {"verbose", info.verbose},
      {"debugging", info.debugging},
  };
  if (info.tcp_ports > 0)
    head["scan_info"].push_back({{"type", info.scan_type},
                                 {"protocol", "tcp"},
                                 {"num_services", info.tcp_ports},
                                 {"services", info.tcp_services}});
  if (info.udp_ports > 0)
    head["scan_info"].push_back({{"type", "udp"},
                                 {"protocol", "udp"},
                                 {"num_services", info.udp_ports},
                                 {"services", info.udp_services}});
  // The header is an object left open: hosts follow as they complete.
  std::string text = Dump(head);
  text.pop_back();  // the closing brace
  return Put(text + ",\"hosts\":[");
}

Json JsonWriter::PortJson(const PortResult& p) const {
  Json j = {
      {"port", p.port},
      {"proto", ProtoName(p.proto)},
      {"state", StateName(p.state)},
      {"reason", ReasonName(p.reason)},
      {"reason_ttl", p.reason_ttl},
  };
  if (p.reason_ip_set) j["reason_ip"] = p.reason_ip.ToString();
  ServiceInfo svc = ReportedService(p, services_);
  if (!svc.name.empty()) j["service"] = ServiceJson(svc);
  j["rtt_us"] = p.rtt.count();
  j["tries"] = p.tries;
  return j;
}

Status JsonWriter::Host(const HostResult& h) {
  const bool timed_out = h.status == HostStatus::kTimedOut;
  Json host = {
      {"address", h.addr.ToString()},
      {"address_type", h.addr.is_v4() ? "ipv4" : "ipv6"},
      {"hostnames", Json::array()},
      {"status", {{"state", h.status == HostStatus::kDown ? "down" : "up"},
                  {"reason", ReasonName(h.reason)},
                  {"reason_ttl", h.reason_ttl}}},
      {"timed_out", timed_out},
      {"latency_us", h.latency.count()},
      {"end_time", UnixSeconds(std::chrono::system_clock::now())},
      {"extra_ports", Json::array()},
      {"ports", Json::array()},
  };
  if (!h.mac.is_zero()) host["mac"] = h.mac.ToString();  // on the local link only
  for (const HostNote& n : h.notes) host["notes"].push_back({{"id", n.id}, {"text", n.text}});
  if (!h.name.empty()) host["hostnames"].push_back({{"name", h.name}, {"type", h.name_from_ptr ? "PTR" : "user"}});
  // As in the XML: a host that timed out has no port table.
  if (!timed_out) {
    PortFold fold = FoldPorts(h.ports, info_.verbose, info_.open_only);
    for (const FoldedState& f : fold.folded) {
      Json reasons = Json::array();
      for (const FoldedReason& r : f.reasons)
        reasons.push_back(
            {{"reason", ReasonName(r.reason)}, {"count", r.ports.size()}, {"ports", PortRanges(r.ports)}});
      host["extra_ports"].push_back(
          {{"state", StateName(f.state)}, {"proto", ProtoName(f.proto)}, {"count", f.count}, {"reasons", reasons}});
    }
    for (const PortResult* p : fold.shown) host["ports"].push_back(PortJson(*p));
  }
  std::string text = first_host_ ? "\n" : ",\n";
  first_host_ = false;
  return Put(text + Dump(host));
}

Status JsonWriter::End(const RunSummary& s) {
  const auto now = std::chrono::system_clock::now();
  Json stats = {
      {"finished", UnixSeconds(now)},
      {"finished_time", Rfc3339(now)},
      {"elapsed", s.elapsed_seconds},
      {"summary", fmt::format("tojimari done at {}; {}", CTimeString(now), DoneSummary(s))},
      {"exit", s.interrupted ? "interrupted" : "success"},
      {"hosts", {{"up", s.hosts_up}, {"down", s.hosts_total - std::min(s.hosts_up, s.hosts_total)},
                 {"total", s.hosts_total}}},
      {"skipped_reserved", s.skipped_reserved},
      {"excluded", s.excluded},
  };
  Status st = Put(fmt::format("\n],\"run_stats\":{}}}\n", Dump(stats)));
  Status committed = out_.Commit();
  return st.ok() ? committed : st;
}

}  // namespace

std::unique_ptr<Writer> MakeJsonWriter(FilePtr out, const ServiceTable& services) {
  return std::make_unique<JsonWriter>(std::move(out), services);
}

}  // namespace tj
