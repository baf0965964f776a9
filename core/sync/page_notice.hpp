#pragma once
// What a page says while its sync is in trouble (the design: "flag the Notion page as Pending
// with an error message"), in words a person understands, and when saying it is worth a Notion
// write. Notion allows about 3 requests a second for the whole integration, so a page is written
// once per change of cause, never once per retry.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/api/api_failure.hpp"

namespace ngsync::sync {

using system_time = std::chrono::system_clock::time_point;

// Why a page's job did not finish this time.
struct sync_trouble {
  std::string api;            // "github" or "notion"; empty for anything else
  unsigned status = 0;        // the HTTP status answered; 0 when no answer came
  std::string detail;         // short and secret-free: "timed out", Notion's error code, ...
  bool rate_limited = false;  // a rate-limit pause, not a failure: the attempt is not counted
  system_time waiting_since;  // when the page's job was first queued
  system_time next_try;       // when it runs again
};

struct notice_settings {
  // A rate-limit pause is normal and short: the page says nothing until it has waited this long.
  std::chrono::seconds quiet_pause{60};
  // Past this, a job still held by rate limits counts as stuck (status, /metrics) and the page
  // says how long it has waited.
  std::chrono::seconds throttle_horizon{3600};
};

// The trouble an API failure means for a page. Only what a person needs and nothing secret: the
// API, the status, Notion's error code (GitHub's codes name validation details, never a 5xx), or
// for no answer at all the transport's short reason.
sync_trouble trouble_of(const api::api_failure& f, system_time waiting_since, system_time next_try);

// "GitHub answered 503", "Notion did not answer (timed out)", "waiting for GitHub's rate limit":
// the part of a notice that changes only when the cause does.
std::string trouble_cause(const sync_trouble& t);

// The whole text for the page's error property, e.g.
// "GitHub answered 503; retrying at 14:02 UTC" or
// "waiting for GitHub's rate limit since 13:58 UTC; resumes at 14:02 UTC".
std::string trouble_notice(const sync_trouble& t, system_time now, const notice_settings& s = {});

// Whether the page should say anything yet: every failure does; a rate-limit pause only once the
// page has waited quiet_pause.
bool notice_due(const sync_trouble& t, system_time now, const notice_settings& s = {});

// Whether a notice with `cause` needs a write, given the cause last written for this job (none:
// nothing written yet). Same cause: no write, however the retry time moved.
bool notice_changes(std::optional<std::string_view> shown_cause, std::string_view cause);

// A job waiting on rate limits for longer than the horizon.
bool stuck_throttled(const sync_trouble& t, system_time now, const notice_settings& s = {});

// "14:02 UTC" (today), or "Dec 7 14:02 UTC" when not on the day of `now`.
std::string clock_time_utc(system_time t, system_time now);

}  // namespace ngsync::sync
