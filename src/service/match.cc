// Signature matching; see match.h.
#include "service/match.h"

#include "service/decode.h"

namespace tj {
namespace {

// The probes whose signatures apply to a reply to probe, in order.
// with_null: the NULL probe's signatures last (a banner arrives whatever was sent).
template <typename Fn>
void ForEachSource(const ProbeDb& db, const Probe& probe, bool with_null, Fn fn) {
  if (!fn(probe)) return;
  for (const auto& name : probe.fallback)
    if (const Probe* p = db.Find(name); p && p != &probe && !fn(*p)) return;
  // (TCP only: a UDP reply is never a banner.)
  if (with_null && !db.probes.empty() && db.probes[0].payload.empty() && !db.probes[0].tls_handshake &&
      db.probes[0].udp == probe.udp && &db.probes[0] != &probe)
    fn(db.probes[0]);
}

// Templates like " $1" leave spaces when a group is empty.
void Trim(std::string* s) {
  size_t b = s->find_first_not_of(' ');
  if (b == std::string::npos) {
    s->clear();
    return;
  }
  *s = s->substr(b, s->find_last_not_of(' ') - b + 1);
}

}  // namespace

// Whether the reply only repeats what was sent (at least its first few
// bytes, or all of a shorter reply): an echo service (RFC 862), or a relay
// that reflects input, never the service the probe was written for.
bool IsEcho(std::string_view payload, std::string_view reply) {
  if (payload.size() < 4 || reply.size() < 4) return false;
  size_t n = std::min(payload.size(), reply.size());
  return reply.substr(0, n) == payload.substr(0, n);
}

MatchResult MatchReply(const ProbeDb& db, const Probe& probe, std::string_view reply) {
  MatchResult soft;
  MatchResult hard;
  if (reply.empty()) return hard;
  if (IsEcho(probe.payload, reply)) {
    // A reply that repeats the probe is an echo, never a match for the
    // service the probe asks after (an echoed SMB request is not SMB).
    hard.matched = true;
    hard.info.name = "echo";
    hard.info.method = "probed";
    hard.info.conf = 10;
    return hard;
  }
  std::vector<std::string> groups;
  ForEachSource(db, probe, true, [&](const Probe& p) {
    for (const auto& sig : p.sigs) {
      if (sig.soft && soft.matched) continue;
      if (!sig.re->Match(reply, &groups)) continue;
      MatchResult& r = sig.soft ? soft : hard;
      r.matched = true;
      r.soft = sig.soft;
      r.sig = &sig;
      r.info.name = sig.service;
      r.info.product = Substitute(sig.product, groups);
      r.info.version = Substitute(sig.version, groups);
      r.info.extrainfo = Substitute(sig.info, groups);
      r.info.hostname = Substitute(sig.hostname, groups);
      r.info.ostype = Substitute(sig.ostype, groups);
      r.info.devicetype = Substitute(sig.devicetype, groups);
      for (std::string* f : {&r.info.product, &r.info.version, &r.info.extrainfo, &r.info.hostname,
                             &r.info.ostype, &r.info.devicetype})
        Trim(f);
      r.info.method = "probed";
      r.info.conf = 10;
      if (!sig.soft) return false;
    }
    return true;
  });
  MatchResult& r = hard.matched ? hard : soft;
  if (r.matched && !probe.decoder.empty()) Decode(probe.decoder, reply, &r.info);
  return r;
}

bool ProbeCanName(const ProbeDb& db, const Probe& probe, std::string_view service) {
  bool found = false;
  ForEachSource(db, probe, false, [&](const Probe& p) {
    for (const auto& sig : p.sigs)
      if (!sig.soft && sig.service == service) found = true;
    return !found;
  });
  return found;
}

}  // namespace tj
