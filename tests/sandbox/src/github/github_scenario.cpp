// The GitHub emulator's scenario loading, person actions, state report and lookups.
#include <stdexcept>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"

namespace ngsync::sandbox::github {

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument("github: " + what);
}

const json::object& as_object(const json::value& v, const std::string& where) {
  if (!v.is_object()) bad(where + " must be an object");
  return v.as_object();
}

std::string get_string(const json::object& o, const char* key, const std::string& where,
                       std::optional<std::string> fallback = std::nullopt) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (fallback) return *fallback;
    bad(where + "." + key + " is required");
  }
  if (!v->is_string()) bad(where + "." + key + " must be a string");
  return std::string(v->as_string());
}

std::int64_t get_int(const json::object& o, const char* key, const std::string& where,
                     std::optional<std::int64_t> fallback = std::nullopt) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (fallback) return *fallback;
    bad(where + "." + key + " is required");
  }
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  bad(where + "." + key + " must be an integer");
}

bool get_bool(const json::object& o, const char* key, bool fallback) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() ? v->as_bool() : fallback;
}

std::vector<std::string> get_strings(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (const json::value* v = o.if_contains(key); v && v->is_array())
    for (const auto& e : v->as_array())
      if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

void check_keys(const json::object& o, std::initializer_list<const char*> allowed,
                const std::string& where) {
  for (const auto& [k, v] : o) {
    bool known = false;
    for (const char* a : allowed) known = known || k == a;
    if (!known) bad("unknown key " + where + "." + std::string(k));
  }
}

std::pair<std::string, std::string> split_full_name(const std::string& full) {
  const auto slash = full.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == full.size())
    bad("repository name must be owner/name: " + full);
  return {full.substr(0, slash), full.substr(slash + 1)};
}

}  // namespace

render_context github_emulator::base_context() const {
  render_context ctx;
  ctx.api_base = api_base_.empty() ? "https://api.github.com" : api_base_;
  ctx.web_base = web_base_;
  ctx.user = [this](const std::string& login) { return user(login); };
  ctx.app = [this]() -> const gh_app* { return app_ ? &*app_ : nullptr; };
  return ctx;
}

std::string github_emulator::bot_login() const {
  return app_ ? app_->slug + "[bot]" : "app[bot]";
}

gh_user github_emulator::user(const std::string& login) const {
  if (auto it = users_.find(login); it != users_.end()) return it->second;
  if (app_ && login == bot_login()) return gh_user{login, app_->bot_user_id, "Bot"};
  // Unknown logins get an invented id that stays the same across runs.
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : login) h = (h ^ c) * 1099511628211ULL;
  return gh_user{login, static_cast<std::int64_t>(50000000 + h % 10000000), "User"};
}

gh_repo* github_emulator::find_repo(const std::string& full_name) {
  for (auto& r : repos_)
    if (r.full_name() == full_name) return &r;
  return nullptr;
}

gh_repo* github_emulator::find_repo_by_old_name(const std::string& full_name) {
  for (auto& r : repos_)
    for (const auto& old : r.old_full_names)
      if (old == full_name) return &r;
  return nullptr;
}

gh_repo* github_emulator::find_repo_by_id(std::int64_t id) {
  for (auto& r : repos_)
    if (r.id == id) return &r;
  return nullptr;
}

bool github_emulator::installation_covers(const gh_installation& inst, const gh_repo& repo) const {
  if (inst.repository_selection == "all") return inst.account == repo.owner;
  for (const auto& name : inst.repositories)
    if (name == repo.full_name()) return true;
  return false;
}

const gh_installation* github_emulator::installation_for(const gh_repo& repo) const {
  for (const auto& inst : installations_)
    if (installation_covers(inst, repo)) return &inst;
  return nullptr;
}

