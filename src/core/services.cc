#include "core/services.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <utility>

namespace tj::embedded {
extern const std::string_view services;
}  // namespace tj::embedded

namespace tj {

struct ServiceTable::Entry {
  std::string name;  // "" when the port is listed only for its rank
  uint16_t port = 0;
  Proto proto = Proto::kTcp;
  uint32_t rank = 0;  // 0 when unranked
};

namespace {

constexpr size_t kPorts = 65536;

size_t SlotOf(Proto proto, uint16_t port) {
  return (proto == Proto::kUdp ? kPorts : 0) + port;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}

// Parses all of `s` as an unsigned decimal; partial numbers are rejected so
// "22x" is an error rather than port 22.
template <typename T>
bool ParseUnsigned(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// Splits a line into at most `max` tab-separated fields; the last one keeps
// the rest of the line, so a description is free text.
std::vector<std::string_view> SplitTabs(std::string_view line, size_t max) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < max) {
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) break;
    fields.push_back(line.substr(0, tab));
    line.remove_prefix(tab + 1);
  }
  fields.push_back(line);
  return fields;
}

Error LineError(size_t line_no, const std::string& what) {
  return MakeError("services line " + std::to_string(line_no) + ": " + what);
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

// Does the parsing with access to ServiceTable's private members; it keeps
// the line each port and rank came from so duplicates can name both lines.
struct ServiceTableBuilder {
  ServiceTable table;
  std::vector<uint32_t> line_of_slot = std::vector<uint32_t>(2 * kPorts, 0);
  std::unordered_map<uint64_t, size_t> line_of_rank;  // (proto, rank) -> line

  Status AddLine(std::string_view line, size_t line_no);
  void Finish();

 private:
  static Result<ServiceTable::Entry> ParseFields(std::string_view line, size_t line_no);
};

Result<ServiceTable::Entry> ServiceTableBuilder::ParseFields(std::string_view line,
                                                             size_t line_no) {
  std::vector<std::string_view> f = SplitTabs(line, 4);
  if (f.size() < 3)
    return LineError(line_no, "missing columns in " + Quote(line) +
                                  " (want name<TAB>port/proto<TAB>rank<TAB>description)");
  ServiceTable::Entry e;
  std::string_view name = f[0];
  if (name.empty() || name.find_first_of(" \r\v\f") != std::string_view::npos)
    return LineError(line_no, "bad service name " + Quote(name));
  if (name != "-") e.name = std::string(name);

  std::string_view spec = f[1];
  size_t slash = spec.find('/');
  std::string_view port = spec.substr(0, slash);
  unsigned port_value = 0;
  if (slash == std::string_view::npos || !ParseUnsigned(port, port_value) || port_value == 0 ||
      port_value > 65535)
    return LineError(line_no, "bad port in " + Quote(spec) + " (want 1..65535/tcp or /udp)");
  e.port = static_cast<uint16_t>(port_value);
  std::string_view proto = spec.substr(slash + 1);
  if (proto == "tcp") {
    e.proto = Proto::kTcp;
  } else if (proto == "udp") {
    e.proto = Proto::kUdp;
  } else {
    return LineError(line_no, "bad proto in " + Quote(spec) + " (want tcp or udp)");
  }

  std::string_view rank = f[2];
  if (rank != "-" && (!ParseUnsigned(rank, e.rank) || e.rank == 0))
    return LineError(line_no, "bad rank " + Quote(rank) + " (want an integer >= 1 or -)");
  return e;
}

Status ServiceTableBuilder::AddLine(std::string_view line, size_t line_no) {
  Result<ServiceTable::Entry> parsed = ParseFields(line, line_no);
  if (!parsed.ok()) return parsed.error();
  ServiceTable::Entry& e = *parsed;
  std::string where = std::to_string(e.port) + "/" + std::string(ProtoName(e.proto));

  size_t slot = SlotOf(e.proto, e.port);
  if (line_of_slot[slot] != 0)
    return LineError(line_no, "duplicate port " + where + " (first on line " +
                                  std::to_string(line_of_slot[slot]) + ")");
  if (e.rank != 0) {
    uint64_t key = (uint64_t{e.proto == Proto::kUdp} << 32) | e.rank;
    auto [it, inserted] = line_of_rank.emplace(key, line_no);
    if (!inserted)
      return LineError(line_no, "duplicate " + std::string(ProtoName(e.proto)) + " rank " +
                                    std::to_string(e.rank) + " for " + where +
                                    " (first on line " + std::to_string(it->second) + ")");
  }
  line_of_slot[slot] = static_cast<uint32_t>(line_no);
  table.entries_.push_back(std::move(e));
  table.slot_[slot] = static_cast<uint32_t>(table.entries_.size());
  return Status::Ok();
}

void ServiceTableBuilder::Finish() {
  std::vector<std::pair<uint32_t, uint16_t>> tcp, udp;  // (rank, port)
  for (const ServiceTable::Entry& e : table.entries_) {
    if (e.rank == 0) continue;
    (e.proto == Proto::kTcp ? tcp : udp).emplace_back(e.rank, e.port);
  }
  auto ports_by_rank = [](std::vector<std::pair<uint32_t, uint16_t>>& ranked) {
    std::sort(ranked.begin(), ranked.end());
    std::vector<uint16_t> ports;
    ports.reserve(ranked.size());
    for (const auto& [rank, port] : ranked) ports.push_back(port);
    return ports;
  };
  table.ranked_tcp_ = ports_by_rank(tcp);
  table.ranked_udp_ = ports_by_rank(udp);
}

ServiceTable::ServiceTable() = default;
ServiceTable::~ServiceTable() = default;
ServiceTable::ServiceTable(ServiceTable&&) noexcept = default;
ServiceTable& ServiceTable::operator=(ServiceTable&&) noexcept = default;

Result<ServiceTable> ServiceTable::Parse(std::string_view text) {
  ServiceTableBuilder b;
  b.table.slot_.assign(2 * kPorts, 0);
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlank(line) || line.front() == '#') continue;
    Status s = b.AddLine(line, line_no);
    if (!s.ok()) return MakeError(s.message());
  }
  b.Finish();
  return std::move(b.table);
}

