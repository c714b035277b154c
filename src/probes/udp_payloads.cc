#include "probes/udp_payloads.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>

namespace tj::embedded {
extern const std::string_view udp_payloads;
}

namespace tj {
namespace {

constexpr size_t kMaxDatagram = 1400;  // stays inside one Ethernet frame with either IP version

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads a quoted string starting at line[*pos] == '"'; leaves *pos after it.
Result<std::string> Quoted(std::string_view line, size_t* pos) {
  std::string out;
  size_t i = *pos + 1;
  while (i < line.size() && line[i] != '"') {
    char c = line[i++];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= line.size()) break;
    char e = line[i++];
    switch (e) {
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'x': {
        int hi = i < line.size() ? HexDigit(line[i]) : -1;
        int lo = i + 1 < line.size() ? HexDigit(line[i + 1]) : -1;
        if (hi < 0 || lo < 0) return MakeError("\\x needs two hex digits");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default: return MakeError(fmt::format("unknown escape \\{}", e));
    }
  }
  if (i >= line.size()) return MakeError("unterminated string");
  *pos = i + 1;
  return out;
}

// Calls fn(line number, line, index of its first non-blank) for each line
// that is neither blank nor a comment (a trailing \r removed); stops at the
// first error fn returns.
Status ForEachLine(std::string_view text, const std::function<Status(size_t, std::string_view, size_t)>& fn) {
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t nl = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (Status s = fn(line_no, line, first); !s.ok()) return s;
  }
  return Status::Ok();
}

// Parses "53", "137,5353", "1-3" into the ports it names.
Result<std::vector<uint16_t>> Ports(std::string_view spec) {
  std::vector<uint16_t> ports;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = std::min(spec.find(',', pos), spec.size());
    std::string_view item = spec.substr(pos, comma - pos);
    size_t dash = item.find('-');
    unsigned lo = 0, hi = 0;
    auto num = [](std::string_view v, unsigned* out) {
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
      return !v.empty() && ec == std::errc() && p == v.data() + v.size() && *out >= 1 && *out <= 65535;
    };
    bool ok = dash == std::string_view::npos ? num(item, &lo) && (hi = lo, true)
                                              : num(item.substr(0, dash), &lo) && num(item.substr(dash + 1), &hi);
    if (!ok || hi < lo) return MakeError(fmt::format("bad port list \"{}\"", spec));
    for (unsigned p = lo; p <= hi; ++p) ports.push_back(static_cast<uint16_t>(p));
    pos = comma + 1;
  }
  return ports;
}

// Applies one line's directives (hex, text, zeros) to `out`.
Status Directives(std::string_view line, std::vector<uint8_t>* out) {
  enum class Mode { kNone, kHex } mode = Mode::kNone;
  size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size() || line[i] == '#') return Status::Ok();
    if (line[i] == '"') return MakeError("a string needs the word text before it");
    size_t end = line.find_first_of(" \t", i);
    std::string_view word = line.substr(i, end == std::string_view::npos ? line.size() - i : end - i);
    i += word.size();
    if (word == "hex") {
      mode = Mode::kHex;
    } else if (word == "text") {
      mode = Mode::kNone;
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i >= line.size() || line[i] != '"') return MakeError("text needs a quoted string");
      auto s = Quoted(line, &i);
      if (!s) return s.error();
      out->insert(out->end(), s->begin(), s->end());
    } else if (word == "zeros") {
      mode = Mode::kNone;
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      size_t e = line.find_first_of(" \t#", i);
      std::string_view n = line.substr(i, e == std::string_view::npos ? line.size() - i : e - i);
      unsigned count = 0;
      auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), count);
      if (n.empty() || ec != std::errc() || p != n.data() + n.size() || count > kMaxDatagram)
        return MakeError(fmt::format("zeros needs a count up to {}", kMaxDatagram));
      out->insert(out->end(), count, 0);
      i += n.size();
    } else if (mode == Mode::kHex) {
      if (word.size() % 2) return MakeError(fmt::format("bad hex \"{}\": odd number of digits", word));
      for (size_t k = 0; k < word.size(); k += 2) {
        int hi = HexDigit(word[k]), lo = HexDigit(word[k + 1]);
        if (hi < 0 || lo < 0) return MakeError(fmt::format("bad hex \"{}\"", word));
        out->push_back(static_cast<uint8_t>(hi * 16 + lo));
      }
    } else {
      return MakeError(fmt::format("unknown word \"{}\" (expected hex, text or zeros)", word));
    }
    if (out->size() > kMaxDatagram) return MakeError(fmt::format("payload longer than {} bytes", kMaxDatagram));
  }
}

}  // namespace