// Everything a scenario can set goes back to its default, so a load replaces the whole world.
void github_emulator::reset() {
  web_base_ = "https://github.com";
  web_base_fixed_ = false;
  api_base_.clear();
  api_base_fixed_ = false;
  users_.clear();
  tokens_.clear();
  app_.reset();
  installations_.clear();
  issued_tokens_.clear();
  repos_.clear();
  hooks_.clear();
  search_lag_ = std::chrono::seconds(0);
  token_lifetime_ = std::chrono::seconds(3600);
  limits_ = emulator_limits{};
  rate_.clear();
  next_id_ = 1000001;
  call_counts_.clear();
  deliveries_.clear();
  projects_.clear();
}

void github_emulator::load_limits(const json::value& l) {
  const json::object& o = as_object(l, "github.limits");
  check_keys(o,
             {"primary_per_hour", "search_per_minute", "content_per_minute", "content_per_hour",
              "concurrent", "graphql_points_per_hour"},
             "github.limits");
  limits_.primary_per_hour = static_cast<int>(get_int(o, "primary_per_hour", "limits", 5000));
  limits_.search_per_minute = static_cast<int>(get_int(o, "search_per_minute", "limits", 30));
  limits_.content_per_minute = static_cast<int>(get_int(o, "content_per_minute", "limits", 80));
  limits_.content_per_hour = static_cast<int>(get_int(o, "content_per_hour", "limits", 500));
  limits_.concurrent = static_cast<int>(get_int(o, "concurrent", "limits", 100));
  limits_.graphql_points_per_hour =
      static_cast<int>(get_int(o, "graphql_points_per_hour", "limits", 5000));
}

// Who can call: users, personal tokens, the GitHub App and its installations.
void github_emulator::load_accounts(const json::object& s) {
  if (const json::value* v = s.if_contains("users"); v && v->is_array())
    for (const auto& e : v->as_array()) {
      const json::object& o = as_object(e, "github.users[]");
      gh_user u;
      u.login = get_string(o, "login", "users[]");
      u.id = get_int(o, "id", "users[]", user(u.login).id);
      u.type = get_string(o, "type", "users[]", std::string("User"));
      users_[u.login] = u;
    }
  if (const json::value* v = s.if_contains("tokens"); v && v->is_array())
    for (const auto& e : v->as_array()) {
      const json::object& o = as_object(e, "github.tokens[]");
      tokens_[get_string(o, "token", "tokens[]")] = get_string(o, "login", "tokens[]");
    }
  if (const json::value* v = s.if_contains("app"); v && !v->is_null()) {
    const json::object& o = as_object(*v, "github.app");
    gh_app app;
    app.id = get_int(o, "id", "app");
    app.client_id = get_string(o, "client_id", "app", "Iv1." + std::to_string(app.id));
    app.slug = get_string(o, "slug", "app");
    app.name = get_string(o, "name", "app", app.slug);
    app.public_key_pem = get_string(o, "public_key_pem", "app");
    app.bot_user_id = get_int(o, "bot_user_id", "app", 40000000 + app.id);
    app.owner = get_string(o, "owner", "app", std::string("octo-org"));
    app_ = app;
  }
  if (const json::value* v = s.if_contains("installations"); v && v->is_array())
    for (const auto& e : v->as_array()) {
      const json::object& o = as_object(e, "github.installations[]");
      gh_installation inst;
      inst.id = get_int(o, "id", "installations[]");
      inst.account = get_string(o, "account", "installations[]");
      inst.repositories = get_strings(o, "repositories");
      inst.repository_selection =
          get_string(o, "repository_selection", "installations[]",
                     std::string(inst.repositories.empty() ? "all" : "selected"));
      inst.permissions = {{"issues", "write"}, {"metadata", "read"}, {"pull_requests", "write"}};
      if (const json::value* p = o.if_contains("permissions"); p && p->is_object()) {
        inst.permissions.clear();
        for (const auto& [k, pv] : p->as_object())
          if (pv.is_string()) inst.permissions[k] = std::string(pv.as_string());
      }
      inst.events = o.contains("events") ? get_strings(o, "events")
                                         : std::vector<std::string>{"issues", "issue_comment"};
      installations_.push_back(inst);
    }
}

