// The GitHub emulator's Git database endpoints: read a reference, read and create a commit, and
// create a reference. Branches are references under refs/heads/; a draft pull request needs its
// head branch to exist and to hold a commit its base does not have, as on GitHub.
// Shapes and errors follow GitHub's REST reference (docs.github.com/rest/git/refs and
// /rest/git/commits).
#include <algorithm>
#include <set>

#include "tests/sandbox/src/github/github_crypto.hpp"
#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"
#include "tests/sandbox/src/github/github_route_helpers.hpp"

namespace ngsync::sandbox::github {

namespace {

const char* const docs_get_ref = "https://docs.github.com/rest/git/refs#get-a-reference";
const char* const docs_create_ref = "https://docs.github.com/rest/git/refs#create-a-reference";
const char* const docs_get_commit = "https://docs.github.com/rest/git/commits#get-a-commit-object";
const char* const docs_create_commit = "https://docs.github.com/rest/git/commits#create-a-commit";

bool is_sha(const std::string& s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string joined(const std::vector<std::string>& parts, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : "/") + parts[i];
  return out;
}

json::object render_ref(const gh_repo& repo, const std::string& ref, const std::string& sha,
                        const render_context& ctx) {
  const std::string repo_api = ctx.api_base + "/repos/" + repo.full_name();
  json::object o;
  o["ref"] = ref;
  o["node_id"] = "REF_" + sha256_hex(repo.full_name() + ref).substr(0, 20);
  o["url"] = repo_api + "/git/" + ref;
  o["object"] = json::object{
      {"sha", sha}, {"type", "commit"}, {"url", repo_api + "/git/commits/" + sha}};
  return o;
}

json::object render_commit(const gh_repo& repo, const gh_commit& c, const render_context& ctx) {
  const std::string repo_api = ctx.api_base + "/repos/" + repo.full_name();
  const std::string web = ctx.web_base + "/" + repo.full_name() + "/commit/";
  json::object person{{"name", c.author_name}, {"email", c.author_email}, {"date", iso8601(c.date)}};
  json::array parents;
  for (const auto& p : c.parents)
    parents.push_back(
        json::object{{"sha", p}, {"url", repo_api + "/git/commits/" + p}, {"html_url", web + p}});
  json::object o;
  o["sha"] = c.sha;
  o["node_id"] = "C_" + c.sha.substr(0, 20);
  o["url"] = repo_api + "/git/commits/" + c.sha;
  o["html_url"] = web + c.sha;
  o["author"] = person;
  o["committer"] = person;
  o["tree"] = json::object{{"sha", c.tree_sha}, {"url", repo_api + "/git/trees/" + c.tree_sha}};
  o["message"] = c.message;
  o["parents"] = std::move(parents);
  o["verification"] = json::object{{"verified", false},
                                   {"reason", "unsigned"},
                                   {"signature", nullptr},
                                   {"payload", nullptr},
                                   {"verified_at", nullptr}};
  return o;
}

// GitHub's schema check answer for a required key that is absent.
api_response not_supplied(const std::string& key, const std::string& docs) {
  return github_error(http::status::unprocessable_entity,
                      "Invalid request.\n\n\"" + key + "\" wasn't supplied.", docs);
}

}  // namespace

const gh_commit& github_emulator::add_commit(gh_repo& repo, const std::string& tree_sha,
                                             const std::string& message,
                                             std::vector<std::string> parents,
                                             const std::string& author) {
  gh_commit c;
  c.tree_sha = tree_sha;
  c.message = message;
  c.parents = std::move(parents);
  c.author_name = author;
  c.author_email = author + "@users.noreply.github.com";
  c.date = now();
  std::string content = repo.full_name() + "\n" + tree_sha + "\n" + message + "\n" +
                        std::to_string(next_id());
  for (const auto& p : c.parents) content += "\n" + p;
  c.sha = sha256_hex(content).substr(0, 40);
  return repo.commits[c.sha] = std::move(c);
}

// Every repository starts with its default branch on one root commit; scenario pull requests
// get a head branch one commit ahead of their base.
void github_emulator::seed_git_history(gh_repo& repo) {
  const std::string base_ref = "refs/heads/" + repo.default_branch;
  if (!repo.refs.count(base_ref)) {
    const std::string tree = sha256_hex("tree:" + repo.full_name()).substr(0, 40);
    repo.refs[base_ref] = add_commit(repo, tree, "Initial commit", {}, repo.owner).sha;
  }
  for (auto& [n, issue] : repo.issues) {
    if (!issue.pull) continue;
    auto& d = *issue.pull;
    const std::string base = "refs/heads/" + d.base, head = "refs/heads/" + d.head;
    if (!repo.refs.count(base)) repo.refs[base] = repo.refs.at(base_ref);
    if (!repo.refs.count(head)) {
      const gh_commit& parent = repo.commits.at(repo.refs.at(base));
      repo.refs[head] =
          add_commit(repo, parent.tree_sha, "Work on #" + std::to_string(n), {parent.sha},
                     issue.author)
              .sha;
    }
    d.base_sha = repo.refs.at(base);
    d.head_sha = repo.refs.at(head);
  }
}

std::optional<std::string> github_emulator::branch_sha(const gh_repo& repo,
                                                       const std::string& branch) const {
  auto it = repo.refs.find("refs/heads/" + branch);
  if (it == repo.refs.end()) return std::nullopt;
  return it->second;
}

bool github_emulator::is_ancestor(const gh_repo& repo, const std::string& ancestor,
                                  const std::string& descendant) const {
  std::vector<std::string> todo{descendant};
  std::set<std::string> seen;
  while (!todo.empty()) {
    std::string sha = todo.back();
    todo.pop_back();
    if (sha == ancestor) return true;
    if (!seen.insert(sha).second) continue;
    auto it = repo.commits.find(sha);
    if (it != repo.commits.end())
      for (const auto& p : it->second.parents) todo.push_back(p);
  }
  return false;
}

// An App installation needs the Contents permission (read, or write to change refs and
// commits); a personal token needs push access to write.
bool github_emulator::can_use_contents(const caller& who, bool write) const {
  if (who.what != caller::kind::installation) return true;
  for (const auto& i : installations_)
    if (i.id == who.installation_id) {
      auto p = i.permissions.find("contents");
      if (p == i.permissions.end()) return false;
      return p->second == "write" || (!write && p->second == "read");
    }
  return false;
}

bool github_emulator::can_write_pulls(const caller& who) const {
  if (who.what != caller::kind::installation) return true;
  for (const auto& i : installations_)
    if (i.id == who.installation_id) {
      auto p = i.permissions.find("pull_requests");
      return p != i.permissions.end() && p->second == "write";
    }
  return false;
}

api_response github_emulator::git_route(api_call& call) {
  gh_repo& repo = *call.repo;
  const auto& rest = call.rest;  // "git", ...
  const bool write = call.method != "GET";
  if (!can_use_contents(call.who, write))
    return github_error(http::status::forbidden, "Resource not accessible by integration",
                        write ? docs_create_ref : docs_get_ref);
  if (write && call.who.what == caller::kind::user && !has_push_access(repo, call.who))
    return github_error(http::status::not_found, "Not Found", docs_rest);
  // GET /git/ref/{ref}: one reference, "heads/<branch>" (the branch name may contain slashes).
  if (rest.size() >= 3 && rest[1] == "ref" && call.method == "GET") {
    const std::string ref = "refs/" + joined(rest, 2);
    auto it = repo.refs.find(ref);
    if (it == repo.refs.end()) return github_error(http::status::not_found, "Not Found", docs_get_ref);
    return json_response(http::status::ok, render_ref(repo, it->first, it->second, call.ctx));
  }
  if (rest.size() == 2 && rest[1] == "refs" && call.method == "POST")
    return create_ref_route(call);
  if (rest.size() == 2 && rest[1] == "commits" && call.method == "POST")
    return create_commit_route(call);
  if (rest.size() == 3 && rest[1] == "commits" && call.method == "GET") {
    auto it = repo.commits.find(rest[2]);
    if (it == repo.commits.end())
      return github_error(http::status::not_found, "Not Found", docs_get_commit);
    return json_response(http::status::ok, render_commit(repo, it->second, call.ctx));
  }
  return github_error(http::status::not_found, "Not Found", docs_rest);
}

api_response github_emulator::create_commit_route(api_call& call) {
  gh_repo& repo = *call.repo;
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  const json::value* message = body->if_contains("message");
  const json::value* tree = body->if_contains("tree");
  if (!message) return not_supplied("message", docs_create_commit);
  if (!tree) return not_supplied("tree", docs_create_commit);
  if (!message->is_string() || !tree->is_string())
    return github_error(http::status::unprocessable_entity,
                        "Invalid request.\n\nFor 'properties/" +
                            std::string(message->is_string() ? "tree" : "message") +
                            "', it is not a string.",
                        docs_create_commit);
  const std::string tree_sha(tree->as_string());
  bool tree_known = false;
  for (const auto& [sha, c] : repo.commits) tree_known = tree_known || c.tree_sha == tree_sha;
  if (!tree_known)
    return github_error(http::status::unprocessable_entity, "Tree SHA does not exist",
                        docs_create_commit);
  std::vector<std::string> parents;
  if (const json::value* p = body->if_contains("parents"); p && !p->is_null()) {
    if (!p->is_array())
      return github_error(http::status::unprocessable_entity,
                          "Invalid request.\n\nFor 'properties/parents', it is not an array.",
                          docs_create_commit);
    for (const auto& e : p->as_array()) {
      const std::string sha = e.is_string() ? std::string(e.as_string()) : std::string();
      if (!repo.commits.count(sha))
        return github_error(http::status::unprocessable_entity,
                            "Parent SHA does not exist or is not a commit object",
                            docs_create_commit);
      parents.push_back(sha);
    }
  }
  const gh_commit& c =
      add_commit(repo, tree_sha, std::string(message->as_string()), parents, call.who.login);
  api_response res = json_response(http::status::created, render_commit(repo, c, call.ctx));
  res.set(http::field::location,
          call.ctx.api_base + "/repos/" + repo.full_name() + "/git/commits/" + c.sha);
  return res;
}

api_response github_emulator::create_ref_route(api_call& call) {
  gh_repo& repo = *call.repo;
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  const json::value* ref = body->if_contains("ref");
  const json::value* sha = body->if_contains("sha");
  if (!ref) return not_supplied("ref", docs_create_ref);
  if (!sha) return not_supplied("sha", docs_create_ref);
  const std::string name = ref->is_string() ? std::string(ref->as_string()) : std::string();
  const std::string target = sha->is_string() ? std::string(sha->as_string()) : std::string();
  // "If it doesn't start with 'refs' and have at least two slashes, it will be rejected."
  if (name.rfind("refs/", 0) != 0 || std::count(name.begin(), name.end(), '/') < 2 ||
      name.back() == '/' || name.find("//") != std::string::npos ||
      name.find("..") != std::string::npos || name.find(' ') != std::string::npos)
    return github_error(http::status::unprocessable_entity, "Reference name is invalid",
                        docs_create_ref);
  if (repo.refs.count(name))
    return github_error(http::status::unprocessable_entity, "Reference already exists",
                        docs_create_ref);
  if (!is_sha(target) || !repo.commits.count(target))
    return github_error(http::status::unprocessable_entity, "Object does not exist",
                        docs_create_ref);
  repo.refs[name] = target;
  api_response res = json_response(http::status::created, render_ref(repo, name, target, call.ctx));
  res.set(http::field::location, call.ctx.api_base + "/repos/" + repo.full_name() + "/git/" + name);
  return res;
}

}  // namespace ngsync::sandbox::github
