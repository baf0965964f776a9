// The Git database endpoints a draft pull request needs (read the base branch's ref and commit,
// create a commit and a branch) and POST /pulls as strict as GitHub about its head and base.
// Documented behaviour, docs.github.com/rest/git/refs, /rest/git/commits, /rest/pulls/pulls:
// - "Create a reference": 201 {ref, node_id, url, object{sha, type, url}}; a ref that exists is
//   422 "Reference already exists"; an unknown sha 422 "Object does not exist"; a ref name that
//   does not start with 'refs' and have at least two slashes is rejected.
// - "Create a commit": 201 {sha, node_id, url, html_url, author, committer, message, tree{sha,
//   url}, parents[{sha, url, html_url}], verification}; `message` and `tree` are required.
// - "Create a pull request": 422 Validation Failed with {resource: PullRequest, field: head,
//   code: invalid} when head is not a branch, and {code: custom, message: "No commits between
//   <base> and <head>"} when head has nothing base lacks.
#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {
const std::string tok = "tok-octo";
const std::string repo = "/repos/octo/tracker";

std::string str(const json::value& v, const char* key) {
  return std::string(v.as_object().at(key).as_string());
}

// Creates `branch` one empty commit ahead of main, as the daemon does; returns the commit sha.
std::string branch_ahead_of_main(github_harness& gh, const std::string& branch) {
  auto base = gh.request(http::verb::get, repo + "/git/ref/heads/main", tok);
  REQUIRE(base.result_int() == 200);
  const auto base_sha = str(body_of(base).at("object"), "sha");
  auto commit = gh.request(http::verb::get, repo + "/git/commits/" + base_sha, tok);
  REQUIRE(commit.result_int() == 200);
  auto made = gh.request(http::verb::post, repo + "/git/commits", tok,
                         json::object{{"message", "Open " + branch},
                                      {"tree", str(body_of(commit).at("tree"), "sha")},
                                      {"parents", json::array{base_sha}}});
  REQUIRE(made.result_int() == 201);
  const auto sha = str(body_of(made), "sha");
  auto ref = gh.request(http::verb::post, repo + "/git/refs", tok,
                        json::object{{"ref", "refs/heads/" + branch}, {"sha", sha}});
  REQUIRE(ref.result_int() == 201);
  return sha;
}

json::object validation_error(const api_response& res) {
  REQUIRE(res.result_int() == 422);
  auto o = body_of(res).as_object();
  CHECK(o.at("message").as_string() == "Validation Failed");
  CHECK(o.at("documentation_url").as_string() ==
        "https://docs.github.com/rest/pulls/pulls#create-a-pull-request");
  REQUIRE(o.at("errors").as_array().size() >= 1);
  return o.at("errors").as_array().at(0).as_object();
}
}  // namespace

TEST_CASE("github git data: refs and commits answer GitHub's shapes") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  auto main_ref = gh.request(http::verb::get, repo + "/git/ref/heads/main", tok);
  REQUIRE(main_ref.result_int() == 200);
  const auto ref = body_of(main_ref);
  CHECK(str(ref, "ref") == "refs/heads/main");
  CHECK(str(ref, "url") == "https://sandbox.test:8443/repos/octo/tracker/git/refs/heads/main");
  CHECK(ref.at("node_id").is_string());
  CHECK(str(ref.at("object"), "type") == "commit");
  const auto base_sha = str(ref.at("object"), "sha");
  CHECK(base_sha.size() == 40);

  auto commit = gh.request(http::verb::get, repo + "/git/commits/" + base_sha, tok);
  REQUIRE(commit.result_int() == 200);
  const auto c = body_of(commit);
  CHECK(str(c, "sha") == base_sha);
  for (const char* key : {"node_id", "url", "html_url", "message"}) CHECK(c.at(key).is_string());
  for (const char* key : {"author", "committer", "tree", "verification"})
    CHECK(c.at(key).is_object());
  CHECK(c.at("author").at("date").is_string());
  CHECK(c.at("parents").as_array().empty());  // the root commit

  const auto sha = branch_ahead_of_main(gh, "ngsync/abc");
  auto branch = gh.request(http::verb::get, repo + "/git/ref/heads/ngsync/abc", tok);
  REQUIRE(branch.result_int() == 200);
  CHECK(str(body_of(branch).at("object"), "sha") == sha);
  auto child = body_of(gh.request(http::verb::get, repo + "/git/commits/" + sha, tok));
  REQUIRE(child.at("parents").as_array().size() == 1);
  CHECK(str(child.at("parents").as_array()[0], "sha") == base_sha);
  CHECK(str(child.at("tree"), "sha") == str(c.at("tree"), "sha"));  // an empty commit
}

