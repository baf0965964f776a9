#pragma once
// Webhook deliveries already seen (table webhook_deliveries), so a redelivered event is
// acknowledged without doing the work twice. Old ids are pruned by storage/retention; the Notion
// verification tokens live in storage/notion_webhook_tokens.
#include <string>

#include "storage/transaction.hpp"

namespace ngsync::storage {

class webhook_deliveries {
 public:
  // True the first time (source, hook_id, delivery_id) is seen; false for a redelivery.
  static bool first_delivery(transaction t, const std::string& source,
                             const std::string& hook_id, const std::string& delivery_id,
                             const std::string& event = {}, const std::string& action = {});
};

}  // namespace ngsync::storage
