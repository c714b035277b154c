// nmap's XML report (nmap.dtd) back into a ScanRecord: what nmap itself
// writes with -oX and what tojimari's -oX writes (the same DTD). Read as a
// stream with libxml2's reader: each child of <nmaprun> (a <host>, the
// <runstats>...) is expanded into a small tree, walked, and freed before the
// next, so memory follows the record being built, not the file's size.
// Elements and attributes the record has no place for (os, trace, script,
// cpe...) are skipped.
//
// Hostile files: no network (XML_PARSE_NONET), no DTD loaded, no entity
// substitution, libxml2's default depth and size limits (no XML_PARSE_HUGE),
// and any entity declaration or reference is refused outright: a scan report
// never has one.
#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <climits>
#include <cstring>
#include <memory>
#include <optional>

#include "core/duration.h"
#include "report/read_scan_parts.h"
#include "report/xml_api.h"

namespace tj::read_scan {
namespace {

struct ReaderFree {
  const XmlApi* xml;
  void operator()(xmlTextReader* r) const { xml->xmlFreeTextReader(r); }
};

bool Is(const xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

// The child elements named name, in order.
template <typename F>
void EachChild(const xmlNode* n, const char* name, F f) {
  for (const xmlNode* c = n->children; c; c = c->next)
    if (Is(c, name)) f(c);
}
const xmlNode* FirstChild(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n->children; c; c = c->next)
    if (Is(c, name)) return c;
  return nullptr;
}

std::optional<std::string> Attr(const XmlApi& xml, const xmlNode* n, const char* name) {
  xmlChar* v = xml.xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return std::nullopt;
  std::string s(reinterpret_cast<const char*>(v));
  xml.Free(v);
  return s;
}

// Walks the tree; the first problem is kept with the line of its element.
class Walker {
 public:
  Walker(const XmlApi& xml, ScanRecord* r) : xml_(xml), r_(r) {}
  std::string err;

  // The root's attributes, then each child of the root as it comes.
  void Root(xmlTextReader* reader);
  void Child(const xmlNode* n);
  bool ok() const { return err.empty(); }

 private:
  void Fail(const xmlNode* n, const std::string& what) {
    if (err.empty())
      err = fmt::format("{}: <{}>: {}", xml_.xmlGetLineNo(n), reinterpret_cast<const char*>(n->name), what);
  }
  std::optional<std::string> Attr(const xmlNode* n, const char* name) {
    return read_scan::Attr(xml_, n, name);
  }
  std::string Str(const xmlNode* n, const char* name) { return Attr(n, name).value_or(""); }
  // An integer attribute in [lo, hi]; absent leaves *out alone unless required.
  template <typename T>
  void Int(const xmlNode* n, const char* name, T* out, long long lo, long long hi, bool required = false) {
    std::optional<std::string> v = Attr(n, name);
    if (!v) {
      if (required) Fail(n, fmt::format("{} is missing", name));
      return;
    }
    long long x = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
    if (ec != std::errc() || end != v->data() + v->size() || x < lo || x > hi)
      return Fail(n, fmt::format("{}={}: expected an integer {}-{}", name, Quote(*v), lo, hi));
    *out = static_cast<T>(x);
  }
  void Double(const xmlNode* n, const char* name, double* out) {
    std::optional<std::string> v = Attr(n, name);
    if (!v) return;
    double x = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
    if (ec != std::errc() || end != v->data() + v->size() || !(x >= 0))
      return Fail(n, fmt::format("{}={}: expected a number of seconds", name, Quote(*v)));
    *out = x;
  }

  void Host(const xmlNode* n);
  void Port(const xmlNode* n, HostResult* h);
  void Service(const xmlNode* n, ServiceInfo* s);
  void RunStats(const xmlNode* n);

