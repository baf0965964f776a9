#pragma once
// systemd's notification protocol (READY=1, WATCHDOG=1, STOPPING=1) through libsystemd's
// sd_notify, with libsystemd loaded only when systemd asked for notifications: NOTIFY_SOCKET is
// set in the environment. Anywhere else (Docker, a terminal, the benchmarks) sd_notify would do
// nothing, and not loading libsystemd spares the process its code and the compressors and crypto
// libraries it pulls in, about 1 MiB of idle RSS.
#include <string>

namespace ngsync::engine {

class systemd_notifier {
 public:
  // Loads libsystemd when NOTIFY_SOCKET is set. A failure is kept in problem(), not thrown: the
  // daemon still runs, and the unit's start timeout tells systemd the rest.
  systemd_notifier();
  systemd_notifier(const systemd_notifier&) = delete;
  systemd_notifier& operator=(const systemd_notifier&) = delete;

  // Sends one state line ("READY=1"); does nothing outside systemd.
  void notify(const char* state) const;
  bool active() const { return notify_ != nullptr; }
  const std::string& problem() const { return problem_; }

 private:
  using sd_notify_fn = int (*)(int unset_environment, const char* state);
  sd_notify_fn notify_ = nullptr;
  std::string problem_;
};

}  // namespace ngsync::engine
