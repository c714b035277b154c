// The policy file's reader. toml11 parses the TOML and keeps the line of
// every value; this file checks the shape (known keys, types) and the
// meaning (networks, hosts, ports, dates), and turns every problem into
// "FILE:LINE: what is wrong".
#include "policy/policy_file.h"

#include "core/input_file.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <tuple>

#include "core/port_spec.h"
#include "core/services.h"
#include "core/spellcheck.h"
#include "core/toml_text.h"

namespace tj {
namespace {

// A policy is a small hand-written file; anything this large is a mistake
// (and would only make a hostile file cost more to parse).
constexpr size_t kMaxPolicyBytes = 1 << 20;

class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {}

  Result<Policy> Read(const toml::value& root) {
    Policy p;
    p.path = path_;
    static const std::vector<std::string_view> kTop = {"name", "description", "scope", "groups", "exceptions"};
    if (Status s = Keys(root, kTop, "the policy"); !s) return Error{s.message()};
    if (!root.contains("name")) return Err(1, "the policy has no name (add name = \"...\" at the top)");
    auto name = String(root.at("name"), "name");
    if (!name) return name.error();
    p.name = *name;
    if (root.contains("description"))
      if (auto d = String(root.at("description"), "description"); !d) return d.error();
    if (!root.contains("scope"))
      return Err(1, "the policy has no scope (add scope = [\"NETWORK/PREFIX\", ...]: what may be scanned)");
    if (Status s = ReadScope(root.at("scope"), &p); !s) return Error{s.message()};
    if (root.contains("groups"))
      if (Status s = ReadGroups(root.at("groups"), &p); !s) return Error{s.message()};
    if (root.contains("exceptions"))
      if (Status s = ReadExceptions(root.at("exceptions"), &p); !s) return Error{s.message()};
    return p;
  }

 private:
  Error Err(int line, const std::string& what) const { return Error{fmt::format("{}:{}: {}", path_, line, what)}; }
  static int Line(const toml::value& v) { return static_cast<int>(v.location().line()); }

  static std::string TypeName(const toml::value& v) {
    switch (v.type()) {
      case toml::value_t::string: return "a string";
      case toml::value_t::integer: return "an integer";
      case toml::value_t::floating: return "a number";
      case toml::value_t::boolean: return "a boolean";
      case toml::value_t::array: return "an array";
      case toml::value_t::table: return "a table";
      default: return "a date or time";
    }
  }
  Error TypeErr(const toml::value& v, std::string_view key, std::string_view want) const {
    return Err(Line(v), fmt::format("\"{}\" must be {}, not {}", key, want, TypeName(v)));
  }

  // Every key of table v must be one of `known`.
  Status Keys(const toml::value& v, const std::vector<std::string_view>& known, std::string_view where) const {
    for (const auto& [key, val] : v.as_table()) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string hint = SpellCheck(key, known);
      return Err(Line(val), fmt::format("unknown key \"{}\" in {}{}", key, where,
                                        hint.empty() ? fmt::format(" (known: {})", fmt::join(known, ", "))
                                                     : fmt::format(" (did you mean \"{}\"?)", hint)));
    }
    return Status::Ok();
  }

  Result<std::string> String(const toml::value& v, std::string_view key) const {
    if (!v.is_string()) return TypeErr(v, key, "a string");
    return v.as_string().str;
  }

  Result<std::string> NonEmpty(const toml::value& t, std::string_view key, std::string_view where) const {
    if (!t.contains(std::string(key))) return Err(Line(t), fmt::format("{} has no {}", where, key));
    auto s = String(t.at(std::string(key)), key);
    if (!s) return s;
    if (s->find_first_not_of(" \t") == std::string::npos)
      return Err(Line(t.at(std::string(key))), fmt::format("{} of {} is empty", key, where));
    return s;
  }

  Status ReadScope(const toml::value& v, Policy* p) const {
    p->scope_line = Line(v);
    if (!v.is_array()) return TypeErr(v, "scope", "an array of networks (\"198.18.0.0/15\")");
    for (const auto& item : v.as_array()) {
      if (!item.is_string()) return TypeErr(item, "scope", "an array of strings");
      Cidr c;
      std::string why;
      if (!ParseCidr(item.as_string().str, &c, &why)) return Err(Line(item), fmt::format("scope: {}", why));
      p->scope.push_back(c);
    }
    if (p->scope.empty()) return Err(Line(v), "the scope is empty: nothing could be scanned");
    return Status::Ok();
  }

  Status ReadGroups(const toml::value& v, Policy* p) const {
    if (!v.is_table()) return TypeErr(v, "groups", "a table of groups ([groups.NAME])");
    for (const auto& [name, g] : v.as_table()) {
      if (!g.is_table()) return TypeErr(g, "groups." + name, "a table");
      Group group;
      group.name = name;
      group.line = Line(g);
      if (Status s = ReadGroup(g, p->scope, &group); !s) return s;
      p->groups.push_back(std::move(group));
    }
    // toml11 keeps tables unordered; reports list groups as the file does.
    std::sort(p->groups.begin(), p->groups.end(), [](const Group& a, const Group& b) { return a.line < b.line; });
    return Status::Ok();
  }

