// The risk knowledge base's reader and lookups.
#include "audit/risks.h"

#include <fmt/format.h>

#include "core/toml_text.h"

namespace tj {
namespace embedded {
extern const std::string_view risks;
}  // namespace embedded

namespace {

// The entries the audit's own finding kinds read; the file must have them.
constexpr std::string_view kRequired[] = {
    "unexpected-open",   "expected-missing", "service-mismatch",   "expired-exception", "exception-applied",
    "not-scanned",       "cert-expired",     "cert-not-yet-valid", "cert-self-signed",  "cert-expires-soon",
};

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

Result<Risk> ReadRisk(const toml::value& t, const std::string& name) {
  int line = static_cast<int>(t.location().line());
  auto err = [&](const std::string& what) { return MakeError(fmt::format("{}:{}: {}", name, line, what)); };
  if (!t.is_table()) return err("each [[risk]] must be a table");
  Risk r;
  for (const auto& [key, v] : t.as_table()) {
    if (key == "ports" || key == "services") {
      if (!v.is_array()) return err(key + " must be an array of strings");
      for (const auto& item : v.as_array()) {
        if (!item.is_string()) return err(key + " must be an array of strings");
        if (key == "services") {
          r.services.push_back(item.as_string().str);
          continue;
        }
        PortRule p;
        std::string why;
        if (!ParsePortRule(item.as_string().str, true, &p, &why)) return err(why);
        r.ports.push_back(p);
      }
      continue;
    }
    if (!v.is_string()) return err(key + " must be a string");
    const std::string& s = v.as_string().str;
    if (key == "id") r.id = s;
    else if (key == "title") r.title = s;
    else if (key == "risk") r.risk = s;
    else if (key == "remediation") r.remediation = s;
    else if (key == "severity") {
      auto sev = SeverityFromName(s);
      if (!sev) return err(fmt::format("unknown severity \"{}\"", s));
      r.severity = *sev;
    } else {
      return err(fmt::format("unknown key \"{}\"", key));
    }
  }
  if (r.id.empty() || r.title.empty() || r.risk.empty() || r.remediation.empty())
    return err("a risk needs id, title, risk and remediation");
  return r;
}

}  // namespace

void Risk::FillIn(Finding* f) const {
  f->risk_id = id;
  f->severity = severity;
  f->title = title;
  f->risk = risk;
  f->remediation = remediation;
}

Result<RiskBase> RiskBase::Parse(std::string_view text, const std::string& name) {
  Result<toml::value> parsed = ParseToml(text, name);
  if (!parsed) return parsed.error();
  const toml::value& root = *parsed;
  RiskBase base;
  if (!root.contains("risk") || !root.at("risk").is_array())
    return MakeError(fmt::format("{}: no [[risk]] entries", name));
  for (const auto& t : root.at("risk").as_array()) {
    auto r = ReadRisk(t, name);
    if (!r) return r.error();
    for (const Risk& other : base.risks_)
      if (other.id == r->id) return MakeError(fmt::format("{}: risk id \"{}\" appears twice", name, r->id));
    base.risks_.push_back(std::move(*r));
  }
  for (std::string_view id : kRequired) {
    bool found = std::any_of(base.risks_.begin(), base.risks_.end(), [&](const Risk& r) { return r.id == id; });
    if (!found) return MakeError(fmt::format("{}: no entry \"{}\", which the audit needs", name, id));
  }
  return base;
}

const RiskBase& RiskBase::Builtin() {
  static const RiskBase base = [] {
    auto parsed = Parse(embedded::risks, "data/risks.toml");
    // A broken built-in file is a build defect (the unit tests parse it);
    // every audit would be wrong without it, so stop loudly.
    if (!parsed) {
      fmt::print(stderr, "tojimari: built-in risk knowledge base: {}\n", parsed.error().message);
      std::abort();
    }
    return std::move(*parsed);
  }();
  return base;
}

const Risk& RiskBase::ForPort(Proto proto, uint16_t port, std::string_view probed_service) const {
  if (!probed_service.empty()) {
    for (const Risk& r : risks_)
      for (const std::string& s : r.services)
        if (SameName(s, probed_service)) return r;
  }
  for (const Risk& r : risks_)
    for (const PortRule& p : r.ports)
      if (p.Contains(proto, port)) return r;
  return Get("unexpected-open");
}

const Risk& RiskBase::Get(std::string_view id) const {
  for (const Risk& r : risks_)
    if (r.id == id) return r;
  return risks_.front();  // unreachable: Parse guarantees the ids the audit asks for
}

}  // namespace tj