const ServiceTable& ServiceTable::Builtin() {
  // Parsed once on first use; a C++ function-local static is initialised
  // thread-safely and never written afterwards.
  static const ServiceTable table = [] {
    Result<ServiceTable> parsed = Parse(embedded::services);
    if (!parsed.ok()) {
      // The data is compiled in, so this is a build defect, not a user error.
      std::fprintf(stderr, "tojimari: built-in data/services.tsv is invalid: %s\n",
                   parsed.error().message.c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return table;
}

std::string_view ServiceTable::Name(Proto proto, uint16_t port) const {
  if (slot_.empty()) return {};
  uint32_t s = slot_[SlotOf(proto, port)];
  return s == 0 ? std::string_view() : std::string_view(entries_[s - 1].name);
}

std::vector<uint16_t> ServiceTable::PortsNamed(std::string_view name, Proto proto) const {
  // A linear pass: names are looked up once per spec item, not per packet.
  std::vector<uint16_t> ports;
  if (name.empty()) return ports;
  for (const Entry& e : entries_)
    if (e.proto == proto && EqualsIgnoreCase(e.name, name)) ports.push_back(e.port);
  std::sort(ports.begin(), ports.end());
  return ports;
}

std::vector<std::string_view> ServiceTable::AllNames() const {
  std::vector<std::string_view> names;
  names.reserve(entries_.size());
  for (const Entry& e : entries_)
    if (!e.name.empty()) names.emplace_back(e.name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::vector<uint16_t> ServiceTable::TopPorts(Proto proto, size_t n) const {
  const std::vector<uint16_t>& ranked = proto == Proto::kTcp ? ranked_tcp_ : ranked_udp_;
  n = std::min<size_t>(n, kPorts - 1);  // port 0 is never scanned
  std::vector<uint16_t> ports(ranked.begin(),
                              ranked.begin() + static_cast<std::ptrdiff_t>(std::min(n, ranked.size())));
  if (ports.size() == n) return ports;
  std::vector<bool> taken(kPorts, false);
  for (uint16_t p : ports) taken[p] = true;
  for (uint32_t p = 1; p < kPorts && ports.size() < n; ++p)
    if (!taken[p]) ports.push_back(static_cast<uint16_t>(p));
  return ports;
}

}  // namespace tj
