#pragma once
// The recovery scan, carried out (storage/recovery_scan.hpp keeps its record). Before the first
// create in a repository, a database holding no link into it reads the issues the daemon opened
// there once (100 per call) and links each one whose marker names a page. A page whose number
// never reached Notion (its write-back lost, then the database too) is then updated, not
// created again. Scanned once per repository per database: the scan row, written with the links
// in one transaction, keeps every later create (in this process or another) from scanning.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/github/github_port.hpp"
#include "storage/recovery_port.hpp"

namespace ngsync::engine {

class repo_recovery {
 public:
  explicit repo_recovery(storage::database& db) : scan_records_(db) {}

  // Settles `repo` before a create in it: returns at once when it is known to be settled, else
  // scans (or waits for the worker already scanning it). True when this call saw a scan
  // recorded, so the caller must read its page's link again before creating anything.
  boost::asio::awaitable<bool> before_create(github::github_port& github, std::string repo,
                                             std::string data_source_id, std::string own_login);

  std::uint64_t scans() const { return scans_.load(); }

 private:
  enum class state { unknown, running, settled };
  storage::recovery_port scan_records_;
  std::mutex mutex_;
  std::map<std::string, state> repos_;
  std::atomic<std::uint64_t> scans_{0};
};

}  // namespace ngsync::engine
