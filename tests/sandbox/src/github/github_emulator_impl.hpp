#pragma once
// The GitHub emulator's class, shared by its source files: request handling and limits
// (github_emulator.cpp), the REST routes (github_routes.cpp routes a path; issues, comments,
// labels and pull requests in github_{issue,comment,label,pull}_routes.cpp), issue changes and
// webhooks (github_issue_changes.cpp), and scenarios, person actions and state
// (github_scenario.cpp).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/sandbox/src/emulator.hpp"
#include "tests/sandbox/src/github/github_limits.hpp"
#include "tests/sandbox/src/github/github_model.hpp"
#include "tests/sandbox/src/github/github_projects.hpp"
#include "tests/sandbox/src/github/github_render.hpp"

namespace ngsync::sandbox::github {

namespace json = boost::json;

// Who is calling: a personal token's user, an App installation (its bot), or the App itself.
struct caller {
  enum class kind { user, installation, app } what = kind::user;
  std::string login;  // the acting user (the bot login for installations)
  std::int64_t installation_id = 0;
  std::string rate_key;      // the identity budgets are kept for
  std::string rate_subject;  // "user ID 123" / "installation ID 5", for limit messages
};

// One API request being answered.
struct api_call {
  const api_request* req = nullptr;
  std::string method;
  std::vector<std::string> segments;  // decoded path segments
  std::map<std::string, std::string> query;
  std::string endpoint;  // template, e.g. "GET /repos/{o}/{r}/issues/{n}"
  caller who;
  render_context ctx;
  gh_repo* repo = nullptr;
  std::vector<std::string> rest;  // segments after /repos/{o}/{r} or /repositories/{id}

  std::string param(const std::string& key, std::string fallback = {}) const {
    auto it = query.find(key);
    return it == query.end() ? fallback : it->second;
  }
};

// A requested change to an issue; unset members are left alone.
struct issue_edit {
  std::optional<std::string> title;
  std::optional<std::optional<std::string>> body;
  std::optional<std::string> state;
  std::optional<std::string> state_reason;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::vector<std::string>> assignees;
  std::optional<std::optional<int>> milestone;
};

struct emulator_limits {
  int primary_per_hour = 5000;
  int search_per_minute = 30;
  int content_per_minute = 80;
  int content_per_hour = 500;
  int concurrent = 100;
  int graphql_points_per_hour = 5000;
};

class github_emulator final : public emulator {
 public:
  // `rest_prefix` (e.g. "/api/v3"; empty for github.com's layout) serves the API the way GitHub
  // Enterprise Server does: REST under the prefix, GraphQL at /api/graphql.
  explicit github_emulator(sandbox_services services, std::string rest_prefix = {});

  std::string name() const override { return "github"; }
  boost::asio::awaitable<api_response> handle(api_request req) override;
  void load(const json::value& scenario) override;
  json::value act(const std::string& action, const json::object& args) override;
  json::value state() const override;
  json::value call_counts() const override;

 private:
  // github_emulator.cpp: the request pipeline.
  api_response answer(api_request& req);
  api_response primary_metered(api_call& call, time_point t);
  bool strip_rest_prefix(std::vector<std::string>& segments) const;
  std::optional<api_response> authenticate(api_call& call);
  api_response route(api_call& call);
  api_response limit_refusal(api_call& call, const primary_status& status);
  api_response secondary_refusal(api_call& call, std::int64_t retry_after_seconds);
  void add_rate_headers(api_response& res, const primary_status& status) const;
  int scaled(int budget) const;
  time_point now() const;

  // github_routes.cpp: routing, search, the App's installation endpoints and rate limits.
  api_response repo_route(api_call& call);
  api_response search_issues_route(api_call& call);
  // github_issue_routes.cpp
  api_response create_issue_route(api_call& call);
  api_response get_issue_route(api_call& call, gh_issue& issue);
  api_response update_issue_route(api_call& call, gh_issue& issue);
  api_response list_issues_route(api_call& call);
  // github_comment_routes.cpp
  api_response list_comments_route(api_call& call, gh_issue& issue);
  api_response create_comment_route(api_call& call, gh_issue& issue);
  api_response update_comment_route(api_call& call, std::int64_t comment_id);
  // github_label_routes.cpp
  api_response issue_labels_route(api_call& call, gh_issue& issue);
  api_response create_label_route(api_call& call);
  // github_pull_routes.cpp
  api_response create_pull_route(api_call& call);
  api_response update_pull_route(api_call& call, gh_issue& pull);
  api_response access_token_route(api_call& call, std::int64_t installation_id);
  api_response repo_installation_route(api_call& call);
  api_response rate_limit_route(api_call& call);
  api_response list_milestones_route(api_call& call);

