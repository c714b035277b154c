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

#include "core/dynlib.h"
#include "core/version.h"

namespace tj {

// cmake/build_info.cmake: the commit and the libraries CMake found.
extern const char kBuildCommit[];
extern const char kBuildLibraries[];

namespace {

// libpq and libpcap are loaded on first use (core/dynlib.h), so this loads
// them to ask; a missing one says so instead of failing the command.
// (One symbol each: the typed tables live above core, beside their callers.)
std::string RunningLibpq() {
  auto lib = DynLib::Open(kLibPq);
  decltype(&PQlibVersion) version = nullptr;
  if (!lib || !lib->Bind("PQlibVersion", &version)) return "libpq not installed";
  int v = version();
  return fmt::format("libpq {}.{}", v / 10000, v % 100);
}

std::string RunningLibpcap() {
  auto lib = DynLib::Open(kLibPcap);
  decltype(&pcap_lib_version) version = nullptr;
  if (!lib || !lib->Bind("pcap_lib_version", &version)) return "libpcap not installed";
  return version();
}

}  // namespace

std::string VersionText() {
  std::string text = fmt::format("tojimari {} (commit {})\n", kVersion, kBuildCommit);
  text += fmt::format("Compiled with: {} g++-{}.{}.{}\n", kBuildLibraries, __GNUC__, __GNUC_MINOR__,
                      __GNUC_PATCHLEVEL__);
  // What this process loaded, which can be newer than what it was built against.
  char pcre[32] = "?";
  pcre2_config(PCRE2_CONFIG_VERSION, pcre);
  text += fmt::format("Running with: {}, pcre2 {}, sqlite {}, {}, {}\n", OpenSSL_version(OPENSSL_VERSION),
                      pcre, sqlite3_libversion(), RunningLibpq(), RunningLibpcap());
#ifdef __SANITIZE_ADDRESS__
  text += "built with AddressSanitizer and UndefinedBehaviorSanitizer\n";
#endif
  return text;
}

}  // namespace tj
