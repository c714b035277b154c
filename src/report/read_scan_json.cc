// tojimari's JSON report (-oJ) back into a ScanRecord. The document is
// checked field by field against what docs/JSON-SCHEMA.md promises; fields
// it does not know are ignored, as the schema's versioning rules ask.
// Each host is converted as soon as the parser has it and then dropped from
// the document (nlohmann's parser callback), so memory follows the record
// being built, not the file's size.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <limits>

#include "core/duration.h"
#include "report/read_scan_parts.h"
#include "report/writer.h"

namespace tj::read_scan {
namespace {

using Json = nlohmann::json;

// Reads the fields of one object; the first problem is kept in *err with the
// path of the field ("hosts[0].ports[3].port") and later reads do nothing.
class Fields {
 public:
  Fields(const Json& obj, std::string path, std::string* err) : obj_(obj), path_(std::move(path)), err_(err) {
    if (!obj_.is_object()) Fail("", "expected an object");
  }

  const Json* Get(const char* key, bool required) {
    if (!err_->empty() || !obj_.is_object()) return nullptr;
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) {
      if (required) Fail(key, "missing");
      return nullptr;
    }
    return &*it;
  }
  void Str(const char* key, std::string* out, bool required = false) {
    if (const Json* v = Get(key, required)) {
      if (v->is_string()) *out = v->get<std::string>();
      else Fail(key, "expected a string");
    }
  }
  template <typename T>
  static constexpr int64_t MaxOf() {
    return std::numeric_limits<T>::max() > std::numeric_limits<int64_t>::max()
               ? std::numeric_limits<int64_t>::max()
               : static_cast<int64_t>(std::numeric_limits<T>::max());
  }
  template <typename T>
  void Int(const char* key, T* out, int64_t lo = 0, int64_t hi = MaxOf<T>(), bool required = false) {
    const Json* v = Get(key, required);
    if (!v) return;
    bool in_range = false;
    if (v->is_number_unsigned()) {
      uint64_t u = v->get<uint64_t>();
      in_range = u <= static_cast<uint64_t>(hi) && (lo <= 0 || u >= static_cast<uint64_t>(lo));
    } else if (v->is_number_integer()) {
      in_range = v->get<int64_t>() >= lo && v->get<int64_t>() <= hi;
    }
    if (in_range) *out = static_cast<T>(v->get<int64_t>());
    else Fail(key, fmt::format("expected an integer {}-{}, got {}", lo, hi, Quote(v->dump())));
  }
  void Num(const char* key, double* out) {
    if (const Json* v = Get(key, false)) {
      if (v->is_number()) *out = v->get<double>();
      else Fail(key, "expected a number");
    }
  }
  void Bool(const char* key, bool* out) {
    if (const Json* v = Get(key, false)) {
      if (v->is_boolean()) *out = v->get<bool>();
      else Fail(key, "expected true or false");
    }
  }
  // An array member, or an empty one when absent.
  const Json& Array(const char* key, bool required = false) {
    static const Json kEmpty = Json::array();
    const Json* v = Get(key, required);
    if (!v) return kEmpty;
    if (!v->is_array()) {
      Fail(key, "expected an array");
      return kEmpty;
    }
    return *v;
  }
  std::string Path(const char* key) const { return path_.empty() ? key : path_ + "." + key; }
  void Fail(const char* key, const std::string& what) {
    if (err_->empty()) *err_ = (path_.empty() && !*key ? "" : Path(key) + ": ") + what;
  }
  bool ok() const { return err_->empty(); }

