#include "history/diff_report.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

#include "report/report_text.h"

namespace tj {
namespace {

using json = nlohmann::ordered_json;

std::string LocalTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::localtime(tt));
}

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(tt));
}

std::string SideLabel(const DiffSide& s) {
  std::string what = s.id ? fmt::format("scan {}", *s.id) : fmt::format("\"{}\"", LineSafe(s.file));
  return fmt::format("{} ({}, {})", what, LocalTime(s.scan->info.start), s.scan->scanner);
}

// "ssh OpenSSH 9.2p1 (protocol 2.0)", or "" without -sV. Text from the
// network is made line-safe.
std::string ServiceText(const PortResult& p) {
  if (!p.service.has_value() || p.service->name.empty()) return "";
  const ServiceInfo& s = *p.service;
  std::string name = s.tunnel == "ssl" ? "ssl/" + s.name : s.name;
  std::string v = VersionText(s);
  return LineSafe(v.empty() ? name : name + " " + v);
}

std::string CertText(const PortResult& p) {
  if (!p.service.has_value() || !p.service->has_cert) return "no certificate";
  const CertInfo& c = p.service->cert;
  return LineSafe(fmt::format("{} (until {})", c.subject, c.not_after));
}

std::string StateText(const std::optional<PortResult>& p) {
  return p ? std::string(StateName(p->state)) : "not reported";
}

std::string PortLine(const PortChange& c) {
  std::string where = fmt::format("{}/{}", c.port, ProtoName(c.proto));
  switch (c.kind) {
    case PortChangeKind::kOpened: {
      std::string svc = ServiceText(*c.after);
      return fmt::format("  + {:<10} opened  ({} -> open){}", where, StateText(c.before),
                         svc.empty() ? "" : "  " + svc);
    }
    case PortChangeKind::kClosed: {
      std::string svc = ServiceText(*c.before);
      return fmt::format("  - {:<10} closed  (open -> {}){}", where, StateText(c.after),
                         svc.empty() ? "" : "  was " + svc);
    }
    case PortChangeKind::kState:
      return fmt::format("  ~ {:<10} state   {} -> {}", where, StateText(c.before), StateText(c.after));
    case PortChangeKind::kService:
    case PortChangeKind::kCert:
      break;
  }
  std::string out;
  if (c.service_changed)
    out += fmt::format("  ~ {:<10} service {} -> {}", where, ServiceText(*c.before), ServiceText(*c.after));
  if (c.cert_changed)
    out += fmt::format("{}  ~ {:<10} cert    {} -> {}", out.empty() ? "" : "\n", where, CertText(*c.before),
                       CertText(*c.after));
  return out;
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string SummaryLine(const DiffCounts& n) {
  std::vector<std::string> parts;
  auto add = [&](size_t v, std::string_view one, std::string_view many) {
    if (v) parts.push_back(Plural(v, one, many));
  };
  add(n.hosts_appeared, "host appeared", "hosts appeared");
  add(n.hosts_vanished, "host vanished", "hosts vanished");
  add(n.ports_opened, "port opened", "ports opened");
  add(n.ports_closed, "port closed", "ports closed");
  add(n.state_changes, "other state change", "other state changes");
  add(n.service_changes, "service changed", "services changed");
  add(n.cert_changes, "certificate changed", "certificates changed");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

json PortJson(const std::optional<PortResult>& p) {
  if (!p) return nullptr;
  json j = {{"state", StateName(p->state)}, {"reason", ReasonName(p->reason)}};
  if (p->service.has_value() && !p->service->method.empty()) {
    const ServiceInfo& s = *p->service;
    json svc = {{"name", s.name}, {"method", s.method}, {"conf", s.conf}};
    for (auto [k, v] : {std::pair{"product", &s.product},
                        {"version", &s.version},
                        {"extrainfo", &s.extrainfo},
                        {"tunnel", &s.tunnel}})
      if (!v->empty()) svc[k] = *v;
    if (s.has_cert)
      svc["cert"] = {{"subject", s.cert.subject},
                     {"issuer", s.cert.issuer},
                     {"not_after", s.cert.not_after},
                     {"sha256", s.cert.sha256}};
    j["service"] = svc;
  }
  return j;
}

json SideJson(const DiffSide& s) {
  json j = {
      {"started", Rfc3339(s.scan->info.start)}, {"scanner", s.scan->scanner}, {"args", s.scan->info.args}};
  if (s.id)
    j["id"] = *s.id;
  else
    j["file"] = s.file;
  return j;
}

}  // namespace

std::string DiffText(const ScanDiff& d, const DiffSide& before, const DiffSide& after) {
  std::string out = fmt::format("Comparing {}\n     with {}\n", SideLabel(before), SideLabel(after));
  const uint64_t other = before.scan->unsupported_ports + after.scan->unsupported_ports;
  if (other)
    out += fmt::format("({} not compared: SCTP or IP protocol results)\n", Plural(other, "port", "ports"));
  if (d.empty()) return out + "\nNo changes.\n";
  for (const HostChange& h : d.hosts) {
    std::string who =
        h.name.empty() ? h.addr.ToString() : fmt::format("{} ({})", h.addr.ToString(), LineSafe(h.name));
    switch (h.kind) {
      case HostChangeKind::kAppeared:
        out += fmt::format("\n+ {}: host appeared, {}\n", who,
                           Plural(h.ports.size(), "open port", "open ports"));
        break;
      case HostChangeKind::kVanished:
        out += fmt::format("\n- {}: host vanished (had {})\n", who,
                           Plural(h.ports.size(), "open port", "open ports"));
        break;
      case HostChangeKind::kChanged:
        out += fmt::format("\n{}:\n", who);
        break;
    }
    for (const PortChange& c : h.ports) out += PortLine(c) + "\n";
  }
  return out + fmt::format("\n{}.\n", SummaryLine(d.counts));
}

json DiffJson(const ScanDiff& d, const DiffSide& before, const DiffSide& after) {
  const DiffCounts& n = d.counts;
  json hosts = json::array();
  for (const HostChange& h : d.hosts) {
    json ports = json::array();
    for (const PortChange& c : h.ports)
      ports.push_back({{"protocol", ProtoName(c.proto)},
                       {"port", c.port},
                       {"change", PortChangeName(c.kind)},
                       {"service_changed", c.service_changed},
                       {"cert_changed", c.cert_changed},
                       {"before", PortJson(c.before)},
                       {"after", PortJson(c.after)}});
    hosts.push_back({{"address", h.addr.ToString()},
                     {"name", h.name},
                     {"change", HostChangeName(h.kind)},
                     {"ports", std::move(ports)}});
  }
  return {{"tojimari_diff", kDiffJsonVersion},
          {"before", SideJson(before)},
          {"after", SideJson(after)},
          {"changed", !d.empty()},
          {"counts",
           {{"hosts_appeared", n.hosts_appeared},
            {"hosts_vanished", n.hosts_vanished},
            {"ports_opened", n.ports_opened},
            {"ports_closed", n.ports_closed},
            {"state_changes", n.state_changes},
            {"service_changes", n.service_changes},
            {"cert_changes", n.cert_changes}}},
          {"hosts", std::move(hosts)}};
}

}  // namespace tj