gh_issue github_emulator::load_issue(gh_repo& repo, const json::value& ie) {
  const json::object& io = as_object(ie, "repos[].issues[]");
  gh_issue issue;
  issue.id = next_id();
  issue.number = static_cast<int>(get_int(io, "number", "issues[]", repo.next_number));
  repo.next_number = std::max(repo.next_number, issue.number + 1);
  issue.title = get_string(io, "title", "issues[]");
  if (io.contains("body") && !io.at("body").is_null())
    issue.body = get_string(io, "body", "issues[]");
  issue.author = get_string(io, "user", "issues[]", repo.owner);
  issue.state = get_string(io, "state", "issues[]", std::string("open"));
  if (io.contains("state_reason")) issue.state_reason = get_string(io, "state_reason", "issues[]");
  issue.labels = get_strings(io, "labels");
  for (const auto& l : issue.labels) ensure_label(repo, l);
  issue.assignees = get_strings(io, "assignees");
  auto time_of = [&](const char* key, time_point fallback) -> time_point {
    if (!io.contains(key)) return fallback;
    auto t = parse_iso8601(get_string(io, key, "issues[]"));
    if (!t) bad(std::string("issues[].") + key + " is not an ISO 8601 time");
    return std::chrono::time_point_cast<std::chrono::seconds>(*t);
  };
  issue.created_at = time_of("created_at", now());
  issue.updated_at = time_of("updated_at", issue.created_at);
  if (issue.state == "closed") {
    issue.closed_at = time_of("closed_at", issue.updated_at);
    issue.closed_by = issue.author;
    if (!issue.state_reason) issue.state_reason = "completed";
  }
  if (const json::value* pr = io.if_contains("pull_request"); pr && pr->is_object()) {
    gh_pull_details d;
    d.head = get_string(pr->as_object(), "head", "pull_request", std::string("feature"));
    d.base = get_string(pr->as_object(), "base", "pull_request", repo.default_branch);
    d.draft = get_bool(pr->as_object(), "draft", false);
    d.head_sha = std::string(40, 'a');
    d.base_sha = std::string(40, 'b');
    issue.pull = d;
    issue.pull_id = next_id();
  }
  issue.index_versions.push_back(
      gh_index_version{issue.created_at, issue.title, issue.body.value_or(""), issue.state});
  return issue;
}

gh_repo github_emulator::load_repo(const json::value& e, std::int64_t& next_repo_id) {
  const json::object& o = as_object(e, "github.repos[]");
  gh_repo repo;
  std::tie(repo.owner, repo.name) = split_full_name(get_string(o, "full_name", "repos[]"));
  repo.id = get_int(o, "id", "repos[]", next_repo_id++);
  repo.issues_enabled = get_bool(o, "issues_enabled", true);
  repo.is_private = get_bool(o, "private", true);
  repo.default_branch = get_string(o, "default_branch", "repos[]", std::string("main"));
  repo.draft_pull_requests = get_bool(o, "draft_pull_requests", true);
  repo.old_full_names = get_strings(o, "renamed_from");
  for (const auto& c : get_strings(o, "collaborators")) repo.collaborators.insert(c);
  repo.created_at = now() - std::chrono::hours(24 * 365);
  if (const json::value* ls = o.if_contains("labels"); ls && ls->is_array())
    for (const auto& le : ls->as_array()) {
      if (le.is_string()) {
        ensure_label(repo, std::string(le.as_string()));
      } else {
        const json::object& lo = as_object(le, "repos[].labels[]");
        gh_label& label = ensure_label(repo, get_string(lo, "name", "labels[]"));
        label.color = get_string(lo, "color", "labels[]", label.color);
        if (lo.contains("description"))
          label.description = get_string(lo, "description", "labels[]");
      }
    }
  if (const json::value* ms = o.if_contains("milestones"); ms && ms->is_array())
    for (const auto& me : ms->as_array()) {
      const json::object& mo = as_object(me, "repos[].milestones[]");
      gh_milestone m{next_id(), static_cast<int>(get_int(mo, "number", "milestones[]")),
                     get_string(mo, "title", "milestones[]"),
                     get_string(mo, "state", "milestones[]", std::string("open"))};
      if (mo.contains("description")) m.description = get_string(mo, "description", "milestones[]");
      if (mo.contains("due_on")) m.due_on = get_string(mo, "due_on", "milestones[]");
      repo.milestones.push_back(std::move(m));
    }
  if (const json::value* is = o.if_contains("issues"); is && is->is_array())
    for (const auto& ie : is->as_array()) {
      gh_issue issue = load_issue(repo, ie);
      repo.issues[issue.number] = std::move(issue);
    }
  seed_git_history(repo);
  return repo;
}

