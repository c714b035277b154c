// `tojimari version`: what nmap --version says, for bug reports and for
// knowing which OpenSSL a scan's TLS facts came from.
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <pcap/pcap.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>
#include <libpq-fe.h>

#include <fmt/format.h>

#include "core/version.h"

namespace tj {

// cmake/build_info.cmake: the commit and the libraries CMake found.
extern const char kBuildCommit[];
extern const char kBuildLibraries[];

std::string VersionText() {
  std::string text = fmt::format("tojimari {} (commit {})\n", kVersion, kBuildCommit);
  text += fmt::format("Compiled with: {} g++-{}.{}.{}\n", kBuildLibraries, __GNUC__, __GNUC_MINOR__,
                      __GNUC_PATCHLEVEL__);
  // What this process loaded, which can be newer than what it was built against.
  char pcre[32] = "?";
  pcre2_config(PCRE2_CONFIG_VERSION, pcre);
  int pq = PQlibVersion();
  text += fmt::format("Running with: {}, pcre2 {}, sqlite {}, libpq {}.{}, {}\n", OpenSSL_version(OPENSSL_VERSION),
                      pcre, sqlite3_libversion(), pq / 10000, pq % 100, pcap_lib_version());
#ifdef __SANITIZE_ADDRESS__
  text += "built with AddressSanitizer and UndefinedBehaviorSanitizer\n";
#endif
  return text;
}

}  // namespace tj