TEST_CASE("github git data: errors are GitHub's") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  auto missing = gh.request(http::verb::get, repo + "/git/ref/heads/nope", tok);
  CHECK(missing.result_int() == 404);
  CHECK(str(body_of(missing), "message") == "Not Found");
  CHECK(gh.request(http::verb::get, repo + "/git/commits/" + std::string(40, '0'), tok)
            .result_int() == 404);

  const auto sha = branch_ahead_of_main(gh, "topic");
  // A retry of the ref creation: the daemon reads the branch and reuses it.
  auto again = gh.request(http::verb::post, repo + "/git/refs", tok,
                          json::object{{"ref", "refs/heads/topic"}, {"sha", sha}});
  REQUIRE(again.result_int() == 422);
  CHECK(str(body_of(again), "message") == "Reference already exists");
  CHECK(str(body_of(again), "documentation_url") ==
        "https://docs.github.com/rest/git/refs#create-a-reference");

  auto unknown = gh.request(http::verb::post, repo + "/git/refs", tok,
                            json::object{{"ref", "refs/heads/x"}, {"sha", std::string(40, 'f')}});
  REQUIRE(unknown.result_int() == 422);
  CHECK(str(body_of(unknown), "message") == "Object does not exist");
  auto bad_name = gh.request(http::verb::post, repo + "/git/refs", tok,
                             json::object{{"ref", "heads/x"}, {"sha", sha}});
  CHECK(bad_name.result_int() == 422);

  auto no_tree = gh.request(http::verb::post, repo + "/git/commits", tok,
                            json::object{{"message", "m"}, {"parents", json::array{sha}}});
  REQUIRE(no_tree.result_int() == 422);
  CHECK(str(body_of(no_tree), "message").find("\"tree\" wasn't supplied") != std::string::npos);
  auto bad_tree = gh.request(http::verb::post, repo + "/git/commits", tok,
                             json::object{{"message", "m"}, {"tree", std::string(40, 'e')}});
  REQUIRE(bad_tree.result_int() == 422);
  CHECK(str(body_of(bad_tree), "message") == "Tree SHA does not exist");

  // Writing needs push access.
  CHECK(gh.request(http::verb::post, repo + "/git/refs", "tok-outsider",
                   json::object{{"ref", "refs/heads/y"}, {"sha", sha}})
            .result_int() == 404);
}

TEST_CASE("github pulls: a head that is not a branch, or has no commits over base, is 422") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  auto pull = [&](const std::string& head) {
    return gh.request(
        http::verb::post, repo + "/pulls", tok,
        json::object{{"title", "T"}, {"head", head}, {"base", "main"}, {"draft", true}});
  };
  // The draft PR the daemon used to open without its branch.
  auto no_branch = validation_error(pull("ngsync/abc"));
  CHECK(no_branch.at("resource").as_string() == "PullRequest");
  CHECK(no_branch.at("field").as_string() == "head");
  CHECK(no_branch.at("code").as_string() == "invalid");

  // A branch made from main without a commit of its own.
  const auto main_sha =
      str(body_of(gh.request(http::verb::get, repo + "/git/ref/heads/main", tok)).at("object"),
          "sha");
  REQUIRE(gh.request(http::verb::post, repo + "/git/refs", tok,
                     json::object{{"ref", "refs/heads/same"}, {"sha", main_sha}})
              .result_int() == 201);
  auto same = validation_error(pull("same"));
  CHECK(same.at("code").as_string() == "custom");
  CHECK(same.at("message").as_string() == "No commits between main and same");

  const auto sha = branch_ahead_of_main(gh, "ngsync/abc");
  auto made = pull("ngsync/abc");
  REQUIRE(made.result_int() == 201);
  CHECK(body_of(made).at("draft").as_bool());
  CHECK(str(body_of(made).at("head"), "sha") == sha);
  CHECK(str(body_of(made).at("head"), "ref") == "ngsync/abc");
  CHECK(str(body_of(made).at("base"), "sha") == main_sha);

  // A second PR for the same head and base while the first is open.
  auto twice = validation_error(pull("octo:ngsync/abc"));
  CHECK(twice.at("message").as_string() == "A pull request already exists for octo:ngsync/abc.");

  auto bad_base = gh.request(http::verb::post, repo + "/pulls", tok,
                             json::object{{"title", "T"}, {"head", "same"}, {"base", "nope"}});
  auto base_error = validation_error(bad_base);
  CHECK(base_error.at("field").as_string() == "base");
}

}  // namespace ngsync::sandbox::fidelity

namespace ngsync::sandbox::fidelity {

// GitHub sends a pull request's changes as `pull_request` events (the PR under `pull_request`,
// `number` at the top), never as `issues` events; a hook subscribed to `issues` alone hears none.
TEST_CASE("github pulls: changes to a PR are pull_request webhook events") {
  github_harness gh;
  auto scenario = basic_scenario();
  scenario["hooks"] = json::array{
      json::object{{"id", 1}, {"url", "https://hooks.test/pr"}, {"secret", "s"},
                   {"events", json::array{"pull_request"}}},
      json::object{{"id", 2}, {"url", "https://hooks.test/issues"}, {"secret", "s"},
                   {"events", json::array{"issues"}}}};
  gh.emu->load(scenario);
  branch_ahead_of_main(gh, "ngsync/abc");
  auto made = gh.request(
      http::verb::post, repo + "/pulls", tok,
      json::object{{"title", "T"}, {"head", "ngsync/abc"}, {"base", "main"}, {"draft", true}});
  REQUIRE(made.result_int() == 201);
  const auto n = body_of(made).at("number").as_int64();
  REQUIRE(gh.request(http::verb::patch, repo + "/issues/" + std::to_string(n), tok,
                     json::object{{"state", "closed"}, {"labels", json::array{"bug"}}})
              .result_int() == 200);
  std::vector<std::string> actions;
  for (const auto& w : gh.webhooks) {
    CHECK(w.url == "https://hooks.test/pr");
    CHECK(w.header("X-GitHub-Event") == "pull_request");
    const auto body = json::parse(w.body);
    CHECK(body.at("number").as_int64() == n);
    CHECK(body.at("pull_request").at("number").as_int64() == n);
    CHECK(body.at("pull_request").at("draft").as_bool());
    CHECK_FALSE(body.as_object().contains("issue"));
    actions.emplace_back(body.at("action").as_string());
  }
  CHECK(actions == std::vector<std::string>{"opened", "closed", "labeled"});
}

}  // namespace ngsync::sandbox::fidelity

