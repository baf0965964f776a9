// The GitHub emulator laid out like GitHub Enterprise Server (--github-prefix /api/v3): REST under
// /api/v3, GraphQL at /api/graphql, nothing at /api/v3/graphql or outside the prefix, and the URLs
// it renders in the server's shape (API https://HOST/api/v3/..., web https://HOST/owner/repo/...).
#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {

// basic_scenario() without its fixed web_base: the emulator learns it from the Host header.
json::object enterprise_scenario() {
  auto s = basic_scenario();
  s.erase("web_base");
  s["projects"] = json::array{json::object{{"user", "octo"}, {"number", 1}, {"title", "Board"}}};
  return s;
}

}  // namespace

TEST_CASE("github under /api/v3: REST under the prefix, URLs in the Enterprise Server's shape") {
  github_harness gh(1.0, "/api/v3");
  gh.emu->load(enterprise_scenario());

  auto created = gh.request(http::verb::post, "/api/v3/repos/octo/tracker/issues", "tok-octo",
                            json::object{{"title", "on the server"}});
  REQUIRE(created.result_int() == 201);
  const auto issue = body_of(created).as_object();
  CHECK(issue.at("url") ==
        json::value("https://sandbox.test:8443/api/v3/repos/octo/tracker/issues/1"));
  CHECK(issue.at("html_url") == json::value("https://sandbox.test:8443/octo/tracker/issues/1"));
  CHECK(std::string(created[http::field::location]) ==
        "https://sandbox.test:8443/api/v3/repos/octo/tracker/issues/1");

  // Link headers point under the prefix.
  for (int i = 0; i < 2; ++i)
    gh.request(http::verb::post, "/api/v3/repos/octo/tracker/issues", "tok-octo",
               json::object{{"title", "more"}});
  auto page =
      gh.request(http::verb::get, "/api/v3/repos/octo/tracker/issues?per_page=1", "tok-octo");
  REQUIRE(page.result_int() == 200);
  CHECK(std::string(page[http::field::link])
            .find("<https://sandbox.test:8443/api/v3/repositories/9001/issues?") !=
        std::string::npos);

  // The github.com layout is not served: no REST at the root.
  CHECK(gh.request(http::verb::get, "/repos/octo/tracker/issues", "tok-octo").result_int() == 404);
}

TEST_CASE("github under /api/v3: GraphQL at /api/graphql only") {
  github_harness gh(1.0, "/api/v3");
  gh.emu->load(enterprise_scenario());
  const json::object query{{"query", "{ viewer { login } }"}};
  auto ok = gh.request(http::verb::post, "/api/graphql", "tok-octo", query);
  REQUIRE(ok.result_int() == 200);
  CHECK(body_of(ok).at("data").at("viewer").at("login") == json::value("octo"));

  // Where a client that appends /graphql to the REST base would go: not found, as on GHES.
  auto wrong = gh.request(http::verb::post, "/api/v3/graphql", "tok-octo", query);
  CHECK(wrong.result_int() == 404);
  CHECK(body_of(wrong).at("message") == json::value("Not Found"));
  CHECK(gh.request(http::verb::post, "/graphql", "tok-octo", query).result_int() == 404);

  // A project's web URL is on the server's host too.
  auto project = gh.request(http::verb::post, "/api/graphql", "tok-octo",
                            json::object{{"query",
                                          "{ user(login: \"octo\") { projectV2(number: 1) "
                                          "{ url } } }"}});
  REQUIRE(project.result_int() == 200);
  CHECK(body_of(project).at("data").at("user").at("projectV2").at("url") ==
        json::value("https://sandbox.test:8443/users/octo/projects/1"));
}

TEST_CASE("github without a prefix keeps github.com's layout") {
  github_harness gh;
  gh.emu->load(enterprise_scenario());
  auto created = gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                            json::object{{"title", "on github.com"}});
  REQUIRE(created.result_int() == 201);
  CHECK(body_of(created).at("html_url") == json::value("https://github.com/octo/tracker/issues/1"));
  CHECK(gh.request(http::verb::post, "/api/graphql", "tok-octo",
                   json::object{{"query", "{ viewer { login } }"}})
            .result_int() == 404);
}
}  // namespace ngsync::sandbox::fidelity