  const XmlApi& xml_;
  ScanRecord* r_;
};

void Walker::Root(xmlTextReader* reader) {
  auto attr = [&](const char* name) {
    xmlChar* v = xml_.xmlTextReaderGetAttribute(reader, reinterpret_cast<const xmlChar*>(name));
    std::string s = v ? reinterpret_cast<const char*>(v) : "";
    xml_.Free(v);
    return s;
  };
  r_->scanner = attr("scanner");
  r_->info.version = attr("version");
  r_->info.args = attr("args");
  const std::string start = attr("start");
  long long t = 0;
  auto [end, ec] = std::from_chars(start.data(), start.data() + start.size(), t);
  if (!start.empty() && (ec != std::errc() || end != start.data() + start.size() || t < 0 || t > kLatestEpochSecond)) {
    err = fmt::format("{}: <nmaprun>: start={}: expected an integer 0-{}",
                      xml_.xmlTextReaderGetParserLineNumber(reader), Quote(start), kLatestEpochSecond);
    return;
  }
  r_->info.start = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(t));
}

void Walker::Child(const xmlNode* n) {
  if (Is(n, "host")) return Host(n);
  if (Is(n, "runstats")) return RunStats(n);
  // ScanInfo holds the TCP scan; nmap writes one scaninfo per protocol.
  if (Is(n, "scaninfo")) {
    if (Str(n, "protocol") != "tcp") return;
    r_->info.scan_type = Str(n, "type");
    Int(n, "numservices", &r_->info.tcp_ports, 0, 65536);
    r_->info.tcp_services = Str(n, "services");
  } else if (Is(n, "verbose")) {
    Int(n, "level", &r_->info.verbose, 0, 100);
  } else if (Is(n, "debugging")) {
    Int(n, "level", &r_->info.debugging, 0, 100);
  }
}

void Walker::Service(const xmlNode* n, ServiceInfo* s) {
  const std::pair<const char*, std::string*> fields[] = {
      {"name", &s->name},         {"product", &s->product}, {"version", &s->version},
      {"extrainfo", &s->extrainfo}, {"tunnel", &s->tunnel}, {"method", &s->method},
      {"hostname", &s->hostname}, {"ostype", &s->ostype},   {"devicetype", &s->devicetype}};
  for (const auto& [name, out] : fields) *out = Str(n, name);
  Int(n, "conf", &s->conf, 0, 10);
}

void Walker::Port(const xmlNode* n, HostResult* h) {
  const std::string proto_name = Str(n, "protocol");
  std::optional<Proto> proto = ProtoFromName(proto_name);
  if (!proto) {
    if (proto_name == "sctp" || proto_name == "ip") ++r_->unsupported_ports;
    else Fail(n, "unknown protocol " + Quote(proto_name));
    return;
  }
  PortResult p;
  p.addr = h->addr;
  p.proto = *proto;
  Int(n, "portid", &p.port, 0, 65535, true);
  const xmlNode* st = FirstChild(n, "state");
  if (!st) return Fail(n, "no <state>");
  const std::string state = Str(st, "state");
  std::optional<PortState> s = StateFromName(state);
  if (!s) return Fail(st, "unknown port state " + Quote(state));
  p.state = *s;
  p.reason = ReasonOrUnknown(Str(st, "reason"));
  Int(st, "reason_ttl", &p.reason_ttl, 0, 255);
  if (std::optional<std::string> ip = Attr(st, "reason_ip")) {
    std::optional<Address> a = Address::Parse(*ip);
    if (!a) return Fail(st, "reason_ip is not an IP address: " + Quote(*ip));
    p.reason_ip = *a;
    p.reason_ip_set = true;
  }
  if (const xmlNode* svc = FirstChild(n, "service")) Service(svc, &*p.service);
  h->ports.push_back(std::move(p));
}

void Walker::Host(const xmlNode* n) {
  HostResult h;
  // A host may carry a MAC address beside its IP address; the IP one is kept.
  const xmlNode* addr = nullptr;
  EachChild(n, "address", [&](const xmlNode* a) {
    std::string type = Str(a, "addrtype");
    if (!addr && (type == "ipv4" || type == "ipv6")) addr = a;
  });
  if (!addr) return Fail(n, "no IPv4 or IPv6 <address>");
  const std::string text = Str(addr, "addr");
  std::optional<Address> a = Address::Parse(text);
  if (!a) return Fail(addr, "not an IP address: " + Quote(text));
  h.addr = *a;
  if (const xmlNode* st = FirstChild(n, "status")) {
    // nmap's other states (unknown, skipped) hold no result: counted as down.
    h.status = Str(st, "state") == "up" ? HostStatus::kUp : HostStatus::kDown;
    h.reason = ReasonOrUnknown(Str(st, "reason"));
  }
  if (Str(n, "timedout") == "true") h.status = HostStatus::kTimedOut;
  if (const xmlNode* names = FirstChild(n, "hostnames"))
    if (const xmlNode* hn = FirstChild(names, "hostname")) {
      h.name = Str(hn, "name");
      h.name_from_ptr = Str(hn, "type") == "PTR";
    }
  if (const xmlNode* t = FirstChild(n, "times")) {
    long long srtt = 0;
    Int(t, "srtt", &srtt, 0, LLONG_MAX);
    h.latency = std::chrono::microseconds(srtt);
  }
  // Our host notes; nmap's own host scripts are not ours to keep.
  if (const xmlNode* hs = FirstChild(n, "hostscript"))
    EachChild(hs, "script", [&](const xmlNode* s) {
      std::string id = Str(s, "id");
      if (IsHostNoteId(id)) h.notes.push_back({id, Str(s, "output")});
    });
  // <extraports> hold counts, not ports: they are left out (read_scan.h).
  if (const xmlNode* ports = FirstChild(n, "ports"))
    EachChild(ports, "port", [&](const xmlNode* p) {
      if (ok()) Port(p, &h);
    });
  r_->hosts.push_back(std::move(h));
}

void Walker::RunStats(const xmlNode* n) {
  if (const xmlNode* f = FirstChild(n, "finished")) {
    Double(f, "elapsed", &r_->summary.elapsed_seconds);
    // nmap writes exit="error" when it stopped early; tojimari when interrupted.
    r_->summary.interrupted = Str(f, "exit") == "error";
  }
  if (const xmlNode* h = FirstChild(n, "hosts")) {
    Int(h, "up", &r_->summary.hosts_up, 0, LLONG_MAX);
    Int(h, "total", &r_->summary.hosts_total, 0, LLONG_MAX);
  }
}

// libxml2's message is several lines ending in a newline; the first line is enough.
std::string FirstLine(const char* msg) {
  std::string s = msg ? msg : "malformed XML";
  size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

std::string Entities(std::string_view name) {
  return fmt::format("{}: declares XML entities, which no scan report does: refused", name);
}
constexpr size_t kMaxProlog = 64 * 1024;

// The first error libxml2 reports, as one line with its line number.
struct FirstError {
  std::string text;
  static void Keep(void* arg, const xmlError* e) {
    auto* self = static_cast<FirstError*>(arg);
    if (self->text.empty() && e)
      self->text = fmt::format("{}: malformed XML: {}", e->line, FirstLine(e->message));
  }
};

// libxml2 (xml_api.h), loaded and initialised; missing, an error naming the file.
Result<const XmlApi*> LoadXml(std::string_view name) {
  const Result<XmlApi>& xml = Xml();
  if (!xml) return MakeError(fmt::format("{}: {}", name, xml.error().message));
  return &*xml;
}

Result<ScanRecord> Read(const XmlApi& xml, xmlTextReader* reader, std::string_view name) {
  if (!reader) return MakeError(fmt::format("{}: out of memory for the XML parser", name));
  std::unique_ptr<xmlTextReader, ReaderFree> owned(reader, ReaderFree{&xml});
  FirstError xml_err;
  xml.xmlTextReaderSetStructuredErrorHandler(
      reader, [](void* arg, xmlErrorPtr e) { FirstError::Keep(arg, e); }, &xml_err);
  auto fail = [&](const std::string& what) { return MakeError(fmt::format("{}:{}", name, what)); };
  const std::string entities = Entities(name);
  ScanRecord record;
  Walker w(xml, &record);
  bool root_seen = false;
  int ret = xml.xmlTextReaderRead(reader);
  while (ret == 1) {
    const int type = xml.xmlTextReaderNodeType(reader);
    const int depth = xml.xmlTextReaderDepth(reader);
    // Declarations were refused from the text already (ReadXml, ReadXmlFd);
    // a reference to an entity that was somehow declared is refused here.
    // (Not xmlTextReaderCurrentDoc: it would take the document away from
    // the reader, which then no longer frees it.)
    if (type == XML_READER_TYPE_ENTITY_REFERENCE || type == XML_READER_TYPE_ENTITY) return MakeError(entities);
    if (type == XML_READER_TYPE_ELEMENT && depth == 0) {
      const char* el = reinterpret_cast<const char*>(xml.xmlTextReaderConstLocalName(reader));
      if (!el || std::strcmp(el, "nmaprun") != 0)
        return MakeError(fmt::format(
            "{}: an XML document of another kind, not an nmap-format scan report (root <{}>)", name, el ? el : ""));
      root_seen = true;
      w.Root(reader);
      if (!w.ok()) return fail(w.err);
    } else if (type == XML_READER_TYPE_ELEMENT && depth == 1) {
      // One child of the root at a time: expanded, walked, then skipped
      // past (Next), which lets the reader free it.
      const xmlNode* n = xml.xmlTextReaderExpand(reader);
      if (!n) {
        ret = -1;
        break;
      }
      w.Child(n);
      if (!w.ok()) return fail(w.err);
      ret = xml.xmlTextReaderNext(reader);
      continue;
    }
    ret = xml.xmlTextReaderRead(reader);
  }
  if (ret < 0 || !xml_err.text.empty())
    return xml_err.text.empty() ? MakeError(fmt::format("{}: malformed XML", name)) : fail(xml_err.text);
  if (!root_seen) return MakeError(fmt::format("{}: malformed XML: no root element", name));
  SortPorts(&record);
  return record;
}

constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;

}  // namespace

Result<ScanRecord> ReadXml(std::string_view text, std::string_view name) {
  if (text.size() > INT_MAX) return MakeError(fmt::format("{}: too large for an XML report", name));
  // Reports are UTF-8 (both writers say so), and read as UTF-8 whatever the
  // document claims, so this check sees every declaration, before libxml2
  // expands any (it does in attribute values, whatever the options).
  if (text.find("<!ENTITY") != std::string_view::npos) return MakeError(Entities(name));
  auto xml = LoadXml(name);
  if (!xml) return xml.error();
  const XmlApi& api = **xml;
  const std::string url(name);
  const int size = static_cast<int>(text.size());
  return Read(api, api.xmlReaderForMemory(text.data(), size, url.c_str(), "UTF-8", kOptions), name);
}

Result<ScanRecord> ReadXmlFd(int fd, std::string_view name) {
  // Entity declarations live in the DOCTYPE, before the root element: the
  // same check on the prolog. A DOCTYPE too long to see through is refused.
  std::string prolog(kMaxProlog, '\0');
  ssize_t n = pread(fd, prolog.data(), prolog.size(), 0);
  prolog.resize(n > 0 ? static_cast<size_t>(n) : 0);
  const size_t root = prolog.find("<nmaprun");
  if (prolog.substr(0, root).find("<!ENTITY") != std::string::npos) return MakeError(Entities(name));
  if (root == std::string::npos && prolog.find("<!DOCTYPE") != std::string::npos)
    return MakeError(fmt::format("{}: a DOCTYPE longer than {} bytes, which no scan report has: refused", name, kMaxProlog));
  auto xml = LoadXml(name);
  if (!xml) return xml.error();
  const XmlApi& api = **xml;
  const std::string url(name);
  return Read(api, api.xmlReaderForFd(fd, url.c_str(), "UTF-8", kOptions), name);
}

}  // namespace tj::read_scan
