#include "session/record_codec.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <unordered_set>

namespace tj {
namespace {

using Json = nlohmann::json;

// Text from the network (banners, certificates, PTR names) is kept as it
// was, up to this size per field; a larger one is refused as damaged.
constexpr size_t kMaxText = 1 << 16;

// The encoding's version, in the info line: a reader refuses another one
// rather than guess (a watch and its scan child are always the same binary,
// but a resume file may outlive an upgrade).
constexpr int kRecordFormat = 1;

std::string Line(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n"; }

// An integer field within [lo, hi]; a fraction, a string or an out-of-range
// number is an error rather than a silently wrapped value.
Result<int64_t> Int(const Json& j, std::string_view key, int64_t lo, int64_t hi) {
  if (!j.contains(key)) return MakeError(fmt::format("\"{}\" is missing", key));
  const Json& v = j[std::string(key)];
  if (!v.is_number_integer()) return MakeError(fmt::format("\"{}\" is not an integer", key));
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return MakeError(fmt::format("\"{}\" is out of range", key));
  int64_t n = v.get<int64_t>();
  if (n < lo || n > hi) return MakeError(fmt::format("\"{}\" {} is out of range {}-{}", key, n, lo, hi));
  return n;
}

Result<uint64_t> Count(const Json& j, std::string_view key) {
  if (!j.contains(key) || !j[std::string(key)].is_number_unsigned())
    return MakeError(fmt::format("\"{}\" is not a count", key));
  return j[std::string(key)].get<uint64_t>();
}

Status Text(const Json& j, std::string_view key, std::string* out) {
  if (!j.contains(key)) return Status::Ok();  // absent: empty
  const Json& v = j[std::string(key)];
  if (!v.is_string() || v.get_ref<const std::string&>().size() > kMaxText)
    return MakeError(fmt::format("\"{}\" is not text", key));
  *out = v.get<std::string>();
  return Status::Ok();
}

Status Flag(const Json& j, std::string_view key, bool* out) {
  if (!j.contains(key)) return Status::Ok();
  if (!j[std::string(key)].is_boolean()) return MakeError(fmt::format("\"{}\" is not true or false", key));
  *out = j[std::string(key)].get<bool>();
  return Status::Ok();
}

#define TJ_TRY(expr)                 \
  do {                               \
    if (Status s_ = (expr); !s_.ok()) \
      return Error{s_.message()};             \
  } while (0)

Json CertToJson(const CertInfo& c) {
  return {{"subject", c.subject},       {"issuer", c.issuer},           {"alt_names", c.alt_names},
          {"not_before", c.not_before}, {"not_after", c.not_after},     {"sha256", c.sha256},
          {"self_signed", c.self_signed}, {"expired", c.expired},       {"expires_soon", c.expires_soon},
          {"not_yet_valid", c.not_yet_valid}, {"starttls", c.starttls}};
}

Result<CertInfo> CertFromJson(const Json& j) {
  if (!j.is_object()) return MakeError("a certificate is not an object");
  CertInfo c;
  TJ_TRY(Text(j, "subject", &c.subject));
  TJ_TRY(Text(j, "issuer", &c.issuer));
  TJ_TRY(Text(j, "not_before", &c.not_before));
  TJ_TRY(Text(j, "not_after", &c.not_after));
  TJ_TRY(Text(j, "sha256", &c.sha256));
  if (j.contains("alt_names")) {
    if (!j["alt_names"].is_array() || j["alt_names"].size() > 4096) return MakeError("\"alt_names\" is not a list");
    for (const Json& n : j["alt_names"]) {
      if (!n.is_string() || n.get_ref<const std::string&>().size() > kMaxText) return MakeError("an alt name is not text");
      c.alt_names.push_back(n.get<std::string>());
    }
  }
  TJ_TRY(Flag(j, "self_signed", &c.self_signed));
  TJ_TRY(Flag(j, "expired", &c.expired));
  TJ_TRY(Flag(j, "expires_soon", &c.expires_soon));
  TJ_TRY(Flag(j, "not_yet_valid", &c.not_yet_valid));
  TJ_TRY(Flag(j, "starttls", &c.starttls));
  return c;
}

Json ServiceToJson(const ServiceInfo& s) {
  Json j = {{"name", s.name},         {"product", s.product}, {"version", s.version},
            {"extrainfo", s.extrainfo}, {"hostname", s.hostname}, {"ostype", s.ostype},
            {"devicetype", s.devicetype}, {"tunnel", s.tunnel}, {"method", s.method},
            {"conf", s.conf},         {"reset_before_data", s.reset_before_data},
            {"data_exchanged", s.data_exchanged}};
  if (s.has_cert) j["cert"] = CertToJson(s.cert);
  return j;
}

Result<ServiceInfo> ServiceFromJson(const Json& j) {
  if (!j.is_object()) return MakeError("a service is not an object");
  ServiceInfo s;
  for (auto [key, field] : {std::pair{"name", &s.name}, {"product", &s.product}, {"version", &s.version},
                            {"extrainfo", &s.extrainfo}, {"hostname", &s.hostname}, {"ostype", &s.ostype},
                            {"devicetype", &s.devicetype}, {"tunnel", &s.tunnel}, {"method", &s.method}})
    TJ_TRY(Text(j, key, field));
  auto conf = Int(j, "conf", 0, 10);
  if (!conf) return conf.error();
  s.conf = static_cast<int>(*conf);
  TJ_TRY(Flag(j, "reset_before_data", &s.reset_before_data));
  TJ_TRY(Flag(j, "data_exchanged", &s.data_exchanged));
  if (j.contains("cert")) {
    auto c = CertFromJson(j["cert"]);
    if (!c) return c.error();
    s.has_cert = true;
    s.cert = std::move(*c);
  }
  return s;
}

// A port is a positional array, not an object: a host of 65,535 ports is
// read back as one JSON document, and an array of scalars costs a fraction
// of an object's keyed nodes. [port, proto, state, reason, ttl, rtt_us,
// tries, reason_ip or null, service or null].
constexpr size_t kPortFields = 9;

Json PortToJson(const PortResult& p) {
  return Json::array({p.port, ProtoName(p.proto), StateName(p.state), ReasonName(p.reason), p.reason_ttl,
                      p.rtt.count(), p.tries, p.reason_ip_set ? Json(p.reason_ip.ToString()) : Json(nullptr),
                      p.service.has_value() ? ServiceToJson(p.service.get()) : Json(nullptr)});
}

// An integer array element within [lo, hi].
Result<int64_t> Elem(const Json& j, size_t i, int64_t lo, int64_t hi, std::string_view what) {
  const Json& v = j[i];
  if (!v.is_number_integer()) return MakeError(fmt::format("a port's {} is not an integer", what));
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(hi))
    return MakeError(fmt::format("a port's {} is out of range {}-{}", what, lo, hi));
  const int64_t n = v.get<int64_t>();
  if (n < lo || n > hi) return MakeError(fmt::format("a port's {} is out of range {}-{}", what, lo, hi));
  return n;
}

Result<PortResult> PortFromJson(const Json& j, const Address& addr) {
  if (!j.is_array() || j.size() != kPortFields) return MakeError("a port entry is not a 9-element array");
  PortResult p;
  p.addr = addr;
  auto port = Elem(j, 0, 1, 65535, "number");
  if (!port) return port.error();
  p.port = static_cast<uint16_t>(*port);
  if (!j[1].is_string() || !j[2].is_string() || !j[3].is_string())
    return MakeError(fmt::format("port {}: its protocol, state or reason is not a name", p.port));
  auto pr = ProtoFromName(j[1].get<std::string>());
  auto st = StateFromName(j[2].get<std::string>());
  auto re = ReasonFromName(j[3].get<std::string>());
  if (!pr || !st || !re) return MakeError(fmt::format("port {} has an unknown protocol, state or reason", p.port));
  p.proto = *pr;
  p.state = *st;
  p.reason = *re;
  auto ttl = Elem(j, 4, 0, 255, "TTL");
  auto rtt = Elem(j, 5, 0, int64_t{3600} * 1000 * 1000, "round-trip time");
  auto tries = Elem(j, 6, 0, 255, "tries");
  if (!ttl) return ttl.error();
  if (!rtt) return rtt.error();
  if (!tries) return tries.error();
  p.reason_ttl = static_cast<uint8_t>(*ttl);
  p.rtt = std::chrono::microseconds(*rtt);
  p.tries = static_cast<uint8_t>(*tries);
  if (!j[7].is_null()) {
    auto a = j[7].is_string() ? Address::Parse(j[7].get<std::string>()) : std::nullopt;
    if (!a) return MakeError(fmt::format("port {} has an invalid reason address", p.port));
    p.reason_ip = *a;
    p.reason_ip_set = true;
  }
  if (!j[8].is_null()) {
    auto sv = ServiceFromJson(j[8]);
    if (!sv) return sv.error();
    p.service = std::move(*sv);
  }
  return p;
}

std::string_view StatusName(HostStatus s) {
  switch (s) {
    case HostStatus::kUp: return "up";
    case HostStatus::kDown: return "down";
    case HostStatus::kTimedOut: return "timed-out";
  }
  return "up";
}

// Everything of a host but its ports (EncodeHostLine writes those one at a
// time, so a 65,535-port host never becomes one document in memory).
Json HostHeadToJson(const HostResult& h) {
  Json notes = Json::array();
  for (const HostNote& n : h.notes) notes.push_back({{"id", n.id}, {"text", n.text}});
  Json j = {{"ip", h.addr.ToString()},     {"name", h.name},         {"ptr", h.name_from_ptr},
            {"status", StatusName(h.status)}, {"reason", ReasonName(h.reason)}, {"ttl", h.reason_ttl},
            {"latency_us", h.latency.count()}, {"notes", std::move(notes)}};
  if (!h.mac.is_zero()) j["mac"] = h.mac.ToString();
  return j;
}

Result<MacAddr> ParseMac(std::string_view s) {
  MacAddr m;
  if (s.size() != 17) return MakeError("\"mac\" is not a MAC address");
  for (size_t i = 0; i < 6; ++i) {
    if (i > 0 && s[i * 3 - 1] != ':') return MakeError("\"mac\" is not a MAC address");
    unsigned v = 0;
    for (char c : s.substr(i * 3, 2)) {
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : (c >= 'a' && c <= 'f')                   ? c - 'a' + 10
              : (c >= 'A' && c <= 'F')                   ? c - 'A' + 10
                                                         : -1;
      if (d < 0) return MakeError("\"mac\" is not a MAC address");
      v = v * 16 + static_cast<unsigned>(d);
    }
    m.b[i] = static_cast<uint8_t>(v);
  }
  return m;
}

Result<HostResult> HostFromJson(const Json& j) {
  if (!j.is_object() || !j.contains("ip") || !j.contains("ports") || !j["ports"].is_array())
    return MakeError("a host lacks its address or ports");
  HostResult h;
  std::string ip, status, reason;
  TJ_TRY(Text(j, "ip", &ip));
  auto addr = Address::Parse(ip);
  if (!addr) return MakeError("a host has an invalid address");
  h.addr = *addr;
  TJ_TRY(Text(j, "name", &h.name));
  if (h.name.size() > 1024) return MakeError("a host's name is too long");
  TJ_TRY(Flag(j, "ptr", &h.name_from_ptr));
  TJ_TRY(Text(j, "status", &status));
  if (status == "down") h.status = HostStatus::kDown;
  else if (status == "timed-out") h.status = HostStatus::kTimedOut;
  else if (!status.empty() && status != "up") return MakeError("a host has an unknown status");
  TJ_TRY(Text(j, "reason", &reason));
  auto r = ReasonFromName(reason.empty() ? "user-set" : reason);
  if (!r) return MakeError("a host has an unknown reason");
  h.reason = *r;
  if (j.contains("ttl")) {
    auto ttl = Int(j, "ttl", 0, 255);
    if (!ttl) return ttl.error();
    h.reason_ttl = static_cast<uint8_t>(*ttl);
  }
  if (j.contains("latency_us")) {
    auto lat = Int(j, "latency_us", 0, int64_t{3600} * 1000 * 1000);
    if (!lat) return lat.error();
    h.latency = std::chrono::microseconds(*lat);
  }
  if (j.contains("mac")) {
    std::string mac;
    TJ_TRY(Text(j, "mac", &mac));
    auto m = ParseMac(mac);
    if (!m) return m.error();
    h.mac = *m;
  }
  std::unordered_set<uint32_t> seen;
  for (const Json& pj : j["ports"]) {
    auto p = PortFromJson(pj, h.addr);
    if (!p) return p.error();
    if (!seen.insert(uint32_t{p->port} << 1 | (p->proto == Proto::kUdp)).second)
      return MakeError(fmt::format("port {} of {} is given twice", p->port, h.addr.ToString()));
    h.ports.push_back(std::move(*p));
  }
  if (j.contains("notes")) {
    if (!j["notes"].is_array() || j["notes"].size() > 64) return MakeError("a host's \"notes\" is not a list");
    for (const Json& n : j["notes"]) {
      HostNote note;
      if (!n.is_object()) return MakeError("a host note is not an object");
      TJ_TRY(Text(n, "id", &note.id));
      TJ_TRY(Text(n, "text", &note.text));
      if (!IsHostNoteId(note.id)) return MakeError("a host note has an unknown id");
      h.notes.push_back(std::move(note));
    }
  }
  return h;
}

}  // namespace

std::string EncodeInfoLine(const ScanRecord& r) {
  const ScanInfo& i = r.info;
  const auto start = std::chrono::duration_cast<std::chrono::microseconds>(i.start.time_since_epoch()).count();
  return Line({{"info",
                {{"record_format", kRecordFormat},
                 {"scanner", r.scanner},        {"version", i.version},         {"args", i.args},
                 {"start_us", start},           {"scan_type", i.scan_type},     {"tcp_ports", i.tcp_ports},
                 {"tcp_services", i.tcp_services}, {"udp_ports", i.udp_ports}, {"udp_services", i.udp_services},
                 {"show_reason", i.show_reason}, {"open_only", i.open_only},   {"verbose", i.verbose}}}});
}

std::string EncodeHostLine(const HostResult& h) {
  std::string head = HostHeadToJson(h).dump(-1, ' ', false, Json::error_handler_t::replace);
  head.pop_back();  // the closing brace: the ports go inside
  std::string out = "{\"host\":" + head + ",\"ports\":[";
  for (size_t i = 0; i < h.ports.size(); ++i) {
    if (i) out += ',';
    out += PortToJson(h.ports[i]).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  return out + "]}}\n";
}

std::string EncodeSummaryLine(const RunSummary& s) {
  return Line({{"summary",
                {{"hosts_total", s.hosts_total},
                 {"hosts_up", s.hosts_up},
                 {"skipped_reserved", s.skipped_reserved},
                 {"excluded", s.excluded},
                 {"elapsed_seconds", s.elapsed_seconds},
                 {"interrupted", s.interrupted}}}});
}

Result<HostResult> DecodeHostLine(std::string_view line) {
  Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("host")) return MakeError("not a host line");
  return HostFromJson(j["host"]);
}

Status RecordDecoder::Line(std::string_view line) {
  Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.size() != 1) return MakeError("a line is not a record line");
  if (summary_) return MakeError("a line follows the summary");
  if (j.contains("info")) {
    if (info_) return MakeError("a second info line");
    const Json& i = j["info"];
    if (!i.is_object()) return MakeError("the info line is not an object");
    ScanInfo& info = r_->info;
    auto format = Int(i, "record_format", 0, INT32_MAX);
    if (!format) return format.error();
    if (*format != kRecordFormat)
      return MakeError(fmt::format("record format {} is not this version's ({})", *format, kRecordFormat));
    TJ_TRY(Text(i, "scanner", &r_->scanner));
    TJ_TRY(Text(i, "version", &info.version));
    TJ_TRY(Text(i, "args", &info.args));
    TJ_TRY(Text(i, "scan_type", &info.scan_type));
    TJ_TRY(Text(i, "tcp_services", &info.tcp_services));
    TJ_TRY(Text(i, "udp_services", &info.udp_services));
    // The clock counts nanoseconds in 64 bits: a start past 2262 cannot be held.
    auto start = Int(i, "start_us", 0, INT64_MAX / 1000);
    auto tcp = Int(i, "tcp_ports", 0, 65535);
    auto udp = Int(i, "udp_ports", 0, 65535);
    auto verbose = Int(i, "verbose", 0, 100);
    if (!start) return start.error();
    if (!tcp) return tcp.error();
    if (!udp) return udp.error();
    if (!verbose) return verbose.error();
    info.start = std::chrono::system_clock::time_point(std::chrono::microseconds(*start));
    info.tcp_ports = static_cast<size_t>(*tcp);
    info.udp_ports = static_cast<size_t>(*udp);
    info.verbose = static_cast<int>(*verbose);
    TJ_TRY(Flag(i, "show_reason", &info.show_reason));
    TJ_TRY(Flag(i, "open_only", &info.open_only));
    info_ = true;
    return Status::Ok();
  }
  if (!info_) return MakeError("the record does not begin with its info line");
  if (j.contains("host")) {
    auto h = HostFromJson(j["host"]);
    if (!h) return h.error();
    r_->hosts.push_back(std::move(*h));
    return Status::Ok();
  }
  if (j.contains("summary")) {
    const Json& s = j["summary"];
    if (!s.is_object()) return MakeError("the summary line is not an object");
    RunSummary& sum = r_->summary;
    for (auto [key, field] : {std::pair{"hosts_total", &sum.hosts_total}, {"hosts_up", &sum.hosts_up},
                              {"skipped_reserved", &sum.skipped_reserved}, {"excluded", &sum.excluded}}) {
      auto n = Count(s, key);
      if (!n) return n.error();
      *field = *n;
    }
    if (!s.contains("elapsed_seconds") || !s["elapsed_seconds"].is_number()) return MakeError("\"elapsed_seconds\" is not a number");
    sum.elapsed_seconds = s["elapsed_seconds"].get<double>();
    TJ_TRY(Flag(s, "interrupted", &sum.interrupted));
    summary_ = true;
    return Status::Ok();
  }
  return MakeError("a line of an unknown kind");
}

Status RecordDecoder::Finish() const {
  if (!summary_) return MakeError("the record ends before its summary");
  return Status::Ok();
}

}  // namespace tj
