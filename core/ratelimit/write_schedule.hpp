#pragma once
// GitHub's write rules that outlive one process: content-creating requests per sliding window
// (80/min, 500/h) and the spacing between mutating requests. api_budget enforces them in memory;
// a write_schedule also keeps them where a restarted process, or another replica, sees them
// (storage/shared_write_schedule keeps them in Postgres).
#include "core/ratelimit/clock.hpp"

namespace ngsync::ratelimit {

struct content_window;
struct request_traits;

class write_schedule {
 public:
  virtual ~write_schedule() = default;
  // `earliest` is the first instant this process's own rules allow. Returns the first instant
  // the shared record also allows (never before `earliest`) and records the write at it.
  // A write that is then not sent stays recorded: the limits err on the safe side.
  virtual steady_time claim(steady_time earliest, const request_traits& traits) = 0;
};

}  // namespace ngsync::ratelimit
