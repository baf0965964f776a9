// The Notion webhook's verification tokens (issue 18): a token offered over HTTP is only
// pending, never the key; only the operator's confirmation makes one active; an upgrade turns
// the token an older version stored into a pending one.
#include <doctest/doctest.h>

#include "storage/database.hpp"
#include "storage/migrator.hpp"
#include "storage/notion_webhook_tokens.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using ngsync::storage::testing::scratch_database;

namespace {

notion_token_offer offer(pqxx::connection& c, const std::string& token) {
  pqxx::work t(c);
  auto r = notion_webhook_tokens::offer(t, token);
  t.commit();
  return r;
}

std::optional<std::string> active(pqxx::connection& c) {
  pqxx::read_transaction t(c);
  return notion_webhook_tokens::active(t);
}

notion_token_confirmation confirm(pqxx::connection& c, std::optional<std::int64_t> id = {}) {
  pqxx::work t(c);
  auto r = notion_webhook_tokens::confirm(t, id);
  t.commit();
  return r;
}

std::vector<notion_token_row> all(pqxx::connection& c) {
  pqxx::read_transaction t(c);
  return notion_webhook_tokens::all(t);
}

}  // namespace

TEST_CASE(
    "notion tokens: an offered token is pending until confirmed, and never replaces the key") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  using outcome = notion_token_confirmation::outcome;

  CHECK(confirm(*c).result == outcome::none_pending);
  CHECK(offer(*c, "secret_genuine") == notion_token_offer::stored_pending);
  CHECK_FALSE(active(*c));  // received is not trusted
  CHECK(offer(*c, "secret_genuine") == notion_token_offer::already_pending);
  REQUIRE(all(*c).size() == 1);

  auto done = confirm(*c);
  REQUIRE(done.result == outcome::confirmed);
  CHECK(done.confirmed->token == "secret_genuine");
  CHECK(done.confirmed->active);
  CHECK_FALSE(done.confirmed->confirmed_at.empty());
  CHECK_FALSE(done.replaced);
  CHECK(active(*c) == "secret_genuine");

  // A later verification (forged or not) waits as pending; the key stays.
  CHECK(offer(*c, "secret_attacker") == notion_token_offer::stored_pending);
  CHECK(offer(*c, "secret_genuine") == notion_token_offer::already_active);
  CHECK(active(*c) == "secret_genuine");
  auto rows = all(*c);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].active);
  CHECK(rows[0].token == "secret_genuine");
  CHECK_FALSE(rows[1].active);
  CHECK(rows[1].token == "secret_attacker");

  // Several pending: the operator must say which; a wrong id changes nothing.
  CHECK(offer(*c, "secret_rotated") == notion_token_offer::stored_pending);
  auto unclear = confirm(*c);
  CHECK(unclear.result == outcome::ambiguous);
  CHECK(unclear.pending.size() == 2);
  CHECK(confirm(*c, 999999).result == outcome::no_such_token);
  CHECK(active(*c) == "secret_genuine");

  std::int64_t rotated = 0;
  for (const auto& r : unclear.pending) {
    if (r.token == "secret_rotated") rotated = r.id;
  }
  auto chosen = confirm(*c, rotated);
  REQUIRE(chosen.result == outcome::confirmed);
  CHECK(chosen.confirmed->token == "secret_rotated");
  REQUIRE(chosen.replaced);
  CHECK(chosen.replaced->token == "secret_genuine");
  CHECK(active(*c) == "secret_rotated");
  // The old key and the other pending token are gone.
  REQUIRE(all(*c).size() == 1);
}

TEST_CASE("notion tokens: a flood of offers keeps a bounded number pending") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  for (int i = 0; i < notion_webhook_tokens::pending_kept + 15; ++i) {
    offer(*c, "secret_flood_" + std::to_string(i));
  }
  auto rows = all(*c);
  CHECK(rows.size() == static_cast<std::size_t>(notion_webhook_tokens::pending_kept));
  // The newest are kept.
  CHECK(rows.front().token ==
        "secret_flood_" + std::to_string(notion_webhook_tokens::pending_kept + 14));
  CHECK_FALSE(active(*c));
}

TEST_CASE("notion tokens: the token an older version stored must be confirmed after the upgrade") {
  scratch_database sdb;
  auto c = sdb.connect();
  std::vector<migration> before;
  for (const auto& m : embedded_migrations()) {
    if (m.version < 11) before.push_back(m);
  }
  migrate(*c, before);
  {
    pqxx::work t(*c);
    t.exec("INSERT INTO notion_verification (id, token) VALUES (true, 'secret_from_v10')");
    t.commit();
  }
  migrate(*c);
  CHECK_FALSE(active(*c));
  auto rows = all(*c);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].token == "secret_from_v10");
  CHECK_FALSE(rows[0].active);
  CHECK(confirm(*c).result == notion_token_confirmation::outcome::confirmed);
  CHECK(active(*c) == "secret_from_v10");
}
