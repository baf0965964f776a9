#include "core/sync/page_notice.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace ngsync::sync {

namespace {

std::string api_name(std::string_view api) {
  if (api == "github") return "GitHub";
  if (api == "notion") return "Notion";
  return api.empty() ? std::string("the sync") : std::string(api);
}

std::string waited(std::chrono::system_clock::duration d) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  if (minutes < 120) return fmt::format("{} min", minutes);
  return fmt::format("{} h", minutes / 60);
}

}  // namespace

sync_trouble trouble_of(const api::api_failure& f, system_time waiting_since,
                        system_time next_try) {
  sync_trouble t;
  t.api = f.api == "github" || f.api == "notion" ? f.api : std::string();
  t.rate_limited = f.kind == api::failure_kind::throttled;
  t.status = t.rate_limited ? 0 : f.status;
  if (!t.rate_limited) {
    if (f.status == 0) {
      t.detail = f.message.substr(0, 80);
    } else if (f.api == "notion") {
      t.detail = f.code;
    }
  }
  t.waiting_since = waiting_since;
  t.next_try = next_try;
  return t;
}

std::string clock_time_utc(system_time t, system_time now) {
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(t);
  if (day == std::chrono::floor<std::chrono::days>(now)) return fmt::format("{:%H:%M} UTC", secs);
  return fmt::format("{:%b %d %H:%M} UTC", secs);
}

std::string trouble_cause(const sync_trouble& t) {
  const auto who = api_name(t.api);
  if (t.rate_limited) return fmt::format("waiting for {}'s rate limit", who);
  if (t.status != 0) {
    return t.detail.empty() ? fmt::format("{} answered {}", who, t.status)
                            : fmt::format("{} answered {} ({})", who, t.status, t.detail);
  }
  if (t.api.empty()) return t.detail.empty() ? std::string("the sync failed") : t.detail;
  return t.detail.empty() ? fmt::format("{} did not answer", who)
                          : fmt::format("{} did not answer ({})", who, t.detail);
}

std::string trouble_notice(const sync_trouble& t, system_time now, const notice_settings& s) {
  auto text = trouble_cause(t);
  if (t.rate_limited) {
    text += " since " + clock_time_utc(t.waiting_since, now);
    if (stuck_throttled(t, now, s)) text += " (" + waited(now - t.waiting_since) + ")";
    text += "; resumes at " + clock_time_utc(t.next_try, now);
  } else {
    text += "; retrying at " + clock_time_utc(t.next_try, now);
  }
  return text;
}

bool notice_due(const sync_trouble& t, system_time now, const notice_settings& s) {
  return !t.rate_limited || now - t.waiting_since >= s.quiet_pause;
}

bool notice_changes(std::optional<std::string_view> shown_cause, std::string_view cause) {
  return !shown_cause || *shown_cause != cause;
}

bool stuck_throttled(const sync_trouble& t, system_time now, const notice_settings& s) {
  return t.rate_limited && now - t.waiting_since >= s.throttle_horizon;
}

}  // namespace ngsync::sync
