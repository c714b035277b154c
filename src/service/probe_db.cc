// The two probe-file parsers (ours and nmap's) and what they share: fields
// written as KEY<delim>VALUE<delim>, payload escapes, port lists.
#include "service/probe_db.h"

#include <charconv>

#include <fmt/format.h>

#include "probes/udp_payloads.h"
#include "service/decode.h"

namespace tj {
namespace {

struct Field {
  std::string key;
  std::string value;
  std::string flags;  // letters right after the closing delimiter
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads up to the unescaped closing delimiter d; a backslash keeps the next
// character as it is (so "\|" stays in a regex as a literal bar).
Result<std::string> Delimited(std::string_view s, size_t* i, char d) {
  size_t start = *i;
  for (size_t p = start; p < s.size(); ++p) {
    if (s[p] == '\\') {
      ++p;
      continue;
    }
    if (s[p] == d) {
      *i = p + 1;
      return std::string(s.substr(start, p - start));
    }
  }
  return MakeError(fmt::format("missing closing '{}'", d));
}

std::string Letters(std::string_view s, size_t* i) {
  size_t start = *i;
  while (*i < s.size() && IsAlpha(s[*i])) ++*i;
  return std::string(s.substr(start, *i - start));
}

// Our fields: key=value, key="value with spaces", re=|regex|flags, or a bare key.
Result<std::vector<Field>> OurFields(std::string_view s) {
  std::vector<Field> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i >= s.size()) return out;
    Field f;
    f.key = Letters(s, &i);
    if (f.key.empty()) return MakeError(fmt::format("expected a field name at \"{}\"", s.substr(i, 20)));
    if (i < s.size() && s[i] == '=') {
      ++i;
      if (i < s.size() && std::string_view("\"|/!%#@~'").find(s[i]) != std::string_view::npos) {
        char d = s[i++];
        auto v = Delimited(s, &i, d);
        if (!v) return MakeError(fmt::format("field {}: {}", f.key, v.error().message));
        f.value = std::move(*v);
        f.flags = Letters(s, &i);
      } else {
        size_t start = i;
        while (i < s.size() && !IsSpace(s[i])) ++i;
        f.value = std::string(s.substr(start, i - start));
      }
    }
    if (i < s.size() && !IsSpace(s[i]))
      return MakeError(fmt::format("unexpected '{}' after field {}", s[i], f.key));
    out.push_back(std::move(f));
  }
}

// nmap's fields: m|regex|flags p/product/ v/version/ cpe:/.../a and so on.
Result<std::vector<Field>> NmapFields(std::string_view s) {
  std::vector<Field> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i >= s.size()) return out;
    Field f;
    f.key = Letters(s, &i);
    if (i < s.size() && s[i] == ':' && f.key == "cpe") ++i;
    if (f.key.empty() || i >= s.size() || IsSpace(s[i]) || IsAlpha(s[i]))
      return MakeError(fmt::format("expected a field like p/.../ at \"{}\"", s.substr(i, 20)));
    char d = s[i++];
    auto v = Delimited(s, &i, d);
    if (!v) return MakeError(fmt::format("field {}: {}", f.key, v.error().message));
    f.value = std::move(*v);
    f.flags = Letters(s, &i);
    out.push_back(std::move(f));
  }
}

template <typename T>
Result<T> Int(std::string_view v, T lo, T hi) {
  T n{};
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi)
    return MakeError(fmt::format("\"{}\" is not a number in {}-{}", v, lo, hi));
  return n;
}

Result<PortList> ParsePorts(std::string_view v) {
  PortList out;
  size_t pos = 0;
  while (pos < v.size()) {
    size_t comma = std::min(v.find(',', pos), v.size());
    std::string_view item = v.substr(pos, comma - pos);
    size_t dash = item.find('-');
    auto lo = Int<uint16_t>(item.substr(0, dash), 0, 65535);
    auto hi = dash == std::string_view::npos ? lo : Int<uint16_t>(item.substr(dash + 1), 0, 65535);
    if (!lo || !hi || *hi < *lo) return MakeError(fmt::format("bad port list item \"{}\"", item));
    out.ranges.emplace_back(*lo, *hi);
    pos = comma + 1;
  }
  return out;
}

