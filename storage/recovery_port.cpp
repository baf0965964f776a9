#include "storage/recovery_port.hpp"

namespace ngsync::storage {
namespace net = boost::asio;

net::awaitable<scan_need> recovery_port::need(std::string repo) {
  auto check = [repo](transaction t) {
    auto need = recovery_scan::need(t, repo);
    if (need == scan_need::unneeded) recovery_scan::record_unneeded(t, repo);
    return need;
  };
  co_return co_await db_.write(std::move(check));
}

net::awaitable<std::optional<int>> recovery_port::record(std::string repo,
                                                         std::string data_source_id,
                                                         std::vector<recovered_issue> found) {
  auto save = [repo, data_source_id, found = std::move(found)](transaction t) {
    int linked = 0;
    const bool ours = recovery_scan::record(t, repo, data_source_id, found, &linked);
    return ours ? std::optional<int>(linked) : std::nullopt;
  };
  co_return co_await db_.write(std::move(save));
}

}  // namespace ngsync::storage
