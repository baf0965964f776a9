// Renders emulator state as GitHub's JSON documents.
#include "tests/sandbox/src/github/github_render.hpp"

#include <cstdio>
#include <ctime>

namespace ngsync::sandbox::github {

namespace json = boost::json;

std::string iso8601(time_point at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<time_point> parse_iso8601(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6)
    return std::nullopt;
  std::size_t pos = static_cast<std::size_t>(used);
  std::chrono::milliseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int scale = 100;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      fraction += std::chrono::milliseconds((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
  }
  long offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z' && pos + 1 == text.size()) {
    } else if ((text[pos] == '+' || text[pos] == '-') && text.size() - pos == 6) {
      int oh = 0, om = 0;
      if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
      offset_seconds = (oh * 3600L + om * 60L) * (text[pos] == '+' ? 1 : -1);
    } else {
      return std::nullopt;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const std::time_t t = timegm(&tm) - offset_seconds;
  return std::chrono::system_clock::from_time_t(t) + fraction;
}

std::string node_id(const char* prefix, std::int64_t id) {
  // GitHub's ids are opaque base64 strings; a prefix plus the id in base 36 is as opaque.
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string tail;
  auto v = static_cast<std::uint64_t>(id);
  do {
    tail.insert(tail.begin(), digits[v % 36]);
    v /= 36;
  } while (v != 0);
  return std::string(prefix) + "_kwDO" + tail;
}

json::object render_user(const gh_user& user, const render_context& ctx) {
  const std::string api = ctx.api_base + "/users/" + user.login;
  json::object o;
  o["login"] = user.login;
  o["id"] = user.id;
  o["node_id"] = node_id(user.type == "Bot" ? "BOT" : "U", user.id);
  o["avatar_url"] = "https://avatars.githubusercontent.com/u/" + std::to_string(user.id) + "?v=4";
  o["gravatar_id"] = "";
  o["url"] = api;
  o["html_url"] = ctx.web_base + (user.type == "Bot" ? "/apps/" : "/") + user.login;
  o["followers_url"] = api + "/followers";
  o["following_url"] = api + "/following{/other_user}";
  o["gists_url"] = api + "/gists{/gist_id}";
  o["starred_url"] = api + "/starred{/owner}{/repo}";
  o["subscriptions_url"] = api + "/subscriptions";
  o["organizations_url"] = api + "/orgs";
  o["repos_url"] = api + "/repos";
  o["events_url"] = api + "/events{/privacy}";
  o["received_events_url"] = api + "/received_events";
  o["type"] = user.type;
  o["user_view_type"] = "public";
  o["site_admin"] = false;
  return o;
}

json::object render_label(const gh_repo& repo, const gh_label& label, const render_context& ctx) {
  json::object o;
  o["id"] = label.id;
  o["node_id"] = node_id("LA", label.id);
  o["url"] = ctx.api_base + "/repos/" + repo.full_name() + "/labels/" + label.name;
  o["name"] = label.name;
  o["color"] = label.color;
  o["default"] = label.is_default;
  o["description"] = label.description ? json::value(*label.description) : json::value(nullptr);
  return o;
}

json::object render_repository(const gh_repo& repo, const render_context& ctx) {
  const std::string api = ctx.api_base + "/repos/" + repo.full_name();
  const std::string web = ctx.web_base + "/" + repo.full_name();
  int open_issues = 0;
  for (const auto& [n, issue] : repo.issues)
    if (!issue.deleted && issue.state == "open") ++open_issues;
  json::object o;
  o["id"] = repo.id;
  o["node_id"] = node_id("R", repo.id);
  o["name"] = repo.name;
  o["full_name"] = repo.full_name();
  o["private"] = repo.is_private;
  o["owner"] = render_user(ctx.user(repo.owner), ctx);
  o["html_url"] = web;
  o["description"] = nullptr;
  o["fork"] = false;
  o["url"] = api;
  const char* templated[][2] = {
      {"forks_url", "/forks"},
      {"keys_url", "/keys{/key_id}"},
      {"collaborators_url", "/collaborators{/collaborator}"},
      {"teams_url", "/teams"},
      {"hooks_url", "/hooks"},
      {"issue_events_url", "/issues/events{/number}"},
      {"events_url", "/events"},
      {"assignees_url", "/assignees{/user}"},
      {"branches_url", "/branches{/branch}"},
      {"tags_url", "/tags"},
      {"blobs_url", "/git/blobs{/sha}"},
      {"git_tags_url", "/git/tags{/sha}"},
      {"git_refs_url", "/git/refs{/sha}"},
      {"trees_url", "/git/trees{/sha}"},
      {"statuses_url", "/statuses/{sha}"},
      {"languages_url", "/languages"},
      {"stargazers_url", "/stargazers"},
      {"contributors_url", "/contributors"},
      {"subscribers_url", "/subscribers"},
      {"subscription_url", "/subscription"},
      {"commits_url", "/commits{/sha}"},
      {"git_commits_url", "/git/commits{/sha}"},
      {"comments_url", "/comments{/number}"},
      {"issue_comment_url", "/issues/comments{/number}"},
      {"contents_url", "/contents/{+path}"},
      {"compare_url", "/compare/{base}...{head}"},
      {"merges_url", "/merges"},
      {"archive_url", "/{archive_format}{/ref}"},
      {"downloads_url", "/downloads"},
      {"issues_url", "/issues{/number}"},
      {"pulls_url", "/pulls{/number}"},
      {"milestones_url", "/milestones{/number}"},
      {"notifications_url", "/notifications{?since,all,participating}"},
      {"labels_url", "/labels{/name}"},
      {"releases_url", "/releases{/id}"},
      {"deployments_url", "/deployments"},
  };
  for (const auto& [key, suffix] : templated) o[key] = api + suffix;
  o["created_at"] = iso8601(repo.created_at);
  o["updated_at"] = iso8601(repo.created_at);
  o["pushed_at"] = iso8601(repo.created_at);
  const std::string host = ctx.web_base.substr(ctx.web_base.find("://") + 3);
  o["git_url"] = "git://" + host + "/" + repo.full_name() + ".git";
  o["ssh_url"] = "git@" + host + ":" + repo.full_name() + ".git";
  o["clone_url"] = web + ".git";
  o["svn_url"] = web;
  o["homepage"] = nullptr;
  o["size"] = 0;
  o["stargazers_count"] = 0;
  o["watchers_count"] = 0;
  o["language"] = nullptr;
  o["has_issues"] = repo.issues_enabled;
  o["has_projects"] = true;
  o["has_downloads"] = true;
  o["has_wiki"] = true;
  o["has_pages"] = false;
  o["has_discussions"] = false;
  o["forks_count"] = 0;
  o["mirror_url"] = nullptr;
  o["archived"] = false;
  o["disabled"] = false;
  o["open_issues_count"] = open_issues;
  o["license"] = nullptr;
  o["allow_forking"] = true;
  o["is_template"] = false;
  o["web_commit_signoff_required"] = false;
  o["topics"] = json::array();
  o["visibility"] = repo.is_private ? "private" : "public";
  o["forks"] = 0;
  o["open_issues"] = open_issues;
  o["watchers"] = 0;
  o["default_branch"] = repo.default_branch;
  o["custom_properties"] = json::object();
  return o;
}

json::value render_milestone(const gh_repo& repo, std::optional<int> number,
                             const render_context& ctx) {
  if (!number) return nullptr;
  const gh_milestone* found = nullptr;
  for (const auto& m : repo.milestones)
    if (m.number == *number) found = &m;
  if (!found) return nullptr;
  int open = 0, closed = 0;
  for (const auto& [n, issue] : repo.issues)
    if (!issue.deleted && issue.milestone == number) (issue.state == "open" ? open : closed)++;
  const std::string api =
      ctx.api_base + "/repos/" + repo.full_name() + "/milestones/" + std::to_string(*number);
  json::object o;
  o["url"] = api;
  o["html_url"] = ctx.web_base + "/" + repo.full_name() + "/milestone/" + std::to_string(*number);
  o["labels_url"] = api + "/labels";
  o["id"] = found->id;
  o["node_id"] = node_id("MI", found->id);
  o["number"] = found->number;
  o["title"] = found->title;
  o["description"] = found->description ? json::value(*found->description) : json::value(nullptr);
  o["creator"] = render_user(ctx.user(repo.owner), ctx);
  o["open_issues"] = open;
  o["closed_issues"] = closed;
  o["state"] = found->state;
  o["created_at"] = iso8601(found->created_at.value_or(repo.created_at));
  o["updated_at"] = iso8601(found->closed_at.value_or(found->created_at.value_or(repo.created_at)));
  o["due_on"] = found->due_on ? json::value(*found->due_on) : json::value(nullptr);
  o["closed_at"] =
      found->closed_at ? json::value(iso8601(*found->closed_at)) : json::value(nullptr);
  return o;
}

std::string author_association(const gh_repo& repo, const std::string& login) {
  if (login == repo.owner) return "OWNER";
  if (repo.collaborators.count(login)) return "COLLABORATOR";
  return "NONE";
}

static json::object reactions(const std::string& url) {
  json::object o;
  o["url"] = url + "/reactions";
  o["total_count"] = 0;
  for (const char* k : {"+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"})
    o[k] = 0;
  return o;
}

json::object render_app(const gh_app& app, const render_context& ctx) {
  // GET /app and an issue's performed_via_github_app share this shape (GitHub's "GitHub app").
  json::object o;
  o["id"] = app.id;
  o["slug"] = app.slug;
  o["node_id"] = node_id("A", app.id);
  o["client_id"] = app.client_id;
  o["owner"] = render_user(ctx.user(app.owner), ctx);
  o["name"] = app.name;
  o["description"] = "";
  o["external_url"] = ctx.web_base;
  o["html_url"] = ctx.web_base + "/apps/" + app.slug;
  o["created_at"] = "2024-01-01T00:00:00Z";
  o["updated_at"] = "2024-01-01T00:00:00Z";
  o["permissions"] = json::object{{"issues", "write"}, {"metadata", "read"}};
  o["events"] = json::array{"issues"};
  return o;
}

static json::value performed_via_app(const gh_user& author, const render_context& ctx) {
  const gh_app* app = ctx.app ? ctx.app() : nullptr;
  if (author.type != "Bot" || !app) return nullptr;
  return render_app(*app, ctx);
}

json::object render_issue(const gh_repo& repo, const gh_issue& issue, const render_context& ctx) {
  const std::string repo_api = ctx.api_base + "/repos/" + repo.full_name();
  const std::string api = repo_api + "/issues/" + std::to_string(issue.number);
  const gh_user author = ctx.user(issue.author);
  json::object o;
  o["url"] = api;
  o["repository_url"] = repo_api;
  o["labels_url"] = api + "/labels{/name}";
  o["comments_url"] = api + "/comments";
  o["events_url"] = api + "/events";
  o["html_url"] = ctx.web_base + "/" + repo.full_name() + (issue.pull ? "/pull/" : "/issues/") +
                  std::to_string(issue.number);
  o["id"] = issue.id;
  o["node_id"] = node_id(issue.pull ? "PR" : "I", issue.id);
  o["number"] = issue.number;
  o["title"] = issue.title;
  o["user"] = render_user(author, ctx);
  json::array labels;
  for (const auto& name : issue.labels)
    for (const auto& label : repo.labels)
      if (label.name == name) labels.push_back(render_label(repo, label, ctx));
  o["labels"] = std::move(labels);
  o["state"] = issue.state;
  o["locked"] = false;
  json::array assignees;
  for (const auto& login : issue.assignees) assignees.push_back(render_user(ctx.user(login), ctx));
  if (!ctx.omits_singular_assignee())
    o["assignee"] = assignees.empty() ? json::value(nullptr) : assignees.front();
  o["assignees"] = std::move(assignees);
  o["milestone"] = render_milestone(repo, issue.milestone, ctx);
  o["comments"] = issue.comments;
  o["created_at"] = iso8601(issue.created_at);
  o["updated_at"] = iso8601(issue.updated_at);
  o["closed_at"] = issue.closed_at ? json::value(iso8601(*issue.closed_at)) : json::value(nullptr);
  o["author_association"] = author_association(repo, issue.author);
  o["active_lock_reason"] = nullptr;
  if (issue.pull) {
    o["draft"] = issue.pull->draft;
    json::object pr;
    const std::string pull_api = repo_api + "/pulls/" + std::to_string(issue.number);
    pr["url"] = pull_api;
    const std::string html(o["html_url"].as_string());
    pr["html_url"] = html;
    pr["diff_url"] = html + ".diff";
    pr["patch_url"] = html + ".patch";
    pr["merged_at"] = nullptr;
    o["pull_request"] = std::move(pr);
  }
  o["body"] = issue.body ? json::value(*issue.body) : json::value(nullptr);
  o["closed_by"] = issue.closed_by ? json::value(render_user(ctx.user(*issue.closed_by), ctx))
                                   : json::value(nullptr);
  o["reactions"] = reactions(api);
  o["timeline_url"] = api + "/timeline";
  o["performed_via_github_app"] = performed_via_app(author, ctx);
  o["state_reason"] = issue.state_reason ? json::value(*issue.state_reason) : json::value(nullptr);
  return o;
}

json::object render_comment(const gh_repo& repo, const gh_comment& comment,
                            const render_context& ctx) {
  const std::string repo_api = ctx.api_base + "/repos/" + repo.full_name();
  const gh_user author = ctx.user(comment.author);
  json::object o;
  o["url"] = repo_api + "/issues/comments/" + std::to_string(comment.id);
  o["html_url"] = ctx.web_base + "/" + repo.full_name() + "/issues/" +
                  std::to_string(comment.issue_number) + "#issuecomment-" +
                  std::to_string(comment.id);
  o["issue_url"] = repo_api + "/issues/" + std::to_string(comment.issue_number);
  o["id"] = comment.id;
  o["node_id"] = node_id("IC", comment.id);
  o["user"] = render_user(author, ctx);
  o["created_at"] = iso8601(comment.created_at);
  o["updated_at"] = iso8601(comment.updated_at);
  o["author_association"] = author_association(repo, comment.author);
  o["body"] = comment.body;
  o["reactions"] = reactions(o["url"].as_string().c_str());
  o["performed_via_github_app"] = performed_via_app(author, ctx);
  return o;
}

static json::object branch_ref(const gh_repo& repo, const std::string& ref, const std::string& sha,
                               const render_context& ctx) {
  json::object o;
  o["label"] = repo.owner + ":" + ref;
  o["ref"] = ref;
  o["sha"] = sha;
  o["user"] = render_user(ctx.user(repo.owner), ctx);
  o["repo"] = render_repository(repo, ctx);
  return o;
}

json::object render_pull(const gh_repo& repo, const gh_issue& pull, const render_context& ctx) {
  const std::string repo_api = ctx.api_base + "/repos/" + repo.full_name();
  const std::string api = repo_api + "/pulls/" + std::to_string(pull.number);
  const std::string issue_api = repo_api + "/issues/" + std::to_string(pull.number);
  const std::string web =
      ctx.web_base + "/" + repo.full_name() + "/pull/" + std::to_string(pull.number);
  const gh_pull_details& details = *pull.pull;
  json::object o;
  o["url"] = api;
  o["id"] = pull.pull_id;
  o["node_id"] = node_id("PR", pull.pull_id);
  o["html_url"] = web;
  o["diff_url"] = web + ".diff";
  o["patch_url"] = web + ".patch";
  o["issue_url"] = issue_api;
  o["number"] = pull.number;
  o["state"] = pull.state;
  o["locked"] = false;
  o["title"] = pull.title;
  o["user"] = render_user(ctx.user(pull.author), ctx);
  o["body"] = pull.body ? json::value(*pull.body) : json::value(nullptr);
  o["created_at"] = iso8601(pull.created_at);
  o["updated_at"] = iso8601(pull.updated_at);
  o["closed_at"] = pull.closed_at ? json::value(iso8601(*pull.closed_at)) : json::value(nullptr);
  o["merged_at"] = nullptr;
  if (!ctx.omits_singular_assignee()) o["merge_commit_sha"] = nullptr;
  json::array assignees;
  for (const auto& login : pull.assignees) assignees.push_back(render_user(ctx.user(login), ctx));
  if (!ctx.omits_singular_assignee())
    o["assignee"] = assignees.empty() ? json::value(nullptr) : assignees.front();
  o["assignees"] = std::move(assignees);
  o["requested_reviewers"] = json::array();
  o["requested_teams"] = json::array();
  json::array labels;
  for (const auto& name : pull.labels)
    for (const auto& label : repo.labels)
      if (label.name == name) labels.push_back(render_label(repo, label, ctx));
  o["labels"] = std::move(labels);
  o["milestone"] = render_milestone(repo, pull.milestone, ctx);
  o["draft"] = details.draft;
  o["commits_url"] = api + "/commits";
  o["review_comments_url"] = api + "/comments";
  o["review_comment_url"] = repo_api + "/pulls/comments{/number}";
  o["comments_url"] = issue_api + "/comments";
  o["statuses_url"] = repo_api + "/statuses/" + details.head_sha;
  o["head"] = branch_ref(repo, details.head, details.head_sha, ctx);
  o["base"] = branch_ref(repo, details.base, details.base_sha, ctx);
  auto link = [](const std::string& href) { return json::object{{"href", href}}; };
  o["_links"] = json::object{
      {"self", link(api)},
      {"html", link(web)},
      {"issue", link(issue_api)},
      {"comments", link(issue_api + "/comments")},
      {"review_comments", link(api + "/comments")},
      {"review_comment", link(repo_api + "/pulls/comments{/number}")},
      {"commits", link(api + "/commits")},
      {"statuses", link(repo_api + "/statuses/" + details.head_sha)},
  };
  o["author_association"] = author_association(repo, pull.author);
  o["auto_merge"] = nullptr;
  o["active_lock_reason"] = nullptr;
  o["merged"] = false;
  o["mergeable"] = nullptr;
  o["rebaseable"] = nullptr;
  o["mergeable_state"] = "unknown";
  o["merged_by"] = nullptr;
  o["comments"] = pull.comments;
  o["review_comments"] = 0;
  o["maintainer_can_modify"] = false;
  o["commits"] = 1;
  o["additions"] = 0;
  o["deletions"] = 0;
  o["changed_files"] = 0;
  return o;
}

json::object render_installation(const gh_app& app, const gh_installation& inst,
                                 const render_context& ctx) {
  const gh_user account = ctx.user(inst.account);
  json::object o;
  o["id"] = inst.id;
  o["client_id"] = app.client_id;
  o["account"] = render_user(account, ctx);
  o["repository_selection"] = inst.repository_selection;
  o["access_tokens_url"] =
      ctx.api_base + "/app/installations/" + std::to_string(inst.id) + "/access_tokens";
  o["repositories_url"] = ctx.api_base + "/installation/repositories";
  o["html_url"] = ctx.web_base + "/settings/installations/" + std::to_string(inst.id);
  o["app_id"] = app.id;
  o["app_slug"] = app.slug;
  o["target_id"] = account.id;
  o["target_type"] = account.type == "Organization" ? "Organization" : "User";
  json::object permissions;
  for (const auto& [k, v] : inst.permissions) permissions[k] = v;
  o["permissions"] = std::move(permissions);
  json::array events;
  for (const auto& e : inst.events) events.push_back(json::value(e));
  o["events"] = std::move(events);
  o["created_at"] = "2024-01-01T00:00:00Z";
  o["updated_at"] = "2024-01-01T00:00:00Z";
  o["single_file_name"] = nullptr;
  o["has_multiple_single_files"] = false;
  o["single_file_paths"] = json::array();
  o["suspended_by"] = nullptr;
  o["suspended_at"] = nullptr;
  return o;
}

}  // namespace ngsync::sandbox::github