std::vector<std::string> SplitComma(std::string_view v) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < v.size()) {
    size_t comma = std::min(v.find(',', pos), v.size());
    if (comma > pos) out.emplace_back(v.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

// One parser's running state: the file's lines, the probe being filled.
class Loader {
 public:
  explicit Loader(std::string_view file) : file_(file) {}
  Error Fail(int line, const std::string& msg) const {
    return MakeError(fmt::format("{}:{}: {}", file_, line, msg));
  }
  ProbeDb db;

 private:
  std::string_view file_;
};

// Splits "word rest" at the first run of spaces.
std::pair<std::string_view, std::string_view> Word(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  size_t start = i;
  while (i < s.size() && !IsSpace(s[i])) ++i;
  return {s.substr(start, i - start), s.substr(i)};
}

// Applies a signature's fields (either format's names) to sig.
Status SignatureField(const Field& f, Signature* sig, bool* has_re) {
  const std::string& k = f.key;
  if (k == "re" || k == "m") {
    auto re = Regex::Compile(f.value, f.flags);
    if (!re) return re.error();
    sig->re = *re;
    *has_re = true;
  } else if (k == "product" || k == "p") sig->product = f.value;
  else if (k == "version" || k == "v") sig->version = f.value;
  else if (k == "info" || k == "i") sig->info = f.value;
  else if (k == "host" || k == "h") sig->hostname = f.value;
  else if (k == "os" || k == "o") sig->ostype = f.value;
  else if (k == "device" || k == "d") sig->devicetype = f.value;
  else if (k == "cpe") {}  // nmap's CPE names: not reported yet
  else return MakeError(fmt::format("unknown signature field \"{}\"", k));
  return Status::Ok();
}

template <typename Fields>
Status AddSignature(std::string_view rest, bool soft, int line, Fields fields, ProbeDb* db) {
  if (db->probes.empty()) return MakeError("a signature before any probe");
  auto [service, fields_text] = Word(rest);
  Signature sig;
  sig.service = std::string(service);
  sig.soft = soft;
  sig.line = line;
  if (sig.service.empty()) return MakeError("a signature needs a service name");
  auto fs = fields(fields_text);
  if (!fs) return fs.error();
  bool has_re = false;
  for (const auto& f : *fs)
    if (Status s = SignatureField(f, &sig, &has_re); !s.ok()) return s;
  if (!has_re) return MakeError("a signature needs a regular expression");
  db->probes.back().sigs.push_back(std::move(sig));
  return Status::Ok();
}

Status ProbeField(const Field& f, Probe* p) {
  const std::string& k = f.key;
  if (k == "rarity") {
    auto n = Int<int>(f.value, 1, 9);
    if (!n) return n.error();
    p->rarity = *n;
  } else if (k == "wait") {
    auto n = Int<int>(f.value, 1, 60000);
    if (!n) return n.error();
    p->wait_ms = *n;
  } else if (k == "ports" || k == "sslports") {
    auto l = ParsePorts(f.value);
    if (!l) return l.error();
    (k == "ports" ? p->ports : p->sslports) = std::move(*l);
  } else if (k == "fallback") {
    p->fallback = SplitComma(f.value);
  } else if (k == "send" || k == "then") {
    auto b = UnescapePayload(f.value);
    if (!b) return b.error();
    (k == "send" ? p->payload : p->followup) = std::move(*b);
  } else if (k == "payload") {
    // The same question -sU asks (data/udp-payloads.txt), kept in one place.
    const UdpPayload* u = UdpPayloadTable::Builtin().Find(f.value);
    if (!u) return MakeError(fmt::format("no UDP payload named \"{}\" in data/udp-payloads.txt", f.value));
    p->payload.assign(u->bytes.begin(), u->bytes.end());
  } else if (k == "decode") {
    if (!IsDecoder(f.value)) return MakeError(fmt::format("unknown decoder \"{}\" ({})", f.value, DecoderNames()));
    p->decoder = f.value;
  } else if (k == "tls") {
    p->tls_handshake = true;
  } else {
    return MakeError(fmt::format("unknown probe field \"{}\"", k));
  }
  return Status::Ok();
}

template <typename LineFn>
Result<ProbeDb> EachLine(std::string_view text, std::string_view file, LineFn fn) {
  Loader l(file);
  int line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = std::min(text.find('\n', pos), text.size());
    std::string_view s = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    auto [word, rest] = Word(s);
    if (word.empty() || word[0] == '#') continue;
    if (Status st = fn(word, rest, line, &l.db); !st.ok()) return l.Fail(line, st.message());
  }
  return std::move(l.db);
}

}  // namespace

