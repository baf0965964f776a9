#include "core/log/logging.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <regex>
#include <vector>

#include <fmt/chrono.h>
#include <spdlog/details/os.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>

namespace ngsync::log {
namespace {

struct registry_state {
  std::mutex mutex;
  settings current;
  struct secret_entry {
    std::string value;
    std::optional<std::chrono::system_clock::time_point> expires_at;  // none: for the process
  };
  std::vector<secret_entry> secrets;
  std::map<std::string, std::shared_ptr<spdlog::logger>> loggers;
  spdlog::sink_ptr sink;
};

registry_state& state() {
  static registry_state s;
  return s;
}

// Token shapes worth hiding even when nobody registered them.
const std::regex& token_pattern() {
  static const std::regex re(
      R"((Bearer)\s+[A-Za-z0-9_\-\.=]+|\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{8,}|\bgithub_pat_[A-Za-z0-9_]{8,}|\b(secret|ntn)_[A-Za-z0-9]{8,}|(://[^:/@\s]+:)[^@\s]+@)",
      std::regex::ECMAScript | std::regex::icase);
  return re;
}

// One record stays one line, and a JSON line stays valid JSON: a CR or LF in a message (an API's
// error body, a page title, a header an attacker chose) would otherwise forge a second record.
// Control characters become escapes (\n \r \t, else JSON's \u00XX or the text line's \xNN);
// JSON also escapes its quote and backslash. Everything else, UTF-8 included, is kept as it is.
enum class escape_style { json, text };

void append_escaped(std::string& out, std::string_view s, escape_style style) {
  const bool json = style == escape_style::json;
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += json ? "\\\"" : "\"";
        break;
      case '\\':
        out += json ? "\\\\" : "\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || (!json && c == 0x7f))
          out += json ? fmt::format("\\u{:04x}", c) : fmt::format("\\x{:02x}", c);
        else
          out.push_back(static_cast<char>(c));
    }
  }
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  append_escaped(out, s, escape_style::json);
  out.push_back('"');
}

std::string escape_text_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_escaped(out, s, escape_style::text);
  return out;
}

// Writes each record to stderr after redaction, as text or one JSON object per line.
class redacting_stderr_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit redacting_stderr_sink(line_format f) : format_(f), journal_(stderr_is_journal()) {
    text_formatter_ = std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %l [%n] %v", spdlog::pattern_time_type::utc);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    // Under systemd, "<N>" at the start of a line is the record's syslog priority; journald
    // strips it and files the line under that priority (so `journalctl -p warning` works).
    std::string line = journal_ ? fmt::format("<{}>", syslog_priority(msg.level)) : std::string();
    if (format_ == line_format::json) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch())
                    .count() %
                1000;
      line += R"({"ts":")";
      line += fmt::format(
          "{:%Y-%m-%dT%H:%M:%S}.{:03d}Z",
          spdlog::details::os::gmtime(std::chrono::system_clock::to_time_t(msg.time)), ms);
      line += R"(","level":")";
      auto lv = spdlog::level::to_string_view(msg.level);
      line.append(lv.data(), lv.size());
      line += R"(","logger":)";
      append_json_string(line, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
      line += R"(,"msg":)";
      append_json_string(line, text);
      line += "}\n";
    } else {
      spdlog::details::log_msg copy(msg);
      text = escape_text_line(text);
      copy.payload = spdlog::string_view_t(text.data(), text.size());
      spdlog::memory_buf_t buf;
      text_formatter_->format(copy, buf);
      line.append(buf.data(), buf.size());
    }
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  line_format format_;
  bool journal_;
  std::unique_ptr<spdlog::formatter> text_formatter_;
};

spdlog::level::level_enum level_for(const settings& s, const std::string& name) {
  auto it = s.subsystem_levels.find(name);
  return it == s.subsystem_levels.end() ? s.level : it->second;
}

}  // namespace

