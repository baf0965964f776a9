#pragma once
// Webhook deliveries already seen (table webhook_deliveries), so a redelivered event is
// acknowledged without doing the work twice, and the Notion verification token.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/pqxx>

namespace ngsync::storage {

class webhook_deliveries {
 public:
  // True the first time (source, hook_id, delivery_id) is seen; false for a redelivery.
  static bool first_delivery(pqxx::transaction_base& t, const std::string& source,
                             const std::string& hook_id, const std::string& delivery_id,
                             const std::string& event = {}, const std::string& action = {});
  // Deletes deliveries received more than `older_than` ago; returns how many.
  static std::int64_t prune(pqxx::transaction_base& t, std::chrono::seconds older_than);

  // The Notion webhook verification token (one row; a new one replaces the old).
  static void save_notion_verification_token(pqxx::transaction_base& t, const std::string& token);
  static std::optional<std::string> notion_verification_token(pqxx::transaction_base& t);
};

}  // namespace ngsync::storage