  // github_git_data.cpp: the Git database (refs and commits) behind branches and pull requests.
  api_response git_route(api_call& call);
  api_response create_commit_route(api_call& call);
  api_response create_ref_route(api_call& call);
  void seed_git_history(gh_repo& repo);
  const gh_commit& add_commit(gh_repo& repo, const std::string& tree_sha,
                              const std::string& message, std::vector<std::string> parents,
                              const std::string& author);
  std::optional<std::string> branch_sha(const gh_repo& repo, const std::string& branch) const;
  bool is_ancestor(const gh_repo& repo, const std::string& ancestor,
                   const std::string& descendant) const;
  bool can_use_contents(const caller& who, bool write) const;
  bool can_write_pulls(const caller& who) const;
  api_response create_milestone_route(api_call& call);

  // github_graphql.cpp: POST /graphql over the projects model.
  api_response graphql_route(api_call& call);
  friend class graphql_run;
  // github_project_actions.cpp: scenario projects, person actions on projects, their state.
  void load_projects(const json::value& list);
  json::value project_act(const std::string& action, const json::object& args);
  json::array projects_state() const;
  gh_issue* issue_by_node_id(const std::string& id, gh_repo** repo = nullptr);
  bool is_content_creation(const api_call& call) const;

  // github_issue_changes.cpp: changes shared by the API and by people, and their webhooks.
  gh_issue& create_issue(gh_repo& repo, const std::string& author, const std::string& title,
                         std::optional<std::string> body, const issue_edit& extras,
                         std::optional<gh_pull_details> pull);
  void apply_edit(gh_repo& repo, gh_issue& issue, const issue_edit& edit, const std::string& actor);
  gh_label& ensure_label(gh_repo& repo, const std::string& name);
  bool has_push_access(const gh_repo& repo, const caller& who) const;
  void deliver_issue_event(const gh_repo& repo, const gh_issue& issue, const std::string& action,
                           const std::string& sender, json::object extra);
  void reindex(gh_issue& issue);

  // github_scenario.cpp: lookups and the scenario.
  gh_repo* find_repo(const std::string& full_name);
  gh_repo* find_repo_by_old_name(const std::string& full_name);
  gh_repo* find_repo_by_id(std::int64_t id);
  gh_user user(const std::string& login) const;
  const gh_installation* installation_for(const gh_repo& repo) const;
  bool installation_covers(const gh_installation& inst, const gh_repo& repo) const;
  render_context base_context() const;
  std::string bot_login() const;
  std::int64_t next_id() { return next_id_++; }
  void reset();
  void load_limits(const json::value& l);
  void load_accounts(const json::object& s);
  gh_repo load_repo(const json::value& e, std::int64_t& next_repo_id);
  gh_issue load_issue(gh_repo& repo, const json::value& ie);
  json::value issue_act(gh_repo& repo, gh_issue& issue, const std::string& action,
                        const json::object& args, const std::string& actor);
  json::value transfer_issue_act(gh_repo& repo, gh_issue& issue, const json::object& args,
                                 const std::string& actor);

  sandbox_services services_;
  std::string web_base_ = "https://github.com";
  bool web_base_fixed_ = false;  // by the scenario; else learnt from Host under a REST prefix
  std::string api_base_;         // fixed by the scenario, or learnt from the Host header (+ prefix)
  bool api_base_fixed_ = false;
  std::string rest_prefix_;                   // "/api/v3" under --github-prefix, else empty
  std::vector<std::string> prefix_segments_;  // {"api", "v3"}
  std::map<std::string, gh_user> users_;
  std::map<std::string, std::string> tokens_;  // personal token -> login
  std::optional<gh_app> app_;
  std::vector<gh_installation> installations_;
  std::map<std::string, gh_issued_token> issued_tokens_;
  std::vector<gh_repo> repos_;
  std::vector<gh_hook> hooks_;
  std::vector<gh_project> projects_;
  std::chrono::seconds search_lag_{0};
  std::chrono::seconds token_lifetime_{3600};
  emulator_limits limits_;
  rate_limits rate_;
  int in_flight_ = 0;
  std::int64_t next_id_ = 1000001;
  std::map<std::string, std::int64_t> call_counts_;
  std::vector<json::object> deliveries_;  // what was sent, for state()
};

}  // namespace ngsync::sandbox::github
