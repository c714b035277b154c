#include "cli/resume.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace tj {
namespace {

using Json = nlohmann::json;
constexpr int kFormat = 1;

Json PortToJson(const PortResult& p) {
  return Json::array({p.port, ProtoName(p.proto), StateName(p.state), ReasonName(p.reason), p.reason_ttl,
                      p.rtt.count(), p.tries});
}

Result<PortResult> PortFromJson(const Json& j, const Address& addr) {
  if (!j.is_array() || j.size() != 7) return MakeError("a port entry is not a 7-element array");
  PortResult p;
  p.addr = addr;
  p.port = j[0].get<uint16_t>();
  p.proto = j[1].get<std::string>() == "udp" ? Proto::kUdp : Proto::kTcp;
  auto state = StateFromName(j[2].get<std::string>());
  auto reason = ReasonFromName(j[3].get<std::string>());
  if (!state || !reason) return MakeError("a port entry has an unknown state or reason");
  p.state = *state;
  p.reason = *reason;
  p.reason_ttl = j[4].get<uint8_t>();
  p.rtt = std::chrono::microseconds(j[5].get<int64_t>());
  p.tries = j[6].get<uint8_t>();
  return p;
}

Result<HostResult> HostFromJson(const Json& j) {
  HostResult h;
  auto addr = Address::Parse(j.at("ip").get<std::string>());
  if (!addr) return MakeError("a host has an invalid address");
  h.addr = *addr;
  h.name = j.value("name", "");
  auto reason = ReasonFromName(j.value("reason", "user-set"));
  h.reason = reason.value_or(Reason::kUserSet);
  h.latency = std::chrono::microseconds(j.value("latency_us", int64_t{0}));
  for (const Json& pj : j.at("ports")) {
    auto p = PortFromJson(pj, h.addr);
    if (!p) return p.error();
    h.ports.push_back(*p);
  }
  return h;
}

}  // namespace

Status WriteResumeFile(OutputFile& out, const ResumeState& state) {
  Json hosts = Json::array();
  for (const HostResult& h : state.hosts) {
    Json ports = Json::array();
    for (const PortResult& p : h.ports) ports.push_back(PortToJson(p));
    hosts.push_back({{"ip", h.addr.ToString()},
                     {"name", h.name},
                     {"reason", ReasonName(h.reason)},
                     {"latency_us", h.latency.count()},
                     {"ports", std::move(ports)}});
  }
  Json doc = {{"tojimari_resume", kFormat},
              {"args", state.args},
              {"start_index", state.start_index},
              {"hosts", std::move(hosts)}};
  std::string text = doc.dump() + "\n";
  if (!out.get() || fwrite(text.data(), 1, text.size(), out.get()) != text.size())
    return MakeError(fmt::format("cannot write resume file \"{}\"", out.target_path()));
  return out.Commit();
}

Result<ResumeState> ReadResumeFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError(fmt::format("cannot read resume file \"{}\": {}", path, std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  Json doc = Json::parse(text.str(), nullptr, false);
  auto bad = [&](std::string_view why) { return MakeError(fmt::format("resume file \"{}\": {}", path, why)); };
  if (doc.is_discarded() || !doc.is_object()) return bad("not a JSON document");
  if (doc.value("tojimari_resume", 0) != kFormat) return bad("not a tojimari resume file (or a newer format)");
  ResumeState s;
  try {
    s.args = doc.at("args").get<std::vector<std::string>>();
    s.start_index = doc.at("start_index").get<uint64_t>();
    for (const Json& hj : doc.at("hosts")) {
      auto h = HostFromJson(hj);
      if (!h) return bad(h.error().message);
      s.hosts.push_back(std::move(*h));
    }
  } catch (const Json::exception& e) {
    // nlohmann reports type and missing-field errors by exception; they end
    // here, as one error value.
    return bad(e.what());
  }
  return s;
}

}  // namespace tj