 private:
  const Json& obj_;
  std::string path_;
  std::string* err_;
};

void ReadCert(Fields& f, CertInfo* c) {
  f.Str("subject", &c->subject);
  f.Str("issuer", &c->issuer);
  f.Str("not_before", &c->not_before);
  f.Str("not_after", &c->not_after);
  f.Str("sha256", &c->sha256);
  f.Bool("self_signed", &c->self_signed);
  f.Bool("expired", &c->expired);
  f.Bool("expires_soon", &c->expires_soon);
  f.Bool("not_yet_valid", &c->not_yet_valid);
  const Json& names = f.Array("alt_names");
  for (const Json& n : names) {
    if (!n.is_string()) return f.Fail("alt_names", "expected strings");
    c->alt_names.push_back(n.get<std::string>());
  }
}

void ReadService(const Json& j, const std::string& path, std::string* err, ServiceInfo* s) {
  Fields f(j, path, err);
  f.Str("name", &s->name, true);
  f.Str("method", &s->method);
  f.Int("conf", &s->conf, 0, 10);
  f.Str("product", &s->product);
  f.Str("version", &s->version);
  f.Str("extrainfo", &s->extrainfo);
  f.Str("tunnel", &s->tunnel);
  f.Str("hostname", &s->hostname);
  f.Str("ostype", &s->ostype);
  f.Str("devicetype", &s->devicetype);
  if (const Json* c = f.Get("cert", false)) {
    Fields cf(*c, f.Path("cert"), err);
    s->has_cert = cf.ok();
    ReadCert(cf, &s->cert);
  }
}

void ReadPort(const Json& j, const std::string& path, const Address& addr, std::string* err, PortResult* p) {
  Fields f(j, path, err);
  p->addr = addr;
  f.Int("port", &p->port, 0, 65535, true);
  std::string proto, state, reason = "no-response", reason_ip;
  f.Str("proto", &proto, true);
  f.Str("state", &state, true);
  f.Str("reason", &reason);
  f.Int("reason_ttl", &p->reason_ttl);
  f.Str("reason_ip", &reason_ip);
  int64_t rtt = 0;
  f.Int("rtt_us", &rtt);
  p->rtt = std::chrono::microseconds(rtt);
  f.Int("tries", &p->tries);
  if (!f.ok()) return;
  if (auto pr = ProtoFromName(proto)) p->proto = *pr;
  else return f.Fail("proto", "unknown protocol " + Quote(proto));
  if (auto st = StateFromName(state)) p->state = *st;
  else return f.Fail("state", "unknown port state " + Quote(state));
  p->reason = ReasonOrUnknown(reason);
  if (!reason_ip.empty()) {
    auto ip = Address::Parse(reason_ip);
    if (!ip) return f.Fail("reason_ip", "not an IP address: " + Quote(reason_ip));
    p->reason_ip = *ip;
    p->reason_ip_set = true;
  }
  if (const Json* s = f.Get("service", false)) ReadService(*s, f.Path("service"), err, &*p->service);
}

void ReadHost(const Json& j, const std::string& path, std::string* err, HostResult* h) {
  Fields f(j, path, err);
  std::string addr;
  f.Str("address", &addr, true);
  if (!f.ok()) return;
  auto a = Address::Parse(addr);
  if (!a) return f.Fail("address", "not an IP address: " + Quote(addr));
  h->addr = *a;
  const Json& names = f.Array("hostnames");
  if (!names.empty()) {
    Fields nf(names[0], f.Path("hostnames[0]"), err);
    std::string type;
    nf.Str("name", &h->name);
    nf.Str("type", &type);
    h->name_from_ptr = type == "PTR";
  }
  if (const Json* st = f.Get("status", true)) {
    Fields sf(*st, f.Path("status"), err);
    std::string state, reason = "user-set";
    sf.Str("state", &state, true);
    sf.Str("reason", &reason);
    if (state == "down") h->status = HostStatus::kDown;
    else if (state != "up" && sf.ok()) sf.Fail("state", "unknown host state " + Quote(state));
    h->reason = ReasonOrUnknown(reason);
  }
  bool timed_out = false;
  f.Bool("timed_out", &timed_out);
  if (timed_out) h->status = HostStatus::kTimedOut;
  int64_t latency = 0;
  f.Int("latency_us", &latency);
  h->latency = std::chrono::microseconds(latency);
  const Json& notes = f.Array("notes");
  for (size_t i = 0; i < notes.size() && f.ok(); ++i) {
    Fields nf(notes[i], fmt::format("{}.notes[{}]", path, i), err);
    HostNote n;
    nf.Str("id", &n.id, true);
    nf.Str("text", &n.text, true);
    if (nf.ok()) h->notes.push_back(std::move(n));
  }
  const Json& ports = f.Array("ports");
  for (size_t i = 0; i < ports.size() && f.ok(); ++i) {
    h->ports.emplace_back();
    ReadPort(ports[i], fmt::format("{}.ports[{}]", path, i), h->addr, err, &h->ports.back());
  }
}

void ReadDocument(const Json& doc, std::string* err, ScanRecord* r) {
  Fields f(doc, "", err);
  std::string format;
  f.Str("format", &format);
  if (f.ok() && format != "tojimari-scan") {
    *err = "a JSON document of another kind, not a tojimari scan report (no \"format\": \"tojimari-scan\")";
    return;
  }
  int version = 0;
  f.Int("schema_version", &version, 0, 1000000, true);
  if (f.ok() && version != kJsonSchemaVersion) {
    *err = fmt::format("schema_version {} is not one this tojimari reads (it reads {})", version, kJsonSchemaVersion);
    return;
  }
  f.Str("scanner", &r->scanner);
  f.Str("version", &r->info.version);
  f.Str("args", &r->info.args);
  int64_t start = 0;
  f.Int("start", &start, 0, kLatestEpochSecond);
  r->info.start = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(start));
  f.Int("verbose", &r->info.verbose, 0, 100);
  f.Int("debugging", &r->info.debugging, 0, 100);
  const Json& infos = f.Array("scan_info");
  for (size_t i = 0; i < infos.size() && f.ok(); ++i) {
    Fields sf(infos[i], fmt::format("scan_info[{}]", i), err);
    std::string protocol;
    sf.Str("protocol", &protocol);
    if (protocol != "tcp") continue;
    sf.Str("type", &r->info.scan_type);
    sf.Int("num_services", &r->info.tcp_ports, 0, 65536);
    sf.Str("services", &r->info.tcp_services);
  }
  f.Array("hosts", true);  // read as they came (Parse); what is left is empty
  if (const Json* rs = f.Get("run_stats", true)) {
    Fields sf(*rs, "run_stats", err);
    std::string exit;
    sf.Num("elapsed", &r->summary.elapsed_seconds);
    sf.Str("exit", &exit);
    r->summary.interrupted = exit == "interrupted";
    sf.Int("skipped_reserved", &r->summary.skipped_reserved);
    sf.Int("excluded", &r->summary.excluded);
    if (const Json* hs = sf.Get("hosts", false)) {
      Fields hf(*hs, "run_stats.hosts", err);
      hf.Int("up", &r->summary.hosts_up);
      hf.Int("total", &r->summary.hosts_total);
    }
  }
}

