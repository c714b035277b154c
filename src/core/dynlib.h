// Shared libraries that only some runs need, opened with dlopen on first use
// instead of being linked (issue 20). Linked, libpq, libcurl, libxml2 and
// libpcap pulled 51 libraries (Kerberos, LDAP, GnuTLS, ICU, D-Bus...) into
// every run, `tojimari version` included: about 6 ms and 7 MB before main().
//
// Each such library is declared once, below: its soname, the Debian package
// that ships it and what needs it, so that a missing one is a one-line error
// naming the package to install. The typed tables of its functions live
// beside their callers (history/pq_api.h, watch/curl_api.h, report/xml_api.h,
// net/pcap_api.h); each table is loaded once, by a function-local static.
//
// Thread-safety: a DynLib is an immutable handle; dlopen and dlsym are
// thread-safe, and dlerror's message is per thread.
#pragma once

#include <array>
#include <string>

#include "core/status.h"

namespace tj {

struct LibrarySpec {
  // What dlopen asks for: the ABI the headers we compile against describe.
  const char* soname;
  // Debian 12's package that ships it (cmake/install.cmake depends on it).
  const char* package;
  // What needs it: the subject of "... needs libpq.so.5 (Debian package ...)".
  const char* purpose;
};

inline constexpr LibrarySpec kLibPq{"libpq.so.5", "libpq5", "PostgreSQL history"};
inline constexpr LibrarySpec kLibCurl{"libcurl.so.4", "libcurl4", "--webhook"};
inline constexpr LibrarySpec kLibXml2{"libxml2.so.2", "libxml2", "reading an XML report"};
inline constexpr LibrarySpec kLibPcap{"libpcap.so.0.8", "libpcap0.8", "a raw scan"};
// All of them: the tests check that the binary links none and that each loads.
inline constexpr std::array kLazyLibraries{kLibPq, kLibCurl, kLibXml2, kLibPcap};

class DynLib {
 public:
  // Opens spec.soname. The library is never closed: libcurl and libxml2
  // keep process-wide state, and the process is what ends their use.
  // A missing library: "PostgreSQL history needs libpq.so.5 (Debian package
  // libpq5), which is not installed".
  static Result<DynLib> Open(const LibrarySpec& spec);

  // Sets *fn to the library's symbol `name`. F comes from the caller's
  // declaration, decltype(&name) of the real header, so the type cannot
  // drift from the library's.
  template <typename F>
  Status Bind(const char* name, F* fn) const {
    Result<void*> p = Symbol(name);
    if (!p) return p.error();
    *fn = reinterpret_cast<F>(*p);
    return Status::Ok();
  }

  const LibrarySpec& spec() const { return spec_; }

 private:
  DynLib(const LibrarySpec& spec, void* handle) : spec_(spec), handle_(handle) {}
  Result<void*> Symbol(const char* name) const;

  LibrarySpec spec_;
  void* handle_;
};

}  // namespace tj

// A field of a table of functions, typed by the library's header:
// TJ_DYNLIB_FIELD(PQexec) is `decltype(&::PQexec) PQexec = nullptr;`. The
// tables list their functions once, as an X-macro that declares the fields
// and drives their Bind (see history/pq_api.h), so a function cannot be
// declared and left unresolved.
#define TJ_DYNLIB_FIELD(name) decltype(&::name) name = nullptr;