void github_emulator::load(const json::value& scenario) {
  reset();
  if (scenario.is_null()) return;
  const json::object& s = as_object(scenario, "github");
  check_keys(s,
             {"web_base", "api_base", "users", "tokens", "app", "installations", "repos", "hooks",
              "search_lag_seconds", "token_lifetime_seconds", "limits", "projects"},
             "github");
  web_base_fixed_ = s.contains("web_base");
  web_base_ = get_string(s, "web_base", "github", web_base_);
  while (!web_base_.empty() && web_base_.back() == '/') web_base_.pop_back();
  if (s.contains("api_base")) {
    api_base_ = get_string(s, "api_base", "github");
    while (!api_base_.empty() && api_base_.back() == '/') api_base_.pop_back();
    api_base_fixed_ = true;
  }
  search_lag_ = std::chrono::seconds(get_int(s, "search_lag_seconds", "github", 0));
  token_lifetime_ = std::chrono::seconds(get_int(s, "token_lifetime_seconds", "github", 3600));
  if (const json::value* l = s.if_contains("limits")) load_limits(*l);
  load_accounts(s);
  if (const json::value* v = s.if_contains("repos"); v && v->is_array()) {
    std::int64_t next_repo_id = 700000001;
    for (const auto& e : v->as_array()) repos_.push_back(load_repo(e, next_repo_id));
  }
  if (const json::value* v = s.if_contains("hooks"); v && v->is_array())
    for (const auto& e : v->as_array()) {
      const json::object& o = as_object(e, "github.hooks[]");
      gh_hook hook;
      hook.id = get_int(o, "id", "hooks[]", next_id());
      hook.url = get_string(o, "url", "hooks[]");
      hook.secret = get_string(o, "secret", "hooks[]", std::string());
      hook.events =
          o.contains("events") ? get_strings(o, "events") : std::vector<std::string>{"issues"};
      if (o.contains("repo")) hook.repo = get_string(o, "repo", "hooks[]");
      if (o.contains("installation_id"))
        hook.installation_id = get_int(o, "installation_id", "hooks[]");
      hooks_.push_back(hook);
    }
  if (const json::value* v = s.if_contains("projects")) load_projects(*v);
}

json::value github_emulator::transfer_issue_act(gh_repo& repo, gh_issue& issue,
                                                const json::object& args,
                                                const std::string& actor) {
  // Moves the issue to `new_repo` under that repository's next number; the old number then
  // redirects (301 for GET, 307 otherwise) and drops out of lists and search.
  gh_repo* target = find_repo(get_string(args, "new_repo", "transfer_issue"));
  if (!target || target == &repo) bad("transfer_issue: unknown or same new_repo");
  gh_issue moved = issue;
  moved.number = target->next_number++;
  moved.updated_at = now();
  issue.transferred_to = std::make_pair(target->id, moved.number);
  issue.deleted = true;
  const int number = moved.number;
  target->issues[number] = std::move(moved);
  // The old repository's hooks hear `transferred`, with where the issue went in `changes`.
  if (!issue.pull) {
    const render_context hook_ctx = base_context();
    deliver_issue_event(
        repo, issue, "transferred", actor,
        json::object{
            {"changes",
             json::object{{"new_issue", render_issue(*target, target->issues[number], hook_ctx)},
                          {"new_repository", render_repository(*target, hook_ctx)}}}});
  }
  return render_issue(*target, target->issues[number], base_context());
}

