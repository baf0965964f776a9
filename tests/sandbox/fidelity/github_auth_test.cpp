// GitHub App authentication: RS256 JWT checks, installation tokens and their expiry, and the
// bot identity that acts with them.
#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/github_schema_check.hpp"
#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {

struct app_fixture {
  rsa_key key;
  github_harness gh;

  app_fixture() {
    json::object scenario = basic_scenario();
    scenario["app"] = json::object{{"id", 4242},
                                   {"client_id", "Iv23liTEST"},
                                   {"slug", "ngsync-app"},
                                   {"public_key_pem", key.public_pem()}};
    scenario["installations"] = json::array{json::object{
        {"id", 77}, {"account", "octo"}, {"repositories", json::array{"octo/tracker"}}}};
    scenario["token_lifetime_seconds"] = 120;
    gh.emu->load(scenario);
  }

  std::string jwt(std::int64_t iat_offset, std::int64_t exp_offset, json::value iss = "Iv23liTEST",
                  const rsa_key* signer = nullptr) {
    const auto now = epoch_seconds(gh.clock);
    return (signer ? *signer : key)
        .sign_jwt(json::object{{"iat", now + iat_offset}, {"exp", now + exp_offset}, {"iss", iss}});
  }
};

}  // namespace

TEST_CASE("github: App JWTs are verified like GitHub does") {
  app_fixture f;
  const std::string target = "/app/installations/77/access_tokens";
  const auto& doc = openapi_document::github();

  auto ok = f.gh.request(http::verb::post, target, f.jwt(-60, 540));
  REQUIRE(ok.result_int() == 201);
  CHECK(doc.check(body_of(ok),
                  doc.response_schema("/app/installations/{installation_id}/access_tokens", "post",
                                      "201"))
            .empty());
  CHECK(body_of(ok).at("repository_selection").as_string() == "selected");
  CHECK(body_of(ok).at("permissions").at("issues").as_string() == "write");
  // The numeric app id is accepted as issuer too.
  CHECK(f.gh.request(http::verb::post, target, f.jwt(-60, 540, 4242)).result_int() == 201);
  CHECK(f.gh.request(http::verb::post, target, f.jwt(30, 540)).result_int() == 201);  // skew ok

  CHECK(f.gh.request(http::verb::post, target, f.jwt(-700, -10)).result_int() == 401);  // expired
  CHECK(f.gh.request(http::verb::post, target, f.jwt(120, 500)).result_int() == 401);  // future iat
  CHECK(f.gh.request(http::verb::post, target, f.jwt(-60, 600)).result_int() == 401);  // > 10 min
  CHECK(f.gh.request(http::verb::post, target, f.jwt(-60, 540, "someone-else")).result_int() ==
        401);
  rsa_key other;
  auto wrong_key = f.gh.request(http::verb::post, target, f.jwt(-60, 540, "Iv23liTEST", &other));
  CHECK(wrong_key.result_int() == 401);
  CHECK(f.gh.request(http::verb::post, "/app/installations/78/access_tokens", f.jwt(-60, 540))
            .result_int() == 404);
  // A personal token is no JWT.
  CHECK(f.gh.request(http::verb::post, target, "tok-octo").result_int() == 401);

  auto installation =
      f.gh.request(http::verb::get, "/repos/octo/tracker/installation", f.jwt(-60, 540));
  REQUIRE(installation.result_int() == 200);
  CHECK(doc.check(body_of(installation),
                  doc.response_schema("/repos/{owner}/{repo}/installation", "get", "200"))
            .empty());
  CHECK(body_of(installation).at("id").as_int64() == 77);
}

TEST_CASE("github: installation tokens act as the App's bot and expire") {
  app_fixture f;
  auto minted =
      f.gh.request(http::verb::post, "/app/installations/77/access_tokens", f.jwt(-60, 540));
  REQUIRE(minted.result_int() == 201);
  const std::string token(body_of(minted).at("token").as_string());
  CHECK(token.rfind("ghs_", 0) == 0);

  auto created =
      f.gh.request(http::verb::post, "/repos/octo/tracker/issues", token,
                   json::object{{"title", "by the bot"}, {"labels", json::array{"bug"}}});
  REQUIRE(created.result_int() == 201);
  const json::value issue = body_of(created);
  CHECK(issue.at("user").at("login").as_string() == "ngsync-app[bot]");
  CHECK(issue.at("user").at("type").as_string() == "Bot");
  CHECK(issue.at("labels").as_array().size() == 1);  // installations with issues:write may label
  CHECK(issue.at("performed_via_github_app").at("slug").as_string() == "ngsync-app");

  f.gh.clock.advance(std::chrono::seconds(119));
  CHECK(f.gh.request(http::verb::get, "/repos/octo/tracker/issues/1", token).result_int() == 200);
  f.gh.clock.advance(std::chrono::seconds(2));
  auto expired = f.gh.request(http::verb::get, "/repos/octo/tracker/issues/1", token);
  CHECK(expired.result_int() == 401);
  CHECK(body_of(expired).at("message").as_string() == "Bad credentials");

  // A fresh token works again; set_token_expiry expires it on demand.
  auto again =
      f.gh.request(http::verb::post, "/app/installations/77/access_tokens", f.jwt(-60, 540));
  const std::string fresh(body_of(again).at("token").as_string());
  CHECK(fresh != token);
  CHECK(f.gh.request(http::verb::get, "/repos/octo/tracker/issues/1", fresh).result_int() == 200);
  f.gh.emu->act("set_token_expiry", json::object{{"token", fresh}, {"expires_in_seconds", 0}});
  CHECK(f.gh.request(http::verb::get, "/repos/octo/tracker/issues/1", fresh).result_int() == 401);
}

TEST_CASE("github: GET /user names the token's user; an installation token is refused") {
  app_fixture f;
  auto me = f.gh.request(http::verb::get, "/user", "tok-octo");
  REQUIRE(me.result_int() == 200);
  CHECK(body_of(me).at("login").as_string() == "octo");
  CHECK(body_of(me).at("id").to_number<std::int64_t>() == 101);
  CHECK(body_of(me).at("type").as_string() == "User");
  CHECK(f.gh.request(http::verb::get, "/user", "not-a-token").result_int() == 401);

  auto minted =
      f.gh.request(http::verb::post, "/app/installations/77/access_tokens", f.jwt(-60, 540));
  REQUIRE(minted.result_int() == 201);
  const std::string token(body_of(minted).at("token").as_string());
  auto refused = f.gh.request(http::verb::get, "/user", token);
  CHECK(refused.result_int() == 403);
  CHECK(body_of(refused).at("message").as_string() == "Resource not accessible by integration");
}

}  // namespace ngsync::sandbox::fidelity