bool PortList::Contains(uint16_t p) const {
  for (auto [lo, hi] : ranges)
    if (p >= lo && p <= hi) return true;
  return false;
}

const Probe* ProbeDb::Find(std::string_view name) const {
  for (const auto& p : probes)
    if (p.name == name) return &p;
  return nullptr;
}

Result<std::string> UnescapePayload(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    if (++i >= s.size()) return MakeError("payload ends in a lone backslash");
    switch (s[i]) {
      case 'r': out.push_back('\r'); break;
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case '0': out.push_back('\0'); break;
      case 'a': out.push_back('\a'); break;
      case 'f': out.push_back('\f'); break;
      case 'v': out.push_back('\v'); break;
      case 'x': {
        unsigned v = 0;
        const char* end = s.data() + std::min(i + 3, s.size());
        auto [p, ec] = std::from_chars(s.data() + i + 1, end, v, 16);
        if (ec != std::errc() || i + 3 > s.size() || p != s.data() + i + 3)
          return MakeError("\\x needs two hex digits");
        out.push_back(static_cast<char>(v));
        i += 2;
        break;
      }
      default: out.push_back(s[i]);
    }
  }
  return out;
}

Result<ProbeDb> ParseProbeDb(std::string_view text, std::string_view file) {
  return EachLine(text, file, [](std::string_view word, std::string_view rest, int line, ProbeDb* db) -> Status {
    if (word == "match" || word == "soft") return AddSignature(rest, word == "soft", line, OurFields, db);
    if (word != "probe") return MakeError(fmt::format("unknown directive \"{}\" (probe, match, soft)", word));
    auto [name, r1] = Word(rest);
    auto [proto, r2] = Word(r1);
    if (name.empty() || (proto != "tcp" && proto != "udp"))
      return MakeError("expected: probe NAME tcp|udp [fields]");
    if (db->Find(name)) return MakeError(fmt::format("probe \"{}\" defined twice", name));
    Probe p;
    p.name = std::string(name);
    p.udp = proto == "udp";
    auto fs = OurFields(r2);
    if (!fs) return fs.error();
    for (const auto& f : *fs)
      if (Status s = ProbeField(f, &p); !s.ok()) return s;
    db->probes.push_back(std::move(p));
    return Status::Ok();
  });
}

Result<ProbeDb> ParseNmapProbeDb(std::string_view text, std::string_view file) {
  return EachLine(text, file, [](std::string_view word, std::string_view rest, int line, ProbeDb* db) -> Status {
    if (word == "match" || word == "softmatch")
      return AddSignature(rest, word == "softmatch", line, NmapFields, db);
    if (word == "Probe") {
      auto [proto, r1] = Word(rest);
      auto [name, r2] = Word(r1);
      if (name.empty() || (proto != "TCP" && proto != "UDP")) return MakeError("expected: Probe TCP|UDP NAME q|...|");
      std::string fields_text(r2);
      // "no-payload" (UDP probes sent only by other tools) is a bare word, not a field.
      if (size_t np = fields_text.find(" no-payload"); np != std::string::npos) fields_text.erase(np);
      auto fs = NmapFields(fields_text);
      if (!fs) return fs.error();
      Probe p;
      p.name = std::string(name);
      p.udp = proto == "UDP";
      for (const auto& f : *fs) {
        if (f.key != "q") continue;
        auto b = UnescapePayload(f.value);
        if (!b) return b.error();
        p.payload = std::move(*b);
      }
      db->probes.push_back(std::move(p));
      return Status::Ok();
    }
    if (word == "Exclude" || word == "tcpwrappedms") return Status::Ok();
    if (db->probes.empty()) return MakeError(fmt::format("\"{}\" before any Probe", word));
    auto [value, extra] = Word(rest);
    static const std::pair<std::string_view, std::string_view> kNames[] = {
        {"rarity", "rarity"}, {"totalwaitms", "wait"}, {"ports", "ports"},
        {"sslports", "sslports"}, {"fallback", "fallback"}};
    for (auto [theirs, ours] : kNames)
      if (word == theirs) return ProbeField(Field{std::string(ours), std::string(value), ""}, &db->probes.back());
    return MakeError(fmt::format("unknown directive \"{}\"", word));
  });
}

}  // namespace tj
