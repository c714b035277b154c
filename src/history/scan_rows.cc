#include "history/scan_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

#include "core/duration.h"
#include "report/port_fold.h"

namespace tj {
namespace {

using std::chrono::microseconds;

// A host's ports that share one of these, with no service and no ICMP
// sender, are stored as one port_folds row when there are enough of them.
constexpr size_t kFoldAtLeast = 8;
using FoldKey = std::tuple<Proto, PortState, Reason, uint8_t>;

bool Foldable(const PortResult& p) { return !p.service.has_value() && !p.reason_ip_set; }
FoldKey KeyOf(const PortResult& p) { return {p.proto, p.state, p.reason, p.reason_ttl}; }

// The groups of a host's ports worth folding, each with its ports in order.
std::map<FoldKey, std::vector<uint16_t>> ChooseFolds(const HostResult& h) {
  std::map<FoldKey, std::vector<uint16_t>> groups;
  for (const auto& p : h.ports)
    if (Foldable(p)) groups[KeyOf(p)].push_back(p.port);
  std::erase_if(groups, [](const auto& g) { return g.second.size() < kFoldAtLeast; });
  return groups;
}

int64_t Int(const std::optional<std::string>& v) {
  int64_t n = 0;
  if (v) std::from_chars(v->data(), v->data() + v->size(), n);
  return n;
}
std::string Str(const std::optional<std::string>& v) { return v.value_or(""); }
SqlValue Text(std::string_view s) { return std::string(s); }

std::string_view StatusName(HostStatus s) {
  return s == HostStatus::kUp ? "up" : s == HostStatus::kDown ? "down" : "timed-out";
}
HostStatus StatusFromName(std::string_view s) {
  return s == "up" ? HostStatus::kUp : s == "down" ? HostStatus::kDown : HostStatus::kTimedOut;
}

std::string CertFlags(const CertInfo& c) {
  std::string f;
  auto add = [&](bool on, std::string_view name) {
    if (on) f += fmt::format("{}{}", f.empty() ? "" : ",", name);
  };
  add(c.self_signed, "self-signed");
  add(c.expired, "expired");
  add(c.expires_soon, "expires-soon");
  add(c.not_yet_valid, "not-yet-valid");
  return f;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = std::min(s.find(sep, pos), s.size());
    out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(1, sep)) + s;
  return out;
}

// "1-21,23,25-79" as written by PortRanges.
std::vector<uint16_t> ParseRanges(const std::string& text) {
  std::vector<uint16_t> out;
  for (const std::string& part : Split(text, ',')) {
    size_t dash = part.find('-');
    int lo = static_cast<int>(Int(part.substr(0, dash)));
    int hi = dash == std::string::npos ? lo : static_cast<int>(Int(part.substr(dash + 1)));
    for (int p = std::max(lo, 0); p <= std::min(hi, 65535); ++p) out.push_back(static_cast<uint16_t>(p));
  }
  return out;
}

Status InsertPort(SqlDb* db, int64_t host_id, const PortResult& p) {
  const bool sv = p.service.has_value();
  const ServiceInfo& s = p.service.get();
  const bool cert = sv && s.has_cert;
  auto svc = [&](const std::string& v) { return sv ? SqlValue{v} : SqlValue{nullptr}; };
  auto crt = [&](const std::string& v) { return cert ? SqlValue{v} : SqlValue{nullptr}; };
  SqlValue params[] = {host_id,
                       Text(ProtoName(p.proto)),
                       int64_t{p.port},
                       Text(StateName(p.state)),
                       Text(ReasonName(p.reason)),
                       int64_t{p.reason_ttl},
                       p.reason_ip_set ? SqlValue{p.reason_ip.ToString()} : SqlValue{nullptr},
                       svc(s.method),
                       svc(s.name),
                       svc(s.product),
                       svc(s.version),
                       svc(s.extrainfo),
                       svc(s.hostname),
                       svc(s.ostype),
                       svc(s.devicetype),
                       svc(s.tunnel),
                       sv ? SqlValue{int64_t{s.conf}} : SqlValue{nullptr},
                       crt(s.cert.subject),
                       crt(s.cert.issuer),
                       crt(Join(s.cert.alt_names, '\n')),
                       crt(s.cert.not_before),
                       crt(s.cert.not_after),
                       crt(s.cert.sha256),
                       crt(CertFlags(s.cert))};
  auto r = db->Query(
      "INSERT INTO ports (host_id, proto, port, state, reason, ttl, reason_ip, svc_method, svc_name, "
      "svc_product, svc_version, svc_extrainfo, svc_hostname, svc_ostype, svc_devicetype, svc_tunnel, "
      "svc_conf, cert_subject, cert_issuer, cert_alt_names, cert_not_before, cert_not_after, cert_sha256, "
      "cert_flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      params);
  return r ? Status::Ok() : Status(r.error());
}

Status InsertHost(SqlDb* db, int64_t scan_id, int64_t seq, const HostResult& h) {
  SqlValue params[] = {scan_id,
                       seq,
                       h.addr.ToString(),
                       h.name,
                       int64_t{h.name_from_ptr},
                       Text(StatusName(h.status)),
                       Text(ReasonName(h.reason)),
                       static_cast<int64_t>(h.latency.count())};
  auto id = db->Query(
      "INSERT INTO hosts (scan_id, seq, addr, name, name_from_ptr, status, reason, latency_us) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      params);
  if (!id) return id.error();
  const int64_t host_id = Int(id->at(0).at(0));
  for (size_t i = 0; i < h.notes.size(); ++i) {
    SqlValue n[] = {host_id, static_cast<int64_t>(i), h.notes[i].id, h.notes[i].text};
    if (auto r = db->Query("INSERT INTO host_notes (host_id, seq, note_id, text) VALUES (?, ?, ?, ?)", n); !r)
      return r.error();
  }
  const auto folds = ChooseFolds(h);
  for (const auto& [key, ports] : folds) {
    const auto& [proto, state, reason, ttl] = key;
    SqlValue f[] = {host_id,      Text(ProtoName(proto)), Text(StateName(state)), Text(ReasonName(reason)),
                    int64_t{ttl}, PortRanges(ports)};
    if (auto r = db->Query("INSERT INTO port_folds (host_id, proto, state, reason, ttl, ports) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           f);
        !r)
      return r.error();
  }
  for (const auto& p : h.ports) {
    if (Foldable(p) && folds.contains(KeyOf(p))) continue;
    if (Status s = InsertPort(db, host_id, p); !s.ok()) return s;
  }
  return Status::Ok();
}

PortResult PortFromRow(const Address& addr, const SqlRow& r) {
  PortResult p;
  p.addr = addr;
  p.proto = Str(r[0]) == "udp" ? Proto::kUdp : Proto::kTcp;
  p.port = static_cast<uint16_t>(Int(r[1]));
  p.state = StateFromName(Str(r[2])).value_or(PortState::kFiltered);
  p.reason = ReasonFromName(Str(r[3])).value_or(Reason::kNoResponse);
  p.reason_ttl = static_cast<uint8_t>(Int(r[4]));
  if (r[5]) {
    auto ip = Address::Parse(*r[5]);
    p.reason_ip_set = ip.has_value();
    if (ip) p.reason_ip = *ip;
  }
  if (!r[6]) return p;
  ServiceInfo& s = *p.service;
  s.method = Str(r[6]);
  s.name = Str(r[7]);
  s.product = Str(r[8]);
  s.version = Str(r[9]);
  s.extrainfo = Str(r[10]);
  s.hostname = Str(r[11]);
  s.ostype = Str(r[12]);
  s.devicetype = Str(r[13]);
  s.tunnel = Str(r[14]);
  s.conf = static_cast<int>(Int(r[15]));
  if (!r[16]) return p;
  s.has_cert = true;
  s.cert.subject = Str(r[16]);
  s.cert.issuer = Str(r[17]);
  s.cert.alt_names = Split(Str(r[18]), '\n');
  s.cert.not_before = Str(r[19]);
  s.cert.not_after = Str(r[20]);
  s.cert.sha256 = Str(r[21]);
  for (const std::string& f : Split(Str(r[22]), ',')) {
    s.cert.self_signed |= f == "self-signed";
    s.cert.expired |= f == "expired";
    s.cert.expires_soon |= f == "expires-soon";
    s.cert.not_yet_valid |= f == "not-yet-valid";
  }
  return p;
}

Status SelectHosts(SqlDb* db, int64_t scan_id, ScanRecord* rec) {
  SqlValue id[] = {scan_id};
  auto hosts = db->Query(
      "SELECT id, addr, name, name_from_ptr, status, reason, latency_us FROM hosts WHERE scan_id = ? ORDER "
      "BY seq",
      id);
  if (!hosts) return hosts.error();
  for (const SqlRow& r : *hosts) {
    HostResult h;
    auto addr = Address::Parse(Str(r[1]));
    if (!addr)
      return MakeError(fmt::format("history database: scan {} has a bad address \"{}\"", scan_id, Str(r[1])));
    h.addr = *addr;
    h.name = Str(r[2]);
    h.name_from_ptr = Int(r[3]) != 0;
    h.status = StatusFromName(Str(r[4]));
    h.reason = ReasonFromName(Str(r[5])).value_or(Reason::kUserSet);
    h.latency = microseconds(Int(r[6]));
    SqlValue host_id[] = {Int(r[0])};
    auto notes = db->Query("SELECT note_id, text FROM host_notes WHERE host_id = ? ORDER BY seq", host_id);
    if (!notes) return notes.error();
    for (const SqlRow& nr : *notes) h.notes.push_back({Str(nr[0]), Str(nr[1])});
    auto ports = db->Query(
        "SELECT proto, port, state, reason, ttl, reason_ip, svc_method, svc_name, svc_product, svc_version, "
        "svc_extrainfo, svc_hostname, svc_ostype, svc_devicetype, svc_tunnel, svc_conf, cert_subject, "
        "cert_issuer, cert_alt_names, cert_not_before, cert_not_after, cert_sha256, cert_flags "
        "FROM ports WHERE host_id = ?",
        host_id);
    if (!ports) return ports.error();
    for (const SqlRow& pr : *ports) h.ports.push_back(PortFromRow(h.addr, pr));
    auto folds =
        db->Query("SELECT proto, state, reason, ttl, ports FROM port_folds WHERE host_id = ?", host_id);
    if (!folds) return folds.error();
    for (const SqlRow& fr : *folds) {
      PortResult p;
      p.addr = h.addr;
      p.proto = Str(fr[0]) == "udp" ? Proto::kUdp : Proto::kTcp;
      p.state = StateFromName(Str(fr[1])).value_or(PortState::kFiltered);
      p.reason = ReasonFromName(Str(fr[2])).value_or(Reason::kNoResponse);
      p.reason_ttl = static_cast<uint8_t>(Int(fr[3]));
      for (uint16_t port : ParseRanges(Str(fr[4]))) {
        p.port = port;
        h.ports.push_back(p);
      }
    }
    std::sort(h.ports.begin(), h.ports.end(), [](const PortResult& a, const PortResult& b) {
      return std::tie(a.proto, a.port) < std::tie(b.proto, b.port);
    });
    rec->hosts.push_back(std::move(h));
  }
  return Status::Ok();
}

}  // namespace

int64_t ToMicros(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point FromMicros(int64_t us) {
  // A damaged row must not overflow the clock (nanoseconds): clamp to what it holds.
  constexpr int64_t kMost = kLatestEpochSecond * 1000000;
  us = std::clamp(us, -kMost, kMost);
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(microseconds(us)));
}

Result<int64_t> InsertScan(SqlDb* db, const ScanRecord& scan, std::string_view kind) {
  int64_t open = 0;
  for (const auto& h : scan.hosts)
    open += std::count_if(h.ports.begin(), h.ports.end(),
                          [](const PortResult& p) { return p.state == PortState::kOpen; });
  const ScanInfo& i = scan.info;
  const RunSummary& s = scan.summary;
  const int64_t started = ToMicros(i.start);
  SqlValue params[] = {Text(kind),
                       started,
                       started + static_cast<int64_t>(s.elapsed_seconds * 1e6),
                       scan.scanner,
                       i.version,
                       i.args,
                       i.scan_type,
                       static_cast<int64_t>(i.tcp_ports),
                       i.tcp_services,
                       static_cast<int64_t>(i.udp_ports),
                       i.udp_services,
                       static_cast<int64_t>(s.hosts_up),
                       static_cast<int64_t>(s.hosts_total),
                       static_cast<int64_t>(s.skipped_reserved),
                       static_cast<int64_t>(s.excluded),
                       s.elapsed_seconds,
                       int64_t{s.interrupted},
                       open,
                       static_cast<int64_t>(scan.unsupported_ports)};
  auto id = db->Query(
      "INSERT INTO scans (kind, started_us, finished_us, scanner, version, args, scan_type, tcp_ports, "
      "tcp_services, udp_ports, udp_services, hosts_up, hosts_total, skipped_reserved, excluded, elapsed, "
      "interrupted, open_ports, unsupported_ports) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?) "
      "RETURNING id",
      params);
  if (!id) return id.error();
  const int64_t scan_id = Int(id->at(0).at(0));
  for (size_t n = 0; n < scan.hosts.size(); ++n)
    if (Status st = InsertHost(db, scan_id, static_cast<int64_t>(n), scan.hosts[n]); !st.ok())
      return Error{st.message()};
  return scan_id;
}

Result<ScanRecord> SelectScan(SqlDb* db, int64_t id) {
  SqlValue p[] = {id};
  auto rows = db->Query(
      "SELECT scanner, version, args, started_us, scan_type, tcp_ports, tcp_services, hosts_up, hosts_total, "
      "skipped_reserved, excluded, elapsed, interrupted, udp_ports, udp_services, unsupported_ports FROM "
      "scans WHERE id = ?",
      p);
  if (!rows) return rows.error();
  if (rows->empty()) return MakeError(fmt::format("no scan {} in the history ({})", id, db->name()));
  const SqlRow& r = rows->front();
  ScanRecord rec;
  rec.scanner = Str(r[0]);
  rec.info.version = Str(r[1]);
  rec.info.args = Str(r[2]);
  rec.info.start = FromMicros(Int(r[3]));
  rec.info.scan_type = Str(r[4]);
  rec.info.tcp_ports = static_cast<size_t>(Int(r[5]));
  rec.info.tcp_services = Str(r[6]);
  rec.summary.hosts_up = static_cast<uint64_t>(Int(r[7]));
  rec.summary.hosts_total = static_cast<uint64_t>(Int(r[8]));
  rec.summary.skipped_reserved = static_cast<uint64_t>(Int(r[9]));
  rec.summary.excluded = static_cast<uint64_t>(Int(r[10]));
  rec.summary.elapsed_seconds = r[11] ? std::strtod(r[11]->c_str(), nullptr) : 0;
  rec.summary.interrupted = Int(r[12]) != 0;
  rec.info.udp_ports = static_cast<size_t>(Int(r[13]));
  rec.info.udp_services = Str(r[14]);
  rec.unsupported_ports = static_cast<uint64_t>(Int(r[15]));
  if (Status s = SelectHosts(db, id, &rec); !s.ok()) return Error{s.message()};
  return rec;
}

}  // namespace tj
