#pragma once
// Logging: one named spdlog logger per subsystem ("http", "queue", "sync", ...), text or JSON
// lines on stderr, a level per subsystem, and redaction so tokens and keys never reach a line.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace ngsync::log {

enum class line_format { text, json };

struct settings {
  spdlog::level::level_enum level = spdlog::level::info;
  line_format format = line_format::text;
  // Overrides per subsystem, e.g. {"http": debug}.
  std::map<std::string, spdlog::level::level_enum> subsystem_levels;
};

// Applies to every logger, including ones created earlier.
void configure(const settings& s);

// The logger of one subsystem; created on first use with the configured sink and level.
std::shared_ptr<spdlog::logger> get(const std::string& subsystem);

// Every later log line has each occurrence of `secret` replaced by "[redacted]".
// Secrets shorter than 4 characters are ignored (they would redact ordinary words). A secret
// already registered is not added again, so the list (scanned for every line) stays as long as
// the number of distinct secrets.
void register_secret(std::string_view secret);

// A secret that stops mattering at `expires_at` (a GitHub App installation token): registered
// once, and forgotten by the first registration after it expired, so a daemon that mints a token
// an hour for months keeps a list of a few entries, not thousands.
void register_expiring_secret(std::string_view secret,
                              std::chrono::system_clock::time_point expires_at);

// How many secrets redaction scans today (tests and /metrics).
std::size_t registered_secret_count();

// What the redaction rule does to a text: the registered secrets, plus anything shaped like a
// token (Bearer values, ghp_/ghs_/github_pat_/secret_/ntn_ prefixes, URL passwords).
// Exposed so error messages stored in the database go through the same rule.
std::string redact(std::string_view text);

// The syslog priority journald files a record of this level under (err -> 3, info -> 6, ...).
int syslog_priority(spdlog::level::level_enum level);

// True when stderr is the journal stream systemd connected (JOURNAL_STREAM names its device and
// inode). Then every line starts with "<priority>"; `configure` decides it once per call.
bool stderr_is_journal();

// Parses "trace|debug|info|warn|error|critical|off"; returns false on anything else.
bool parse_level(std::string_view name, spdlog::level::level_enum& out);

}  // namespace ngsync::log
