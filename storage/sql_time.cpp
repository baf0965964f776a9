#include "storage/sql_time.hpp"

namespace ngsync::storage {

std::int64_t to_epoch_us(sys_time t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

sys_time from_epoch_us(std::int64_t us) {
  return sys_time(std::chrono::duration_cast<sys_time::duration>(std::chrono::microseconds(us)));
}

std::string sql_ts(int n) {
  return "(timestamptz 'epoch' + $" + std::to_string(n) + "::bigint * interval '1 microsecond')";
}

std::string sql_us(const std::string& column) {
  return "(extract(epoch from " + column + ") * 1000000)::bigint";
}

}  // namespace ngsync::storage