// A person's action on one issue: an edit through the same path as the API's, a comment, a
// transfer or a deletion.
json::value github_emulator::issue_act(gh_repo& repo, gh_issue& issue, const std::string& action,
                                       const json::object& args, const std::string& actor) {
  const render_context ctx = base_context();
  issue_edit edit;
  if (action == "close_issue") {
    edit.state = "closed";
    edit.state_reason = get_string(args, "reason", action, std::string("completed"));
  } else if (action == "reopen_issue") {
    edit.state = "open";
  } else if (action == "edit_issue") {
    if (args.contains("title")) edit.title = get_string(args, "title", action);
    if (args.contains("body"))
      edit.body = args.at("body").is_null()
                      ? std::optional<std::string>()
                      : std::optional<std::string>(get_string(args, "body", action));
    if (args.contains("labels")) edit.labels = get_strings(args, "labels");
    if (args.contains("assignees")) edit.assignees = get_strings(args, "assignees");
    if (args.contains("state")) edit.state = get_string(args, "state", action);
    if (args.contains("state_reason")) edit.state_reason = get_string(args, "state_reason", action);
  } else if (action == "add_label" || action == "remove_label") {
    const std::string label = get_string(args, "label", action);
    std::vector<std::string> labels = issue.labels;
    labels.erase(std::remove(labels.begin(), labels.end(), label), labels.end());
    if (action == "add_label") labels.push_back(label);
    edit.labels = labels;
  } else if (action == "add_comment") {
    const time_point t = now();
    gh_comment comment{next_id(), issue.number, get_string(args, "body", action), actor, t, t};
    repo.comments.push_back(comment);
    ++issue.comments;
    issue.updated_at = t;
    return render_comment(repo, comment, ctx);
  } else if (action == "transfer_issue") {
    return transfer_issue_act(repo, issue, args, actor);
  } else if (action == "delete_issue") {
    issue.deleted = true;
    if (!issue.pull) deliver_issue_event(repo, issue, "deleted", actor, {});
    return json::object{{"deleted", issue.number}};
  } else {
    bad("unknown action " + action);
  }
  apply_edit(repo, issue, edit, actor);
  return render_issue(repo, issue, ctx);
}

