#pragma once
// Reading nullable columns of a libpqxx row. Storage-internal: included only by storage/*.cpp
// (it includes libpqxx, which code outside storage/ never sees).
#include <cstdint>
#include <optional>

#include <pqxx/pqxx>

#include "storage/sql_time.hpp"

namespace ngsync::storage {

// A bigint column of epoch microseconds (sql_us) as a time; nullopt for NULL.
inline std::optional<sys_time> time_field(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_epoch_us(f.as<std::int64_t>());
}
template <class T>
std::optional<T> optional_field(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

}  // namespace ngsync::storage
