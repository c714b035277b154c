#include "core/dynlib.h"

#include <dlfcn.h>
#include <fmt/format.h>

namespace tj {
namespace {

std::string Needs(const LibrarySpec& spec) {
  return fmt::format("{} needs {} (Debian package {})", spec.purpose, spec.soname, spec.package);
}

std::string LastDlError() {
  const char* why = dlerror();
  return why ? why : "unknown error";
}

}  // namespace

Result<DynLib> DynLib::Open(const LibrarySpec& spec) {
  // RTLD_NOW: a library whose own dependencies are broken fails here, with
  // a message, rather than killing the process at its first call.
  // RTLD_LOCAL: its symbols stay out of the global scope; only Bind reads them.
  // (glibc 2.34 and later has dlopen in libc itself: no -ldl.)
  void* handle = dlopen(spec.soname, RTLD_NOW | RTLD_LOCAL);
  if (handle) return DynLib(spec, handle);
  // dlerror names the file it could not find first: the soname itself when
  // the package is missing, one of its dependencies when that one is.
  const std::string why = LastDlError();
  if (why.starts_with(std::string(spec.soname) + ":") && why.find("No such file") != std::string::npos)
    return MakeError(Needs(spec) + ", which is not installed");
  return MakeError(Needs(spec) + ", which could not be loaded: " + why);
}

Result<void*> DynLib::Symbol(const char* name) const {
  dlerror();  // a null symbol is legal: only dlerror tells a failure
  void* p = dlsym(handle_, name);
  if (p) return p;
  std::string why = LastDlError();
  return MakeError(fmt::format("{}, with {}, which this version lacks: {}", Needs(spec_), name, why));
}

}  // namespace tj