int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;
    case spdlog::level::err:
      return 3;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::info:
      return 6;
    default:
      return 7;  // debug, trace
  }
}

bool stderr_is_journal() {
  // systemd sets JOURNAL_STREAM to "<device>:<inode>" of the stream it connected; a process whose
  // stderr was redirected elsewhere (a pipe, a file) inherits the variable but not the stream.
  const char* value = std::getenv("JOURNAL_STREAM");
  if (!value) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(value, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

void configure(const settings& s) {
  auto& st = state();
  std::lock_guard lock(st.mutex);
  st.current = s;
  st.sink = std::make_shared<redacting_stderr_sink>(s.format);
  for (auto& [name, logger] : st.loggers) {
    logger->sinks().assign(1, st.sink);
    logger->set_level(level_for(s, name));
  }
}

std::shared_ptr<spdlog::logger> get(const std::string& subsystem) {
  auto& st = state();
  std::lock_guard lock(st.mutex);
  auto it = st.loggers.find(subsystem);
  if (it != st.loggers.end()) return it->second;
  if (!st.sink) st.sink = std::make_shared<redacting_stderr_sink>(st.current.format);
  auto logger = std::make_shared<spdlog::logger>(subsystem, st.sink);
  logger->set_level(level_for(st.current, subsystem));
  logger->flush_on(spdlog::level::info);
  st.loggers.emplace(subsystem, logger);
  return logger;
}

namespace {
void add_secret(std::string_view secret,
                std::optional<std::chrono::system_clock::time_point> expires_at) {
  if (secret.size() < 4) return;
  auto& st = state();
  const auto now = std::chrono::system_clock::now();
  std::lock_guard lock(st.mutex);
  std::erase_if(st.secrets, [&](const registry_state::secret_entry& e) {
    return e.expires_at && *e.expires_at <= now && e.value != secret;
  });
  for (auto& e : st.secrets) {
    if (e.value != secret) continue;
    // Known already: a lifetime-long registration wins over an expiring one.
    if (!expires_at) e.expires_at.reset();
    else if (e.expires_at) e.expires_at = std::max(*e.expires_at, *expires_at);
    return;
  }
  st.secrets.push_back({std::string(secret), expires_at});
}
}  // namespace

void register_secret(std::string_view secret) { add_secret(secret, std::nullopt); }

void register_expiring_secret(std::string_view secret,
                              std::chrono::system_clock::time_point expires_at) {
  add_secret(secret, expires_at);
}

std::size_t registered_secret_count() {
  auto& st = state();
  std::lock_guard lock(st.mutex);
  return st.secrets.size();
}

std::string redact(std::string_view text) {
  std::string out(text);
  {
    auto& st = state();
    std::lock_guard lock(st.mutex);
    for (const auto& entry : st.secrets) {
      const auto& secret = entry.value;
      for (auto pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos)) {
        out.replace(pos, secret.size(), "[redacted]");
        pos += 10;
      }
    }
  }
  // Keep the scheme word ("Bearer") and URL user visible; hide only the secret part.
  std::string result;
  auto begin = std::sregex_iterator(out.begin(), out.end(), token_pattern());
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    result.append(out, last, static_cast<std::size_t>(m.position()) - last);
    if (m[1].matched) {
      result += m[1].str() + " [redacted]";
    } else if (m[4].matched) {
      result += m[4].str() + "[redacted]@";
    } else {
      result += "[redacted]";
    }
    last = static_cast<std::size_t>(m.position() + m.length());
  }
  result.append(out, last);
  return result;
}

bool parse_level(std::string_view name, spdlog::level::level_enum& out) {
  static const std::pair<std::string_view, spdlog::level::level_enum> table[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"critical", spdlog::level::critical},
      {"off", spdlog::level::off}};
  for (const auto& [n, l] : table) {
    if (n == name) {
      out = l;
      return true;
    }
  }
  return false;
}

}  // namespace ngsync::log
