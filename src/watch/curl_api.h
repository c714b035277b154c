// libcurl, loaded on first use (core/dynlib.h): only watch's webhooks need
// it, and linked it brought 32 libraries (GnuTLS, RTMP, SSH2, nghttp2, IDN,
// brotli...) into every run.
// Thread-safety: Curl() loads once (a function-local static), running
// curl_global_init then; the table is immutable after.
#pragma once

// curl.h's GCC type checks wrap curl_easy_setopt and curl_easy_getinfo in
// macros of the same names, which would rewrite calls through the table;
// the calls pass long, pointer and function arguments as the options need.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "core/dynlib.h"

namespace tj {

// Every libcurl function tojimari calls, listed once.
// clang-format off
#define TJ_CURL_FUNCTIONS(X)                                                                          \
  X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_setopt) X(curl_easy_perform) \
  X(curl_easy_getinfo) X(curl_easy_strerror) X(curl_slist_append) X(curl_slist_free_all)
// clang-format on

struct CurlApi {
  TJ_CURL_FUNCTIONS(TJ_DYNLIB_FIELD)
};

// libcurl, loaded and started (curl_global_init) by the first call, which
// the watch makes while it sets up its sinks, before its threads start;
// later calls return the same outcome. Never cleaned up: the library stays
// loaded, and the process's exit is the end of its use.
// Missing: "--webhook needs libcurl.so.4 (Debian package libcurl4), which
// is not installed".
const Result<CurlApi>& Curl();

}  // namespace tj