  Status ReadGroup(const toml::value& g, const std::vector<Cidr>& scope, Group* group) const {
    static const std::vector<std::string_view> kKeys = {"hosts", "expected", "forbidden", "scan", "description"};
    std::string where = fmt::format("group \"{}\"", group->name);
    if (Status s = Keys(g, kKeys, where); !s) return s;
    if (!g.contains("hosts")) return Err(group->line, fmt::format("{} has no hosts", where));
    const toml::value& hosts = g.at("hosts");
    if (!hosts.is_array()) return TypeErr(hosts, "hosts", "an array of strings");
    for (const auto& h : hosts.as_array()) {
      if (!h.is_string()) return TypeErr(h, "hosts", "an array of strings");
      HostEntry e;
      e.line = Line(h);
      std::string why;
      if (!ParseHostEntry(h.as_string().str, &e, &why)) return Err(e.line, fmt::format("{}: {}", where, why));
      if (!e.is_name && !InScope(e, scope, &why))
        return Err(e.line, fmt::format("host \"{}\" of {} is outside the scope ({}){}", e.text, where,
                                       ScopeText(scope), why));
      group->hosts.push_back(std::move(e));
    }
    if (group->hosts.empty()) return Err(Line(hosts), fmt::format("{} has an empty host list", where));
    if (g.contains("expected"))
      if (Status s = ReadExpected(g.at("expected"), &group->expected); !s) return s;
    if (g.contains("forbidden"))
      if (Status s = ReadPortList(g.at("forbidden"), "forbidden", &group->forbidden); !s) return s;
    if (g.contains("scan")) {
      auto spec = String(g.at("scan"), "scan");
      if (!spec) return Error{spec.error()};
      auto parsed = ParsePortSpec(*spec, ServiceTable::Builtin());
      if (!parsed) return Err(Line(g.at("scan")), parsed.error().message);
      group->scan_ports = *spec;
    }
    for (const auto& e : group->expected)
      for (const auto& f : group->forbidden)
        if (f.Contains(e.proto, e.lo))
          return Err(f.line, fmt::format("port {} of {} is both expected (line {}) and forbidden", e.ToString(),
                                         where, e.line));
    return Status::Ok();
  }

  // One port item: 22, "22", "22/tcp", "161/udp", "6000-6063/tcp".
  Status PortItem(const toml::value& v, std::string_view key, bool allow_range, PortRule* out) const {
    out->line = Line(v);
    std::string text;
    if (v.is_integer()) {
      text = std::to_string(v.as_integer());
    } else if (v.is_string()) {
      text = v.as_string().str;
    } else {
      return TypeErr(v, key, "a port (22, \"22/tcp\", \"161/udp\")");
    }
    std::string why;
    if (!ParsePortRule(text, allow_range, out, &why)) return Err(out->line, fmt::format("{}: {}", key, why));
    return Status::Ok();
  }

  Status ReadPortList(const toml::value& v, std::string_view key, std::vector<PortRule>* out) const {
    if (!v.is_array()) return TypeErr(v, key, "an array of ports");
    for (const auto& item : v.as_array()) {
      PortRule r;
      if (Status s = PortItem(item, key, true, &r); !s) return s;
      out->push_back(r);
    }
    return Status::Ok();
  }

