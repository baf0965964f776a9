#include "storage/webhook_deliveries.hpp"

#include <pqxx/pqxx>

namespace ngsync::storage {

bool webhook_deliveries::first_delivery(transaction tx, const std::string& source,
                                        const std::string& hook_id, const std::string& delivery_id,
                                        const std::string& event, const std::string& action) {
  pqxx::transaction_base& t = tx.sql();
  auto r = t.exec_params(
      "INSERT INTO webhook_deliveries (source, hook_id, delivery_id, event, action)"
      " VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, '')) ON CONFLICT DO NOTHING",
      source, hook_id, delivery_id, event, action);
  return r.affected_rows() == 1;
}

}  // namespace ngsync::storage
