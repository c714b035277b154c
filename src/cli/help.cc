#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/scan_options.h"

namespace tj {

std::string VersionText() {
  std::string text = fmt::format("tojimari {}\n", kVersion);
#ifdef __SANITIZE_ADDRESS__
  text += "built with AddressSanitizer and UndefinedBehaviorSanitizer\n";
#endif
  return text;
}

std::string MainHelp() {
  return fmt::format(
      "tojimari {} - checks that every door is locked: a port scanner and checker.\n"
      "\n"
      "Usage: tojimari [scan] [options] TARGET...     scan ports (nmap's options)\n"
      "       tojimari check [options] HOST:PORT...   is this port open? (exit 0 when all are)\n"
      "       tojimari audit --policy FILE            compare the network with its policy\n"
      "       tojimari resume FILE                    finish a scan that was interrupted\n"
      "       tojimari history [--db URL]             the scans stored with --store\n"
      "       tojimari diff A [B]                     what changed between two scans (exit 1 if anything)\n"
      "       tojimari watch --every 10m [options]    scan on a schedule, alert on changes\n"
      "       tojimari help [COMMAND]                 help on a command\n"
      "       tojimari version\n"
      "\n"
      "Examples:\n"
      "  tojimari -p 1-1000 198.18.0.0/24\n"
      "  tojimari -sT -p- --open -n 2001:db8::10\n"
      "  tojimari -sn 198.18.0.0/24                  which hosts are up (no port scan)\n"
      "  tojimari check --wait 30s db.internal:5432\n"
      "  tojimari -p 1-1000 --store 198.18.0.0/24 && tojimari diff latest~1 latest\n"
      "\n"
      "Scan only what you own or are allowed to scan.\n"
      "'tojimari help scan' lists every scan option.\n",
      kVersion);
}

std::string ScanHelp() {
  return "Usage: tojimari [scan] [options] TARGET...\n"
         "TARGET: 198.18.0.1, 198.18.0.0/24, 198.18.0.1-20, 198.18.0-3.*, 2001:db8::1, 2001:db8::/120,\n"
         "        a host name (every address of the family: -4 default, -6).\n"
         "Multicast, broadcast and unspecified addresses inside a range are skipped.\n"
         "Without -p the 1000 ports most often found open are scanned.\n"
         "Hosts are first checked to be up: as root (or with CAP_NET_RAW) by ARP/NDP on the local link,\n"
         "elsewhere ICMP echo, SYN to 443, ACK to 80 and ICMP timestamp (-PE -PS443 -PA80 -PP); without\n"
         "privileges by connects to 80 and 443. Down hosts are counted, not scanned; -Pn skips the check.\n" +
         ParamsHelp(ScanParams());
}

std::vector<std::string_view> CommandNames() {
  return {"scan", "check", "audit", "resume", "history", "diff", "watch", "help", "version"};
}

}  // namespace tj
