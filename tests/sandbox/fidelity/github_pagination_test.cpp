// Listing issues page by page through RFC 5988 Link headers, across a repository rename that
// answers the old name with redirects to the id-based URL.
#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>

#include <boost/url.hpp>

#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {

// rel -> URL of a Link header.
std::map<std::string, std::string> links(const api_response& res) {
  std::map<std::string, std::string> out;
  const std::string header(res[http::field::link]);
  static const std::regex entry(R"re(<([^>]+)>;\s*rel="([a-z]+)")re");
  for (auto it = std::sregex_iterator(header.begin(), header.end(), entry);
       it != std::sregex_iterator(); ++it)
    out[(*it)[2]] = (*it)[1];
  return out;
}

// The origin-form target of an absolute URL, as a client following it sends it.
std::string target_of(const std::string& url) {
  boost::urls::url_view u(url);
  return std::string(u.encoded_target());
}

}  // namespace

TEST_CASE("github: 250 issues listed through Link pagination, across a renamed repository") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  for (int i = 0; i < 250; ++i) {
    REQUIRE(gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                       json::object{{"title", "issue " + std::to_string(i)}})
                .result_int() == 201);
    gh.clock.advance(std::chrono::seconds(1));
  }
  // A couple of issues change later, so `since` has something to select.
  gh.emu->act("close_issue", json::object{{"repo", "octo/tracker"}, {"number", 7}});
  gh.emu->act("rename_repo", json::object{{"repo", "octo/tracker"}, {"new_name", "tracker-2"}});

  std::string target =
      "/repos/octo/tracker/issues?state=all&per_page=100&sort=created&direction=asc";
  auto first = gh.request(http::verb::get, target, "tok-octo");
  // The old name answers a GET with 301 to /repositories/{id}/..., keeping the query.
  REQUIRE(first.result_int() == 301);
  const std::string location(first[http::field::location]);
  CHECK(location.find("/repositories/9001/issues?") != std::string::npos);
  CHECK(location.find("per_page=100") != std::string::npos);
  // Other methods get 307, so the client repeats the same method and body.
  auto moved_patch = gh.request(http::verb::patch, "/repos/octo/tracker/issues/1", "tok-octo",
                                json::object{{"title", "x"}});
  CHECK(moved_patch.result_int() == 307);
  CHECK(std::string(moved_patch[http::field::location]).find("/repositories/9001/issues/1") !=
        std::string::npos);

  std::vector<int> numbers;
  int pages = 0;
  target = target_of(location);
  while (true) {
    auto page = gh.request(http::verb::get, target, "tok-octo");
    REQUIRE(page.result_int() == 200);
    ++pages;
    const json::value listed = body_of(page);
    for (const auto& issue : listed.as_array())
      numbers.push_back(static_cast<int>(issue.at("number").as_int64()));
    const auto rel = links(page);
    if (pages == 1) {
      CHECK(rel.count("next") == 1);
      CHECK(rel.count("last") == 1);
      CHECK(rel.count("prev") == 0);
      CHECK(rel.at("last").find("page=3") != std::string::npos);
    }
    if (pages == 2) CHECK(rel.count("prev") == 1);
    if (pages == 2) CHECK(rel.count("first") == 1);
    if (!rel.count("next")) break;
    CHECK(rel.at("next").find("/repositories/9001/issues?") != std::string::npos);
    target = target_of(rel.at("next"));
    REQUIRE(pages < 10);
  }
  CHECK(pages == 3);
  REQUIRE(numbers.size() == 250);
  for (int i = 0; i < 250; ++i) CHECK(numbers[i] == i + 1);

  // The new name serves the same issues; `since` selects by updated_at.
  auto renamed = gh.request(http::verb::get, "/repos/octo/tracker-2/issues/7", "tok-octo");
  REQUIRE(renamed.result_int() == 200);
  CHECK(body_of(renamed).at("state").as_string() == "closed");
  const std::string since(body_of(renamed).at("updated_at").as_string());
  auto changed = gh.request(http::verb::get,
                            "/repos/octo/tracker-2/issues?state=all&since=" + since, "tok-octo");
  REQUIRE(changed.result_int() == 200);
  REQUIRE(body_of(changed).as_array().size() == 1);
  CHECK(body_of(changed).at(0).at("number").as_int64() == 7);
  // The default list is open issues, newest first, 30 a page.
  auto open = gh.request(http::verb::get, "/repos/octo/tracker-2/issues", "tok-octo");
  CHECK(body_of(open).as_array().size() == 30);
  CHECK(body_of(open).at(0).at("number").as_int64() == 250);
  CHECK(links(open).at("last").find("page=9") != std::string::npos);  // 249 open issues
}

TEST_CASE("github: creator selects the issues one login opened, case-insensitively, paginated") {
  github_harness gh;
  gh.emu->load(basic_scenario());
  for (int i = 0; i < 150; ++i) {
    REQUIRE(gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                       json::object{{"title", "issue " + std::to_string(i)}})
                .result_int() == 201);
    gh.clock.advance(std::chrono::seconds(1));  // under the content-creation limit
  }
  for (int i = 0; i < 3; ++i) {
    gh.emu->act("create_issue",
                json::object{{"repo", "octo/tracker"}, {"title", "by helper"}, {"as", "helper"}});
  }
  auto list_all = [&](std::string target) {
    std::vector<std::string> authors;
    for (int pages = 0; pages < 10; ++pages) {
      auto page = gh.request(http::verb::get, target, "tok-octo");
      REQUIRE(page.result_int() == 200);
      const json::value listed = body_of(page);
      for (const auto& issue : listed.as_array())
        authors.emplace_back(issue.at("user").at("login").as_string());
      const auto rel = links(page);
      if (!rel.count("next")) break;
      CHECK(rel.at("next").find("creator=") != std::string::npos);  // the filter carries over
      target = target_of(rel.at("next"));
    }
    return authors;
  };
  const auto octo = list_all("/repos/octo/tracker/issues?state=all&per_page=100&creator=OCTO");
  CHECK(octo.size() == 150);
  CHECK(std::set<std::string>(octo.begin(), octo.end()) == std::set<std::string>{"octo"});
  const auto helper = list_all("/repos/octo/tracker/issues?state=all&per_page=100&creator=helper");
  CHECK(helper.size() == 3);
}

}  // namespace ngsync::sandbox::fidelity
