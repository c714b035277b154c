#include "scan_check.h"

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace tjlab {
namespace {

using testing::AssertionFailure;
using testing::AssertionSuccess;

const char* TruthName(Truth t) {
  switch (t) {
    case Truth::kOpen: return "open";
    case Truth::kClosed: return "closed";
    case Truth::kDropped: return "dropped";
    case Truth::kRejected: return "rejected";
  }
  return "?";
}

// The (state, reason) pairs that are right for a truth. The rejected range
// answers with ICMP admin-prohibited, but the target's ICMP rate limit lets
// only a few through, so no-response is right too; for IPv4 a connect()
// sees that ICMP as EHOSTUNREACH (nmap -sT says host-unreach as well).
std::set<std::string> ConnectAnswers(Truth t, bool v6) {
  switch (t) {
    case Truth::kOpen: return {"open/syn-ack"};
    case Truth::kClosed: return {"closed/conn-refused"};
    case Truth::kDropped: return {"filtered/no-response"};
    case Truth::kRejected:
      if (v6) return {"filtered/admin-prohibited", "filtered/no-response"};
      return {"filtered/admin-prohibited", "filtered/host-unreach", "filtered/no-response"};
  }
  return {};
}

// Raw scans see the ICMP itself, as nmap does. A FIN/NULL/Xmas probe gets
// no answer from a listener, so silence (a listener, a drop, or a reject
// whose ICMP the rate limit swallowed) is open|filtered.
std::set<std::string> RightAnswers(Truth t, const GradeOptions& o) {
  const bool fnx = o.technique == Technique::kFinNullXmas;
  const std::string silent = fnx ? "open|filtered/no-response" : "filtered/no-response";
  switch (o.technique) {
    case Technique::kConnect: return ConnectAnswers(t, o.v6);
    case Technique::kSyn:
    case Technique::kFinNullXmas:
      switch (t) {
        case Truth::kOpen: return {fnx ? silent : "open/syn-ack"};
        case Truth::kClosed: return {"closed/reset"};
        case Truth::kDropped: return {silent};
        case Truth::kRejected: return {"filtered/admin-prohibited", silent};
      }
  }
  return {};
}

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : " or ") + x;
  return out;
}

::testing::AssertionResult ParseLine(const std::string& line, const std::string& ip, Rows* rows,
                                     const std::string& proto) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return AssertionFailure() << "not a JSON object: " << line;
  if (!j.contains("port") || !j["port"].is_number_integer() || !j.contains("state"))
    return AssertionFailure() << "no port or state: " << line;
  if (j.value("ip", "") != ip) return AssertionFailure() << "ip is not " << ip << ": " << line;
  if (j.value("proto", "") != proto) return AssertionFailure() << "proto is not " << proto << ": " << line;
  int port = j["port"];
  if (rows->count(port)) return AssertionFailure() << "port " << port << " reported twice";
  PortRow& r = (*rows)[port];
  r.state = j.value("state", "");
  r.reason = j.value("reason", "");
  r.service = j.value("service", "");
  r.tries = j.value("tries", 0);
  r.reason_ttl = j.value("reason_ttl", 0);
  return AssertionSuccess();
}

}  // namespace

::testing::AssertionResult ParseNdjson(const std::string& path, const std::string& ip, Rows* rows,
                                       const std::string& proto) {
  std::ifstream in(path);
  if (!in) return AssertionFailure() << "cannot read " << path;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto ok = ParseLine(line, ip, rows, proto);
    if (!ok) return ok;
  }
  return AssertionSuccess();
}

Tally GradeAll(const Lab& lab, const Rows& rows, const std::vector<int>& ports,
               const GradeOptions& opts) {
  Tally t;
  for (int port : ports) {
    Truth truth = lab.TcpTruth(port);
    auto it = rows.find(port);
    std::string got = it == rows.end() ? "missing" : it->second.state + "/" + it->second.reason;
    ++t.by_outcome[std::string(TruthName(truth)) + " -> " + got];
    auto right = RightAnswers(truth, opts);
    if (right.count(got)) {
      ++t.right;
    } else if (opts.lossy && truth == Truth::kClosed && got == "filtered/no-response") {
      ++t.tolerated;
    } else {
      t.wrong.push_back(std::to_string(port) + " (" + TruthName(truth) + "): got " + got +
                        ", want " + Join(right));
    }
  }
  return t;
}

std::string DescribeWrong(const Tally& t) {
  std::ostringstream o;
  o << t.wrong.size() << " port(s) wrong";
  for (size_t i = 0; i < t.wrong.size() && i < 20; ++i) o << "\n  " << t.wrong[i];
  if (t.wrong.size() > 20) o << "\n  ...";
  return o.str();
}

std::string DescribeOutcomes(const Tally& t) {
  std::ostringstream o;
  for (const auto& [k, n] : t.by_outcome) o << "  " << k << ": " << n << "\n";
  return o.str();
}

std::vector<int> PortsBetween(int lo, int hi) {
  std::vector<int> v;
  for (int p = lo; p <= hi; ++p) v.push_back(p);
  return v;
}

std::vector<std::string> WrongTtl(const Rows& rows, int want) {
  std::vector<std::string> wrong;
  for (const auto& [port, r] : rows) {
    if (r.reason == "no-response" || r.reason_ttl == want) continue;
    wrong.push_back(std::to_string(port) + ": " + r.reason + " ttl " + std::to_string(r.reason_ttl));
  }
  return wrong;
}

}  // namespace tjlab

namespace tjlab {

::testing::AssertionResult ParseJsonReport(const std::string& path, const std::string& ip, Rows* rows,
                                           std::map<std::string, std::string>* notes) {
  std::ifstream in(path);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded()) return AssertionFailure() << path << " is not JSON";
  for (const auto& h : doc.at("hosts")) {
    if (h.at("address") != ip) continue;
    auto add = [&](int port, const std::string& state, const std::string& reason) {
      PortRow row;
      row.state = state;
      row.reason = reason;
      return rows->emplace(port, row).second;
    };
    for (const auto& p : h.at("ports"))
      if (!add(p.at("port"), p.at("state"), p.at("reason")))
        return AssertionFailure() << "port " << p.at("port") << " listed twice";
    for (const auto& e : h.at("extra_ports"))
      for (const auto& r : e.at("reasons")) {
        std::istringstream list(r.at("ports").get<std::string>());
        for (std::string part; std::getline(list, part, ',');) {
          size_t dash = part.find('-');
          int lo = std::stoi(part.substr(0, dash));
          int hi = dash == std::string::npos ? lo : std::stoi(part.substr(dash + 1));
          for (int port = lo; port <= hi; ++port)
            if (!add(port, e.at("state"), r.at("reason")))
              return AssertionFailure() << "port " << port << " listed twice";
        }
      }
    if (notes && h.contains("notes"))
      for (const auto& n : h.at("notes")) (*notes)[n.at("id")] = n.at("text");
    return AssertionSuccess();
  }
  return AssertionFailure() << "no host " << ip << " in " << path;
}

}  // namespace tjlab