// nlohmann's message without its "[json.exception.parse_error.101] " tag.
std::string ParseMessage(const char* what) {
  std::string_view m = what;
  if (m.starts_with("[json.exception.")) {
    size_t close = m.find("] ");
    if (close != std::string_view::npos) m.remove_prefix(close + 2);
  }
  return std::string(m);
}


// Parses input, taking each element of the top-level "hosts" array out as
// soon as it is complete.
template <typename Input>
Result<ScanRecord> Parse(Input&& input, std::string_view name) {
  ScanRecord record;
  std::string host_err;
  std::string key;  // the current key of the top-level object
  auto each = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (depth == 1 && event == Json::parse_event_t::key) key = parsed.get<std::string>();
    if (depth == 2 && event == Json::parse_event_t::object_end && key == "hosts") {
      if (host_err.empty()) {
        record.hosts.emplace_back();
        ReadHost(parsed, fmt::format("hosts[{}]", record.hosts.size() - 1), &host_err, &record.hosts.back());
      }
      return false;  // not kept in the document
    }
    if (depth == 2 && key == "hosts" &&
        (event == Json::parse_event_t::value || event == Json::parse_event_t::array_end)) {
      if (host_err.empty()) host_err = fmt::format("hosts[{}]: expected an object", record.hosts.size());
      return false;
    }
    return true;
  };
  Json doc;
  try {
    doc = Json::parse(std::forward<Input>(input), each);
  } catch (const Json::exception& e) {  // nlohmann reports errors only by throwing
    return MakeError(fmt::format("{}: not valid JSON: {}", name, ParseMessage(e.what())));
  }
  std::string err;
  try {
    // The document's own fields first: another kind of JSON is said so,
    // whatever its hosts looked like.
    ReadDocument(doc, &err, &record);
  } catch (const Json::exception& e) {  // not expected: every access above checks the type first
    err = ParseMessage(e.what());
  }
  if (err.empty()) err = host_err;
  if (!err.empty()) return MakeError(fmt::format("{}: {}", name, err));
  SortPorts(&record);
  return record;
}

}  // namespace

Result<ScanRecord> ReadJson(std::string_view text, std::string_view name) { return Parse(text, name); }

Result<ScanRecord> ReadJsonFile(std::FILE* file, std::string_view name) { return Parse(file, name); }

}  // namespace tj::read_scan
