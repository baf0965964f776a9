#include "storage/notion_webhook_tokens.hpp"

#include <pqxx/pqxx>

namespace ngsync::storage {
namespace {

constexpr const char* columns =
    "id, token, state = 'active', "
    "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(to_char(confirmed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";

notion_token_row row_of(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<bool>(), r[3].as<std::string>(),
          r[4].as<std::string>()};
}

}  // namespace

notion_token_offer notion_webhook_tokens::offer(transaction tx,
                                                const std::string& token) {
  pqxx::transaction_base& t = tx.sql();
  // One statement, so two replicas receiving the same verification at once cannot both insert.
  auto r = t.exec_params(
      "INSERT INTO notion_webhook_tokens AS n (token, state) VALUES ($1, 'pending')"
      " ON CONFLICT (token) DO UPDATE SET received_at = now() WHERE n.state = 'pending'"
      " RETURNING (xmax = 0)",
      token);
  notion_token_offer result = notion_token_offer::already_active;
  if (!r.empty()) {
    result = r[0][0].as<bool>() ? notion_token_offer::stored_pending
                                : notion_token_offer::already_pending;
  }
  t.exec_params(
      "DELETE FROM notion_webhook_tokens WHERE state = 'pending' AND id NOT IN"
      " (SELECT id FROM notion_webhook_tokens WHERE state = 'pending'"
      "  ORDER BY received_at DESC, id DESC LIMIT $1)",
      pending_kept);
  return result;
}

std::optional<std::string> notion_webhook_tokens::active(transaction tx) {
  pqxx::transaction_base& t = tx.sql();
  auto r = t.exec("SELECT token FROM notion_webhook_tokens WHERE state = 'active'");
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

std::vector<notion_token_row> notion_webhook_tokens::all(transaction tx) {
  pqxx::transaction_base& t = tx.sql();
  std::vector<notion_token_row> out;
  for (const auto& r : t.exec(std::string("SELECT ") + columns +
                              " FROM notion_webhook_tokens"
                              " ORDER BY state = 'active' DESC, received_at DESC, id DESC")) {
    out.push_back(row_of(r));
  }
  return out;
}

notion_token_confirmation notion_webhook_tokens::confirm(transaction tx,
                                                         std::optional<std::int64_t> id) {
  pqxx::transaction_base& t = tx.sql();
  notion_token_confirmation c{notion_token_confirmation::outcome::none_pending, {}, {}, {}};
  // Locks the rows so a verification arriving meanwhile waits for this choice.
  for (const auto& r : t.exec(std::string("SELECT ") + columns +
                              " FROM notion_webhook_tokens"
                              " ORDER BY state = 'active' DESC, received_at DESC, id DESC"
                              " FOR UPDATE")) {
    auto row = row_of(r);
    if (row.active) {
      c.replaced = std::move(row);
    } else {
      c.pending.push_back(std::move(row));
    }
  }
  const notion_token_row* chosen = nullptr;
  if (id) {
    for (const auto& p : c.pending) {
      if (p.id == *id) chosen = &p;
    }
    if (!chosen) {
      c.result = notion_token_confirmation::outcome::no_such_token;
      return c;
    }
  } else if (c.pending.empty()) {
    return c;
  } else if (c.pending.size() > 1) {
    c.result = notion_token_confirmation::outcome::ambiguous;
    return c;
  } else {
    chosen = &c.pending.front();
  }
  t.exec_params("DELETE FROM notion_webhook_tokens WHERE id <> $1", chosen->id);
  auto r = t.exec_params1(std::string("UPDATE notion_webhook_tokens SET state = 'active', "
                                      "confirmed_at = now() WHERE id = $1 RETURNING ") +
                              columns,
                          chosen->id);
  c.confirmed = row_of(r);
  c.result = notion_token_confirmation::outcome::confirmed;
  return c;
}

}  // namespace ngsync::storage
