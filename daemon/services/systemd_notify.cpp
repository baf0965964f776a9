#include "daemon/services/systemd_notify.hpp"

#include <dlfcn.h>

#include <cstdlib>

namespace ngsync::engine {

systemd_notifier::systemd_notifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || *socket == '\0') return;
  // Never unloaded: the handle lives as long as the process, like a linked library would.
  void* lib = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = ::dlerror();
    problem_ = std::string("NOTIFY_SOCKET is set but libsystemd.so.0 could not be loaded: ") +
               (why ? why : "unknown error");
    return;
  }
  notify_ = reinterpret_cast<sd_notify_fn>(::dlsym(lib, "sd_notify"));
  if (notify_ == nullptr) problem_ = "libsystemd.so.0 has no sd_notify";
}

void systemd_notifier::notify(const char* state) const {
  if (notify_ != nullptr) notify_(0, state);
}

}  // namespace ngsync::engine