  // expected = ["22/tcp", 443, {port = "25/tcp", service = "smtp"}]
  // or       = {"22/tcp" = "ssh", "443/tcp" = "https", "8080/tcp" = ""}
  Status ReadExpected(const toml::value& v, std::vector<PortRule>* out) const {
    if (v.is_table()) {
      // toml11 keeps tables unordered; keep the file's order (line, column).
      std::vector<std::tuple<int, int, PortRule>> rules;
      for (const auto& [port, svc] : v.as_table()) {
        PortRule r;
        std::string why;
        if (!ParsePortRule(port, false, &r, &why)) return Err(Line(svc), fmt::format("expected: {}", why));
        r.line = Line(svc);
        if (!svc.is_string()) return TypeErr(svc, "expected." + port, "a service name (\"ssh\"; \"\" for any)");
        r.service = svc.as_string().str;
        rules.emplace_back(r.line, static_cast<int>(svc.location().column()), r);
      }
      std::sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) {
        return std::make_pair(std::get<0>(a), std::get<1>(a)) < std::make_pair(std::get<0>(b), std::get<1>(b));
      });
      for (auto& t : rules) out->push_back(std::get<2>(t));
      return Status::Ok();
    }
    if (!v.is_array()) return TypeErr(v, "expected", "an array of ports or a table of port = service");
    for (const auto& item : v.as_array()) {
      PortRule r;
      if (item.is_table()) {
        static const std::vector<std::string_view> kKeys = {"port", "service"};
        if (Status s = Keys(item, kKeys, "an expected port"); !s) return s;
        if (!item.contains("port")) return Err(Line(item), "an expected port has no port");
        if (Status s = PortItem(item.at("port"), "expected", false, &r); !s) return s;
        if (item.contains("service")) {
          auto svc = String(item.at("service"), "service");
          if (!svc) return Error{svc.error()};
          r.service = *svc;
        }
      } else if (Status s = PortItem(item, "expected", false, &r); !s) {
        return s;
      }
      out->push_back(r);
    }
    return Status::Ok();
  }

  Status ReadExceptions(const toml::value& v, Policy* p) const {
    if (!v.is_array()) return TypeErr(v, "exceptions", "an array of tables ([[exceptions]])");
    for (const auto& item : v.as_array()) {
      if (!item.is_table()) return TypeErr(item, "exceptions", "an array of tables ([[exceptions]])");
      Exception e;
      e.line = Line(item);
      if (Status s = ReadException(item, *p, &e); !s) return s;
      p->exceptions.push_back(std::move(e));
    }
    return Status::Ok();
  }

  Status ReadException(const toml::value& t, const Policy& p, Exception* e) const {
    static const std::vector<std::string_view> kKeys = {"host", "group", "port", "owner", "reason", "expires"};
    if (Status s = Keys(t, kKeys, "an exception"); !s) return s;
    if (t.contains("host") == t.contains("group"))
      return Err(e->line, "an exception names either a host or a group (exactly one)");
    if (t.contains("host")) {
      auto h = String(t.at("host"), "host");
      if (!h) return Error{h.error()};
      HostEntry entry;
      std::string why;
      if (!ParseHostEntry(*h, &entry, &why)) return Err(Line(t.at("host")), fmt::format("exception: {}", why));
      e->host = *h;
    } else {
      auto g = String(t.at("group"), "group");
      if (!g) return Error{g.error()};
      std::vector<std::string_view> names;
      for (const auto& grp : p.groups) names.push_back(grp.name);
      if (std::find(names.begin(), names.end(), *g) == names.end()) {
        std::string hint = SpellCheck(*g, names);
        return Err(Line(t.at("group")), fmt::format("exception names group \"{}\", which the policy does not define{}",
                                                     *g, hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
      }
      e->group = *g;
    }
    if (!t.contains("port")) return Err(e->line, "an exception has no port");
    if (Status s = PortItem(t.at("port"), "port", true, &e->port); !s) return s;
    auto owner = NonEmpty(t, "owner", "an exception");
    if (!owner) return Error{owner.error()};
    e->owner = *owner;
    auto reason = NonEmpty(t, "reason", "an exception");
    if (!reason) return Error{reason.error()};
    e->reason = *reason;
    if (!t.contains("expires"))
      return Err(e->line, "an exception has no expiry date (add expires = YYYY-MM-DD; no exception lasts forever)");
    return ReadDate(t.at("expires"), &e->expires);
  }

  Status ReadDate(const toml::value& v, Date* out) const {
    if (v.is_string())
      return Err(Line(v), fmt::format("expires: write the date as a TOML date without quotes, expires = {}",
                                      LooksLikeDate(v.as_string().str) ? v.as_string().str : "2026-12-31"));
    if (!v.is_local_date()) return TypeErr(v, "expires", "a date (expires = 2026-12-31)");
    const toml::local_date& d = v.as_local_date();
    out->year = d.year;
    out->month = d.month + 1;  // toml11 counts months from 0
    out->day = d.day;
    std::chrono::year_month_day ymd{std::chrono::year(out->year), std::chrono::month(out->month),
                                    std::chrono::day(out->day)};
    if (!ymd.ok()) return Err(Line(v), fmt::format("expires: {} is not a day of the calendar", out->ToString()));
    return Status::Ok();
  }

  static bool LooksLikeDate(const std::string& s) {
    return s.size() == 10 && s[4] == '-' && s[7] == '-' &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '-'; });
  }

  std::string path_;
};

}  // namespace

Result<Policy> ParsePolicy(std::string_view text, const std::string& path) {
  if (text.size() > kMaxPolicyBytes)
    return MakeError(fmt::format("{}: a policy file is at most {} bytes", path, kMaxPolicyBytes));
  Result<toml::value> root = ParseToml(text, path);
  if (!root) return root.error();
  try {
    return Reader(path).Read(*root);
  } catch (const std::exception& e) {
    // The reader checks every type before reading it; this is a safety net
    // so a shape it did not foresee is still a one-line error.
    return MakeError(fmt::format("{}: {}", path, TomlMessage(e.what())));
  }
}

Result<Policy> ReadPolicyFile(const std::string& path) {
  // A directory or /dev/zero fails here, with the file's name (core/input_file.h).
  auto text = ReadBoundedFile(path, kMaxPolicyBytes, "policy file");
  if (!text) return text.error();
  return ParsePolicy(*text, path);
}

}  // namespace tj
