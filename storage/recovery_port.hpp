#pragma once
// The recovery scan's record (storage/recovery_scan) as the engine's repo_recovery uses it:
// awaitable operations, one transaction each.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "storage/database.hpp"
#include "storage/recovery_scan.hpp"

namespace ngsync::storage {

class recovery_port {
 public:
  explicit recovery_port(database& db) : db_(db) {}

  // Whether `repo` needs its scan; a repository whose database already links an issue there is
  // recorded as settled in the same transaction (and answers `unneeded`).
  boost::asio::awaitable<scan_need> need(std::string repo);
  // Records the scan's links and its row in one transaction. Returns how many links are new;
  // none, with nothing written, when another process recorded the scan first.
  boost::asio::awaitable<std::optional<int>> record(std::string repo, std::string data_source_id,
                                                    std::vector<recovered_issue> found);

 private:
  database& db_;
};

}  // namespace ngsync::storage