json::value github_emulator::act(const std::string& action, const json::object& args) {
  if (action == "set_search_lag") {
    search_lag_ = std::chrono::seconds(get_int(args, "seconds", action));
    return json::object{{"search_lag_seconds", search_lag_.count()}};
  }
  if (action == "set_token_expiry") {
    // Moves the expiry of one issued installation token (or all of them) relative to now.
    const auto in = std::chrono::seconds(get_int(args, "expires_in_seconds", action, 0));
    const std::string token = get_string(args, "token", action, std::string());
    int changed = 0;
    for (auto& [t, issued] : issued_tokens_)
      if (token.empty() || t == token) {
        issued.expires_at = now() + in;
        ++changed;
      }
    if (!token.empty() && changed == 0) bad("set_token_expiry: unknown token");
    return json::object{{"tokens", changed}};
  }
  if (action == "rename_project_option" || action == "delete_project_option" ||
      action == "add_project_option")
    return project_act(action, args);
  const std::string repo_name = get_string(args, "repo", action);
  gh_repo* repo = find_repo(repo_name);
  if (!repo) bad(action + ": unknown repository " + repo_name);
  const std::string actor = get_string(args, "as", action, repo->owner);

  if (action == "rename_repo") {
    std::string next = get_string(args, "new_name", action);
    if (next.find('/') == std::string::npos) next = repo->owner + "/" + next;
    if (find_repo(next)) bad("rename_repo: " + next + " exists");
    repo->old_full_names.push_back(repo->full_name());
    std::tie(repo->owner, repo->name) = split_full_name(next);
    return json::object{{"full_name", repo->full_name()}, {"id", repo->id}};
  }
  if (action == "set_issues_enabled") {
    repo->issues_enabled = get_bool(args, "enabled", true);
    return json::object{{"issues_enabled", repo->issues_enabled}};
  }
  if (action == "add_collaborator") {
    repo->collaborators.insert(get_string(args, "login", action));
    return json::object{{"collaborators", repo->collaborators.size()}};
  }
  if (action == "create_issue") {
    issue_edit extras;
    if (args.contains("labels")) extras.labels = get_strings(args, "labels");
    if (args.contains("assignees")) extras.assignees = get_strings(args, "assignees");
    std::optional<std::string> body;
    if (args.contains("body")) body = get_string(args, "body", action);
    gh_issue& issue =
        create_issue(*repo, actor, get_string(args, "title", action), body, extras, std::nullopt);
    return render_issue(*repo, issue, base_context());
  }

  const auto number = static_cast<int>(get_int(args, "number", action));
  auto it = repo->issues.find(number);
  if (it == repo->issues.end() || it->second.deleted)
    bad(action + ": no issue #" + std::to_string(number) + " in " + repo_name);
  gh_issue& issue = it->second;
  return issue_act(*repo, issue, action, args, actor);
}

json::value github_emulator::state() const {
  const render_context ctx = base_context();
  json::array repos;
  for (const auto& repo : repos_) {
    json::array issues, pulls, comments, deleted, labels, old_names;
    for (const auto& [n, issue] : repo.issues) {
      if (issue.deleted) {
        deleted.push_back(n);
        continue;
      }
      issues.push_back(render_issue(repo, issue, ctx));
      if (issue.pull) pulls.push_back(render_pull(repo, issue, ctx));
    }
    for (const auto& c : repo.comments) comments.push_back(render_comment(repo, c, ctx));
    for (const auto& l : repo.labels) labels.push_back(json::value(l.name));
    for (const auto& o : repo.old_full_names) old_names.push_back(json::value(o));
    json::array branches;  // each with the parents of its commit, to check what a branch holds
    for (const auto& [ref, sha] : repo.refs) {
      if (ref.rfind("refs/heads/", 0) != 0) continue;
      json::array parents;
      if (auto c = repo.commits.find(sha); c != repo.commits.end())
        for (const auto& p : c->second.parents) parents.push_back(json::value(p));
      branches.push_back(
          json::object{{"name", ref.substr(11)}, {"sha", sha}, {"parents", std::move(parents)}});
    }
    repos.push_back(json::object{{"full_name", repo.full_name()},
                                 {"id", repo.id},
                                 {"renamed_from", std::move(old_names)},
                                 {"issues_enabled", repo.issues_enabled},
                                 {"labels", std::move(labels)},
                                 {"issues", std::move(issues)},
                                 {"pulls", std::move(pulls)},
                                 {"branches", std::move(branches)},
                                 {"comments", std::move(comments)},
                                 {"deleted_issues", std::move(deleted)}});
  }
  json::array tokens;
  for (const auto& [t, issued] : issued_tokens_)
    tokens.push_back(json::object{{"installation_id", issued.installation_id},
                                  {"expires_at", iso8601(issued.expires_at)}});
  json::array deliveries;
  for (const auto& d : deliveries_) deliveries.push_back(d);
  return json::object{{"repos", std::move(repos)},
                      {"installation_tokens", std::move(tokens)},
                      {"webhook_deliveries", std::move(deliveries)},
                      {"search_lag_seconds", search_lag_.count()},
                      {"projects", projects_state()}};
}

json::value github_emulator::call_counts() const {
  json::object o;
  for (const auto& [k, v] : call_counts_) o[k] = v;
  return o;
}

}  // namespace ngsync::sandbox::github
