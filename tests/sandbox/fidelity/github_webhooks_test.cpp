// Webhook deliveries: one `issues` event per change, GitHub's headers and signature, and bodies
// with the keys of the recorded examples in tests/reference/github-webhooks.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tests/sandbox/fidelity/github_schema_check.hpp"
#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {

json::value example(const std::string& name) {
  std::ifstream in(std::string(NGSYNC_REFERENCE_DIR) + "/github-webhooks/" + name);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::string expected_signature(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &size);
  static const char hex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned i = 0; i < size; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += k + " ";
  return out;
}

}  // namespace

TEST_CASE("github: issue changes deliver signed `issues` webhooks shaped like GitHub's") {
  github_harness gh;
  json::object scenario = basic_scenario();
  scenario["hooks"] = json::array{json::object{{"id", 555},
                                               {"url", "https://daemon.test/hooks/github"},
                                               {"secret", "s3cret"},
                                               {"events", json::array{"issues"}}}};
  gh.emu->load(scenario);

  REQUIRE(gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                     json::object{{"title", "T"}, {"body", "B"}})
              .result_int() == 201);
  REQUIRE(gh.webhooks.size() == 1);
  const recorded_webhook& opened = gh.webhooks[0];
  CHECK(opened.url == "https://daemon.test/hooks/github");
  CHECK(opened.header("X-GitHub-Event") == "issues");
  CHECK(opened.header("X-GitHub-Hook-ID") == "555");
  CHECK(opened.header("X-GitHub-Delivery").size() == 36);
  CHECK(opened.header("User-Agent").rfind("GitHub-Hookshot/", 0) == 0);
  CHECK(opened.header("X-Hub-Signature-256") == expected_signature("s3cret", opened.body));

  // A person edits, closes, labels and assigns through the scenario.
  gh.emu->act(
      "edit_issue",
      json::object{{"repo", "octo/tracker"}, {"number", 1}, {"title", "T2"}, {"as", "helper"}});
  gh.emu->act("add_label", json::object{{"repo", "octo/tracker"}, {"number", 1}, {"label", "bug"}});
  gh.emu->act(
      "edit_issue",
      json::object{{"repo", "octo/tracker"}, {"number", 1}, {"assignees", json::array{"helper"}}});
  gh.emu->act("close_issue",
              json::object{{"repo", "octo/tracker"}, {"number", 1}, {"reason", "not_planned"}});
  gh.emu->act("reopen_issue", json::object{{"repo", "octo/tracker"}, {"number", 1}});
  gh.emu->act("remove_label",
              json::object{{"repo", "octo/tracker"}, {"number", 1}, {"label", "bug"}});
  // The API client's own change is delivered too, with itself as sender.
  gh.request(http::verb::patch, "/repos/octo/tracker/issues/1", "tok-octo",
             json::object{{"assignees", json::array()}});

  std::vector<std::string> actions;
  std::set<std::string> deliveries;
  for (const auto& w : gh.webhooks) {
    const json::value body = json::parse(w.body);
    actions.emplace_back(body.at("action").as_string());
    deliveries.insert(w.header("X-GitHub-Delivery"));
    CHECK(w.header("X-Hub-Signature-256") == expected_signature("s3cret", w.body));
  }
  CHECK(actions == std::vector<std::string>{"opened", "edited", "labeled", "assigned", "closed",
                                            "reopened", "unlabeled", "unassigned"});
  CHECK(deliveries.size() == actions.size());

  const json::value edited = json::parse(gh.webhooks[1].body);
  CHECK(edited.at("changes").at("title").at("from").as_string() == "T");
  CHECK(edited.at("sender").at("login").as_string() == "helper");
  CHECK(json::parse(gh.webhooks[7].body).at("sender").at("login").as_string() == "octo");
  CHECK(json::parse(gh.webhooks[4].body).at("issue").at("state_reason").as_string() ==
        "not_planned");

  const std::pair<const char*, std::size_t> recorded[] = {{"issues.opened.payload.json", 0},
                                                          {"issues.edited.payload.json", 1},
                                                          {"issues.labeled.payload.json", 2},
                                                          {"issues.assigned.payload.json", 3}};
  for (const auto& [file, index] : recorded) {
    std::vector<std::string> missing;
    missing_keys(example(file), json::parse(gh.webhooks[index].body), "$", missing);
    // The recorded edit changed the body; ours changed the title: `changes` differs by design.
    std::erase_if(missing, [](const std::string& k) { return k.rfind("$.changes.", 0) == 0; });
    CHECK_MESSAGE(missing.empty(), std::string(file) << " keys missing: " << joined(missing));
  }
  // The webhook bodies also satisfy GitHub's schemas for these events.
  const auto& doc = openapi_document::github();
  CHECK(
      doc.check(json::parse(gh.webhooks[0].body), doc.component("webhook-issues-opened")).empty());
  const auto labeled_errors =
      doc.check(json::parse(gh.webhooks[2].body), doc.component("webhook-issues-labeled"));
  CHECK_MESSAGE(labeled_errors.empty(), joined(labeled_errors));
}

}  // namespace ngsync::sandbox::fidelity
