#include "watch/curl_api.h"

namespace tj {
namespace {

Result<CurlApi> LoadCurl() {
  auto lib = DynLib::Open(kLibCurl);
  if (!lib) return lib.error();
  CurlApi api;
  Status s;
#define TJ_BIND(name) \
  if (s) s = lib->Bind(#name, &api.name);
  TJ_CURL_FUNCTIONS(TJ_BIND)
#undef TJ_BIND
  if (!s) return MakeError(s.message());
  if (api.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return MakeError("libcurl could not start");
  return api;
}

}  // namespace

const Result<CurlApi>& Curl() {
  static const Result<CurlApi> api = LoadCurl();
  return api;
}

}  // namespace tj
