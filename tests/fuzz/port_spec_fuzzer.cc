// Fuzzes the -p parser. Names and globs ("http*", "*?*") run against a small
// table in the data/services.tsv format rather than the built-in one: the
// code paths are the same, and a glob over the full table costs milliseconds
// under the sanitizers, which would cut the executions a hundredfold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/port_spec.h"

namespace {

const tj::ServiceTable& Table() {
  static const tj::ServiceTable table = [] {
    auto t = tj::ServiceTable::Parse(
        "ssh\t22/tcp\t1\tSecure Shell\n"
        "ssh\t22/udp\t-\t\n"
        "http\t80/tcp\t2\t\n"
        "http\t80/udp\t-\t\n"
        "https\t443/tcp\t3\t\n"
        "http-alt\t8008/tcp\t-\t\n"
        "http-proxy\t8080/tcp\t4\t\n"
        "HTTP-MGMT\t280/tcp\t-\tupper case\n"
        "domain\t53/tcp\t-\t\n"
        "domain\t53/udp\t1\t\n"
        "snmp\t161/udp\t2\t\n"
        "ms-wbt-server\t3389/tcp\t5\t\n"
        "microsoft-ds\t445/tcp\t6\t\n"
        "netbios-ssn\t139/tcp\t7\t\n"
        "x11\t6000/tcp\t-\t\n"
        "x11-1\t6001/tcp\t-\t\n"
        "-\t9999/tcp\t8\tranked, no name\n");
    if (!t.ok()) std::abort();
    return std::move(t).value();
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view spec(reinterpret_cast<const char*>(data), size);
  auto r = tj::ParsePortSpec(spec, Table());
  if (r.ok()) {
    // Port 0 is never scanned, and a spec that parses names some port.
    if (r->tcp.Contains(0) || r->udp.Contains(0)) std::abort();
    if (r->tcp.empty() && r->udp.empty()) std::abort();
  } else if (r.error().message.empty()) {
    std::abort();
  }
  return 0;
}