namespace ngsync::sandbox::fidelity {

// A GitHub App's installation token reaches only what the App was granted: the Git database
// needs `contents` (write to create), pull requests `pull_requests: write`; GitHub answers 403
// "Resource not accessible by integration" otherwise.
TEST_CASE("github git data and pulls: an installation needs contents and pull_requests write") {
  rsa_key key;
  auto token_for = [&](json::object permissions) {
    github_harness gh;
    auto scenario = basic_scenario();
    scenario["app"] = json::object{{"id", 4242},
                                   {"client_id", "Iv23liTEST"},
                                   {"slug", "ngsync-app"},
                                   {"public_key_pem", key.public_pem()}};
    scenario["installations"] = json::array{json::object{{"id", 77},
                                                         {"account", "octo"},
                                                         {"repositories", json::array{"octo/tracker"}},
                                                         {"permissions", permissions}}};
    gh.emu->load(scenario);
    const auto now = epoch_seconds(gh.clock);
    const auto jwt =
        key.sign_jwt(json::object{{"iat", now - 60}, {"exp", now + 540}, {"iss", "Iv23liTEST"}});
    auto minted = gh.request(http::verb::post, "/app/installations/77/access_tokens", jwt);
    REQUIRE(minted.result_int() == 201);
    const std::string token(body_of(minted).at("token").as_string());
    auto main = gh.request(http::verb::get, repo + "/git/ref/heads/main", token);
    std::vector<unsigned> statuses{main.result_int()};
    if (main.result_int() == 200) {
      const auto sha = body_of(main).at("object").at("sha");
      statuses.push_back(gh.request(http::verb::post, repo + "/git/refs", token,
                                    json::object{{"ref", "refs/heads/b"}, {"sha", sha}})
                             .result_int());
    }
    statuses.push_back(gh.request(http::verb::post, repo + "/pulls", token,
                                  json::object{{"title", "T"}, {"head", "b"}, {"base", "main"}})
                           .result_int());
    return statuses;
  };
  // Issues only: no Git database, no pull requests.
  CHECK(token_for(json::object{{"issues", "write"}}) == std::vector<unsigned>{403, 403});
  // Contents read: the ref reads, the branch is not created.
  CHECK(token_for(json::object{{"issues", "write"}, {"contents", "read"}}) ==
        std::vector<unsigned>{200, 403, 403});
  // Everything a draft PR needs: the branch is made; the PR then meets GitHub's own check (the
  // branch has no commit over main), not a permission refusal.
  CHECK(token_for(json::object{{"issues", "write"},
                               {"contents", "write"},
                               {"pull_requests", "write"}}) ==
        std::vector<unsigned>{200, 201, 422});
}

}  // namespace ngsync::sandbox::fidelity

namespace ngsync::sandbox::fidelity {

// "Draft pull requests are available in public repositories with GitHub Free ..., and in public
// and private repositories with GitHub Team and GitHub Enterprise Cloud" (create a pull request);
// elsewhere GitHub answers 422 {"message": "Draft pull requests are not supported in this
// repository.", "documentation_url"}, and a non-draft PR is still accepted.
TEST_CASE("github pulls: a repository without draft PRs refuses draft: true") {
  github_harness gh;
  auto scenario = basic_scenario();
  scenario["repos"].as_array()[0].as_object()["draft_pull_requests"] = false;
  gh.emu->load(scenario);
  branch_ahead_of_main(gh, "ngsync/abc");
  auto pull = [&](bool draft) {
    return gh.request(
        http::verb::post, repo + "/pulls", tok,
        json::object{{"title", "T"}, {"head", "ngsync/abc"}, {"base", "main"}, {"draft", draft}});
  };
  auto refused = pull(true);
  REQUIRE(refused.result_int() == 422);
  CHECK(str(body_of(refused), "message") ==
        "Draft pull requests are not supported in this repository.");
  CHECK(str(body_of(refused), "documentation_url") ==
        "https://docs.github.com/rest/pulls/pulls#create-a-pull-request");
  CHECK(pull(false).result_int() == 201);
}

}  // namespace ngsync::sandbox::fidelity
