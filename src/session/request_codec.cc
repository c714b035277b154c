#include "session/request_codec.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

namespace tj {
namespace {

using Json = nlohmann::json;

Json Ranges(const PortSet& s) {
  Json out = Json::array();
  const std::vector<uint16_t> v = s.ToVector();
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    out.push_back(Json::array({v[i], v[j]}));
    i = j + 1;
  }
  return out;
}

Json Ports(const std::optional<std::vector<uint16_t>>& p) { return p ? Json(*p) : Json(nullptr); }

Json Micros(const std::optional<Duration>& d) { return d ? Json(d->count()) : Json(nullptr); }

// Reads one object's fields, each at most once, and says which were left
// over (a field this version does not know is refused, not ignored).
class Reader {
 public:
  explicit Reader(const Json& j) : j_(j) {}
  const Json* Get(const char* key) {
    seen_.insert(key);
    auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }
  void Str(const char* key, std::string* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_string() || v->get_ref<const std::string&>().size() > (1u << 20)) return Fail(key, "is not text");
      *out = v->get<std::string>();
    }
  }
  void Flag(const char* key, bool* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_boolean()) return Fail(key, "is not true or false");
      *out = v->get<bool>();
    }
  }
  template <typename T>
  void Int(const char* key, T* out, int64_t lo, int64_t hi) {
    if (const Json* v = Get(key)) {
      if (!v->is_number_integer()) return Fail(key, "is not an integer");
      if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(hi)) return Fail(key, "is out of range");
      if (!v->is_number_unsigned() && (v->get<int64_t>() < lo || v->get<int64_t>() > hi))
        return Fail(key, "is out of range");
      *out = static_cast<T>(v->is_number_unsigned() ? static_cast<int64_t>(v->get<uint64_t>()) : v->get<int64_t>());
    }
  }
  void Count(const char* key, uint64_t* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_number_unsigned()) return Fail(key, "is not a count");
      *out = v->get<uint64_t>();
    }
  }
  void Rate(const char* key, double* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_number() || v->get<double>() < 0 || v->get<double>() > 1e8) return Fail(key, "is not a rate");
      *out = v->get<double>();
    }
  }
  void List(const char* key, std::vector<std::string>* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_array() || v->size() > 65536) return Fail(key, "is not a list");
      for (const Json& s : *v) {
        if (!s.is_string() || s.get_ref<const std::string&>().size() > 4096) return Fail(key, "holds a non-text item");
        out->push_back(s.get<std::string>());
      }
    }
  }
  void Time(const char* key, std::optional<Duration>* out) {
    if (const Json* v = Get(key)) {
      // At most ten years: the engines add durations to clocks that count
      // nanoseconds in 64 bits.
      constexpr uint64_t kMaxMicros = uint64_t{10} * 366 * 24 * 3600 * 1000 * 1000;
      if (!v->is_number_unsigned() || v->get<uint64_t>() > kMaxMicros) return Fail(key, "is not a duration");
      *out = Duration(static_cast<int64_t>(v->get<uint64_t>()));
    }
  }
  void PingPorts(const char* key, std::optional<std::vector<uint16_t>>* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_array() || v->size() > 65535) return Fail(key, "is not a port list");
      out->emplace();
      for (const Json& p : *v) {
        if (!p.is_number_unsigned() || p.get<uint64_t>() < 1 || p.get<uint64_t>() > 65535)
          return Fail(key, "holds a port outside 1-65535");
        (*out)->push_back(static_cast<uint16_t>(p.get<uint64_t>()));
      }
    }
  }
  void Set(const char* key, PortSet* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_array()) return Fail(key, "is not a list of port ranges");
      for (const Json& r : *v) {
        if (!r.is_array() || r.size() != 2 || !r[0].is_number_unsigned() || !r[1].is_number_unsigned())
          return Fail(key, "holds an item that is not a [low, high] range");
        uint64_t lo = r[0].get<uint64_t>(), hi = r[1].get<uint64_t>();
        if (lo < 1 || hi > 65535 || lo > hi) return Fail(key, "holds a range outside 1-65535");
        out->AddRange(static_cast<uint16_t>(lo), static_cast<uint16_t>(hi));
      }
    }
  }
  Status Done() {
    if (!error_.ok()) return error_;
    for (const auto& [key, value] : j_.items())
      if (!seen_.count(key)) return MakeError(fmt::format("unknown field \"{}\"", key.substr(0, 40)));
    return Status::Ok();
  }

 private:
  void Fail(const char* key, std::string_view why) {
    if (error_.ok()) error_ = MakeError(fmt::format("\"{}\" {}", key, why));
  }
  const Json& j_;
  std::set<std::string, std::less<>> seen_;
  Status error_;
};

}  // namespace

