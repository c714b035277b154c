#include "watch/alert.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace tj {
namespace {

using Json = nlohmann::ordered_json;

// Data from the network (host names) may hold anything: keep one line.
std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return out;
}

// Slack reads &, < and > as markup (links, @channel): escape them.
std::string SlackEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string HostText(const PortFlip& f) {
  std::string addr = f.host.ToString();
  return f.host_name.empty() ? addr : fmt::format("{} ({})", OneLine(f.host_name), addr);
}

// "198.18.0.2 80/tcp", or the host alone for a finding without a port.
std::string Where(const FindingBrief& f) {
  return OneLine(f.port.empty() ? f.host : f.host + " " + f.port);
}

std::string IsoTime(std::chrono::system_clock::time_point t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(t)));
}

Json FlipJson(const PortFlip& f) {
  return {{"host", f.host.ToString()},
          {"host_name", f.host_name},
          {"port", f.port},
          {"proto", ProtoName(f.proto)},
          {"before", f.before ? Json(StateName(*f.before)) : Json(nullptr)},
          {"after", f.after ? Json(StateName(*f.after)) : Json(nullptr)},
          {"rechecked", f.rechecked}};
}

Json FindingJson(const FindingBrief& f) {
  return {{"key", f.key}, {"severity", f.severity}, {"title", f.title}, {"host", f.host},
          {"port", f.port.empty() ? Json(nullptr) : Json(f.port)}};
}

}  // namespace

std::vector<std::string> AlertLines(const Alert& a) {
  std::vector<std::string> parts;
  if (!a.changes.empty()) parts.push_back(Plural(a.changes.size(), "port changed", "ports changed"));
  if (!a.findings.appeared.empty())
    parts.push_back(Plural(a.findings.appeared.size(), "new finding", "new findings"));
  if (!a.findings.cleared.empty())
    parts.push_back(Plural(a.findings.cleared.size(), "finding cleared", "findings cleared"));
  std::string head = "tojimari watch";
  if (!a.policy.empty()) head += fmt::format(" ({})", OneLine(a.policy));
  head += ": " + (parts.empty() ? std::string("no change") : fmt::format("{}", fmt::join(parts, ", ")));
  std::vector<std::string> lines{head};
  for (const PortFlip& f : a.changes)
    lines.push_back(fmt::format("port {}/{} on {}: {} -> {}{}", f.port, ProtoName(f.proto), HostText(f),
                                StateText(f.before), StateText(f.after), f.rechecked ? " (re-checked)" : ""));
  for (const FindingBrief& f : a.findings.appeared)
    lines.push_back(fmt::format("new [{}] {}: {}", f.severity, Where(f), OneLine(f.title)));
  for (const FindingBrief& f : a.findings.cleared)
    lines.push_back(fmt::format("cleared [{}] {}: {}", f.severity, Where(f), OneLine(f.title)));
  if (!a.suppressed.empty())
    lines.push_back(fmt::format("({} not confirmed by the re-check, not alerted)",
                                Plural(a.suppressed.size(), "change", "changes")));
  return lines;
}

std::string AlertJson(const Alert& a, std::string_view version) {
  Json changes = Json::array(), suppressed = Json::array(), appeared = Json::array(), cleared = Json::array();
  for (const auto& f : a.changes) changes.push_back(FlipJson(f));
  for (const auto& f : a.suppressed) suppressed.push_back(FlipJson(f));
  for (const auto& f : a.findings.appeared) appeared.push_back(FindingJson(f));
  for (const auto& f : a.findings.cleared) cleared.push_back(FindingJson(f));
  std::string text;
  for (const std::string& l : AlertLines(a)) text += (text.empty() ? "" : "\n") + SlackEscape(l);
  Json doc = {
      {"text", text},
      {"format", "tojimari-alert"},
      {"schema_version", kAlertJsonVersion},
      {"version", version},
      {"time", IsoTime(a.at)},
      {"policy", a.policy},
      {"run_id", a.run_id ? Json(a.run_id) : Json(nullptr)},
      {"changes", changes},
      {"findings_appeared", appeared},
      {"findings_cleared", cleared},
      {"suppressed_changes", suppressed},
  };
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace tj