Result<UdpPayloadTable> UdpPayloadTable::Parse(std::string_view text) {
  UdpPayloadTable t;
  std::vector<std::pair<size_t, std::vector<uint16_t>>> ports;  // payload index -> its ports
  Status st = ForEachLine(text, [&](size_t line_no, std::string_view line, size_t first) -> Status {
    auto fail = [&](std::string_view what) { return MakeError(fmt::format("line {}: {}", line_no, what)); };
    if (first == 0) {  // a new entry: udp NAME PORTS
      if (!line.starts_with("udp ")) return fail("an entry starts with \"udp NAME PORTS\"");
      std::string_view rest = line.substr(4);
      size_t sp = rest.find_first_of(" \t");
      if (sp == std::string_view::npos || sp == 0) return fail("an entry starts with \"udp NAME PORTS\"");
      std::string_view name = rest.substr(0, sp);
      std::string_view spec = rest.substr(sp);
      spec.remove_prefix(std::min(spec.find_first_not_of(" \t"), spec.size()));
      spec = spec.substr(0, spec.find_first_of(" \t#"));
      auto p = Ports(spec);
      if (!p) return fail(p.error().message);
      t.payloads_.push_back({std::string(name), {}});
      ports.emplace_back(t.payloads_.size() - 1, std::move(*p));
      return Status::Ok();
    }
    if (t.payloads_.empty()) return fail("payload bytes before the first \"udp NAME PORTS\"");
    if (Status s = Directives(line.substr(first), &t.payloads_.back().bytes); !s.ok()) return fail(s.message());
    return Status::Ok();
  });
  if (!st.ok()) return MakeError(st.message());
  t.Index(ports);
  return t;
}

void UdpPayloadTable::Index(const std::vector<std::pair<size_t, std::vector<uint16_t>>>& ports) {
  by_port_.assign(65536, {});
  for (auto& [index, list] : ports)
    for (uint16_t p : list) by_port_[p].push_back(&payloads_[index]);
}

Result<UdpPayloadTable> UdpPayloadTable::WithNmap(std::string_view text) const {
  UdpPayloadTable t;
  std::vector<std::pair<size_t, std::vector<uint16_t>>> ports;
  // Ours first, each on its ports as before.
  t.payloads_ = payloads_;
  for (size_t i = 0; i < payloads_.size(); ++i) {
    std::vector<uint16_t> mine;
    for (uint32_t p = 0; p < by_port_.size(); ++p)
      for (const UdpPayload* q : by_port_[p])
        if (q == &payloads_[i]) mine.push_back(static_cast<uint16_t>(p));
    ports.emplace_back(i, std::move(mine));
  }
  bool open = false;  // an entry whose strings may continue on this line
  Status st = ForEachLine(text, [&](size_t line_no, std::string_view line, size_t i) -> Status {
    auto fail = [&](std::string_view what) {
      return MakeError(fmt::format("nmap-payloads line {}: {}", line_no, what));
    };
    if (line.substr(i).starts_with("udp ") || line.substr(i).starts_with("udp\t")) {
      i += 4;
      i = line.find_first_not_of(" \t", i);
      if (i == std::string_view::npos) return fail("udp needs a port list");
      size_t e = line.find_first_of(" \t", i);
      std::string_view spec = line.substr(i, e == std::string_view::npos ? line.size() - i : e - i);
      auto p = Ports(spec);
      if (!p) return fail(p.error().message);
      // Only the ports ours leaves empty-handed.
      std::vector<uint16_t> free;
      for (uint16_t port : *p)
        if (by_port_[port].empty()) free.push_back(port);
      t.payloads_.push_back({fmt::format("nmap:{}", spec), {}});
      ports.emplace_back(t.payloads_.size() - 1, std::move(free));
      open = true;
      i += spec.size();
    } else if (!open) {
      return Status::Ok();  // a keyword line of an entry (source ...): not used
    }
    while (true) {
      i = line.find_first_not_of(" \t", i);
      if (i == std::string_view::npos || line[i] == '#') break;
      if (line[i] != '"') {
        open = false;  // a keyword (source N) ends the entry's strings
        break;
      }
      auto s = Quoted(line, &i);
      if (!s) return fail(s.error().message);
      auto& bytes = t.payloads_.back().bytes;
      bytes.insert(bytes.end(), s->begin(), s->end());
      if (bytes.size() > kMaxDatagram) return fail(fmt::format("payload longer than {} bytes", kMaxDatagram));
    }
    return Status::Ok();
  });
  if (!st.ok()) return MakeError(st.message());
  t.Index(ports);
  return t;
}

const UdpPayloadTable& UdpPayloadTable::BuiltinWithNmap() {
  static const std::optional<UdpPayloadTable> merged = []() -> std::optional<UdpPayloadTable> {
    std::ifstream in("/usr/share/nmap/nmap-payloads");
    if (!in) return std::nullopt;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto t = Builtin().WithNmap(text);
    if (!t) return std::nullopt;  // the system's file, not the user's input: no layering then
    return std::move(*t);
  }();
  return merged ? *merged : Builtin();
}

const std::vector<const UdpPayload*>& UdpPayloadTable::For(uint16_t port) const {
  if (port < by_port_.size() && !by_port_[port].empty()) return by_port_[port];
  static const UdpPayload kEmpty{"empty", {}};
  static const std::vector<const UdpPayload*> kEmptyList{&kEmpty};
  return kEmptyList;
}

const UdpPayload* UdpPayloadTable::Find(std::string_view name) const {
  for (const auto& p : payloads_)
    if (p.name == name) return &p;
  return nullptr;
}

const UdpPayloadTable& UdpPayloadTable::Builtin() {
  static const UdpPayloadTable table = [] {
    auto parsed = Parse(embedded::udp_payloads);
    if (!parsed) {  // the file is part of the build; its own test catches this
      fmt::print(stderr, "tojimari: built-in data/udp-payloads.txt: {}\n", parsed.error().message);
      std::abort();
    }
    return std::move(*parsed);
  }();
  return table;
}

}  // namespace tj
