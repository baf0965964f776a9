#pragma once
// Renders the emulator's state as GitHub's JSON documents (the OpenAPI `issue`, `pull-request`,
// `repository`, `simple-user`, `label`, `issue-comment`, `installation` schemas).
#include <functional>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "tests/sandbox/src/github/github_model.hpp"

namespace ngsync::sandbox::github {

// The API version that omits the singular `assignee` and `merge_commit_sha`.
inline constexpr const char* api_version_2026 = "2026-03-10";

struct render_context {
  std::string api_base;  // e.g. https://127.0.0.1:8443 (no trailing slash)
  std::string web_base;  // e.g. https://github.com
  std::string api_version = "2022-11-28";
  // Resolves a login to its user (unknown logins get a stable invented id).
  std::function<gh_user(const std::string&)> user;
  std::function<const gh_app*()> app;

  bool omits_singular_assignee() const { return api_version >= api_version_2026; }
};

std::string iso8601(time_point at);
// Accepts YYYY-MM-DDTHH:MM:SS with optional fraction and Z or +hh:mm; nullopt when malformed.
std::optional<time_point> parse_iso8601(const std::string& text);
// A node id in the style of GitHub's global ids (opaque, stable per kind and id).
std::string node_id(const char* prefix, std::int64_t id);

boost::json::object render_user(const gh_user& user, const render_context& ctx);
// The App as GET /app answers it (also an issue's performed_via_github_app).
boost::json::object render_app(const gh_app& app, const render_context& ctx);
boost::json::object render_label(const gh_repo& repo, const gh_label& label,
                                 const render_context& ctx);
boost::json::object render_repository(const gh_repo& repo, const render_context& ctx);
boost::json::value render_milestone(const gh_repo& repo, std::optional<int> number,
                                    const render_context& ctx);
boost::json::object render_issue(const gh_repo& repo, const gh_issue& issue,
                                 const render_context& ctx);
boost::json::object render_comment(const gh_repo& repo, const gh_comment& comment,
                                   const render_context& ctx);
boost::json::object render_pull(const gh_repo& repo, const gh_issue& pull,
                                const render_context& ctx);
boost::json::object render_installation(const gh_app& app, const gh_installation& inst,
                                        const render_context& ctx);
std::string author_association(const gh_repo& repo, const std::string& login);

}  // namespace ngsync::sandbox::github
