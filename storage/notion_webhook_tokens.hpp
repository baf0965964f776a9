#pragma once
// The Notion webhook's verification tokens (table notion_webhook_tokens, migration 0011). A token
// that arrives in Notion's unsigned verification POST is only *pending*: anyone can send that
// POST. One token is *active*, the key X-Notion-Signature is checked with, and only an operator
// makes a pending token active (`ngsync webhook confirm-notion-token`). Nothing here lets an
// HTTP request change the active token.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/transaction.hpp"

namespace ngsync::storage {

struct notion_token_row {
  std::int64_t id = 0;
  std::string token;
  bool active = false;
  std::string received_at;   // UTC, ISO 8601
  std::string confirmed_at;  // UTC, ISO 8601; empty while pending
};

enum class notion_token_offer {
  stored_pending,   // new; waits for an operator
  already_pending,  // the same token was already waiting (its receipt time is renewed)
  already_active,   // the same token is the active one: nothing changes
};

struct notion_token_confirmation {
  enum class outcome { confirmed, none_pending, ambiguous, no_such_token } result;
  std::optional<notion_token_row> confirmed;  // set when confirmed
  std::optional<notion_token_row> replaced;   // the active token it replaced, if any
  std::vector<notion_token_row> pending;      // what was pending (for the operator's choice)
};

class notion_webhook_tokens {
 public:
  // Pending tokens kept: the newest this many. A flood of forged verifications can push the real
  // one out (the receiver rate-limits them), never in.
  static constexpr int pending_kept = 10;

  // Stores a token from an unsigned verification request as pending.
  static notion_token_offer offer(transaction t, const std::string& token);
  // The key X-Notion-Signature is checked with; none until an operator confirmed one.
  static std::optional<std::string> active(transaction t);
  // Every stored token: the active one first, then the pending ones, newest first.
  static std::vector<notion_token_row> all(transaction t);
  // Makes a pending token active: the one with `id`, or the only pending one when `id` is unset
  // (several pending and no id: `ambiguous`, nothing changes). The previously active token and
  // the other pending ones are deleted.
  static notion_token_confirmation confirm(transaction t,
                                           std::optional<std::int64_t> id);
};

}  // namespace ngsync::storage