std::string EncodeRequest(const ScanRequest& r) {
  Json j;
  j["targets"] = r.targets;
  j["target_files"] = r.target_files;
  j["excludes"] = r.excludes;
  j["exclude_files"] = r.exclude_files;
  j["i_know"] = r.i_know;
  j["max_targets"] = r.max_targets;
  j["ipv6"] = r.family == FamilyChoice::kV6;
  j["family_given"] = r.family_given;
  if (r.ports) j["ports"] = {{"tcp", Ranges(r.ports->tcp)}, {"udp", Ranges(r.ports->udp)}};
  j["ports_text"] = r.ports_text;
  j["top_ports"] = r.top_ports;
  j["technique"] = r.technique ? Json(RowOf(*r.technique).name) : Json(nullptr);
  j["udp_scan"] = r.udp_scan;
  j["udp_fast"] = r.udp_fast;
  j["defeat_rst_limit"] = r.defeat_rst_limit;
  j["sources"] = r.sources;
  j["shard"] = r.shard;
  j["skip_discovery"] = r.skip_discovery;
  j["ping_scan"] = r.ping_scan;
  j["ping_echo"] = r.ping_echo;
  j["ping_timestamp"] = r.ping_timestamp;
  j["ping_arp"] = r.ping_arp;
  j["ping_syn"] = Ports(r.ping_syn);
  j["ping_ack"] = Ports(r.ping_ack);
  j["ping_udp"] = Ports(r.ping_udp);
  j["disable_arp_ping"] = r.disable_arp_ping;
  j["no_dns"] = r.no_dns;
  j["timing_level"] = r.timing_level;
  j["max_retries"] = r.max_retries ? Json(*r.max_retries) : Json(nullptr);
  j["host_timeout_us"] = Micros(r.host_timeout);
  j["min_rtt_timeout_us"] = Micros(r.min_rtt_timeout);
  j["max_rtt_timeout_us"] = Micros(r.max_rtt_timeout);
  j["initial_rtt_timeout_us"] = Micros(r.initial_rtt_timeout);
  j["scan_delay_us"] = Micros(r.scan_delay);
  j["min_rate"] = r.min_rate;
  j["max_rate"] = r.max_rate;
  j["max_parallelism"] = r.max_parallelism;
  j["seed"] = r.seed;
  j["version_detect"] = r.version_detect;
  j["version_intensity"] = r.version_intensity;
  j["service_db"] = r.service_db;
  j["version_timeout_us"] = Micros(r.version_timeout);
  j["open_only"] = r.open_only;
  j["show_reason"] = r.show_reason;
  j["verbose"] = r.verbose;
  j["normal_out"] = r.normal_out;
  j["ndjson_out"] = r.ndjson_out;
  j["xml_out"] = r.xml_out;
  j["grepable_out"] = r.grepable_out;
  j["json_out"] = r.json_out;
  j["all_out"] = r.all_out;
  j["stats_every_us"] = r.stats_every.count();
  j["resume_file"] = r.resume_file;
  j["store"] = r.store;
  j["db"] = r.db;
  j["command_line"] = r.command_line;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<ScanRequest> DecodeRequest(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return MakeError("the scan request is not a JSON object");
  ScanRequest r;
  Reader in(j);
  in.List("targets", &r.targets);
  in.List("target_files", &r.target_files);
  in.List("excludes", &r.excludes);
  in.List("exclude_files", &r.exclude_files);
  in.Flag("i_know", &r.i_know);
  in.Count("max_targets", &r.max_targets);
  bool v6 = false;
  in.Flag("ipv6", &v6);
  r.family = v6 ? FamilyChoice::kV6 : FamilyChoice::kV4;
  in.Flag("family_given", &r.family_given);
  if (const Json* p = in.Get("ports")) {
    if (!p->is_object()) return MakeError("the scan request's \"ports\" is not an object");
    Reader ports(*p);
    r.ports.emplace();
    ports.Set("tcp", &r.ports->tcp);
    ports.Set("udp", &r.ports->udp);
    if (Status s = ports.Done(); !s) return MakeError("the scan request's ports: " + s.message());
  }
  in.Str("ports_text", &r.ports_text);
  in.Int("top_ports", &r.top_ports, 0, 65535);
  std::string technique;
  in.Str("technique", &technique);
  if (!technique.empty()) {
    r.technique = TechniqueByName(technique);
    if (!r.technique) return MakeError("the scan request names an unknown technique");
  }
  in.Flag("udp_scan", &r.udp_scan);
  in.Flag("udp_fast", &r.udp_fast);
  in.Flag("defeat_rst_limit", &r.defeat_rst_limit);
  in.List("sources", &r.sources);
  in.Str("shard", &r.shard);
  in.Flag("skip_discovery", &r.skip_discovery);
  in.Flag("ping_scan", &r.ping_scan);
  in.Flag("ping_echo", &r.ping_echo);
  in.Flag("ping_timestamp", &r.ping_timestamp);
  in.Flag("ping_arp", &r.ping_arp);
  in.PingPorts("ping_syn", &r.ping_syn);
  in.PingPorts("ping_ack", &r.ping_ack);
  in.PingPorts("ping_udp", &r.ping_udp);
  in.Flag("disable_arp_ping", &r.disable_arp_ping);
  in.Flag("no_dns", &r.no_dns);
  in.Int("timing_level", &r.timing_level, 0, 5);
  if (in.Get("max_retries")) {
    int n = 0;
    in.Int("max_retries", &n, 0, 50);
    r.max_retries = n;
  }
  in.Time("host_timeout_us", &r.host_timeout);
  in.Time("min_rtt_timeout_us", &r.min_rtt_timeout);
  in.Time("max_rtt_timeout_us", &r.max_rtt_timeout);
  in.Time("initial_rtt_timeout_us", &r.initial_rtt_timeout);
  in.Time("scan_delay_us", &r.scan_delay);
  in.Rate("min_rate", &r.min_rate);
  in.Rate("max_rate", &r.max_rate);
  in.Int("max_parallelism", &r.max_parallelism, 0, 65536);
  in.Count("seed", &r.seed);
  in.Flag("version_detect", &r.version_detect);
  in.Int("version_intensity", &r.version_intensity, 0, 9);
  in.Str("service_db", &r.service_db);
  in.Time("version_timeout_us", &r.version_timeout);
  in.Flag("open_only", &r.open_only);
  in.Flag("show_reason", &r.show_reason);
  in.Int("verbose", &r.verbose, 0, 100);
  in.Str("normal_out", &r.normal_out);
  in.Str("ndjson_out", &r.ndjson_out);
  in.Str("xml_out", &r.xml_out);
  in.Str("grepable_out", &r.grepable_out);
  in.Str("json_out", &r.json_out);
  in.Str("all_out", &r.all_out);
  std::optional<Duration> every;
  in.Time("stats_every_us", &every);
  r.stats_every = every.value_or(Duration(0));
  in.Str("resume_file", &r.resume_file);
  in.Flag("store", &r.store);
  in.Str("db", &r.db);
  in.Str("command_line", &r.command_line);
  if (Status s = in.Done(); !s) return MakeError("the scan request's " + s.message());
  return r;
}

}  // namespace tj
