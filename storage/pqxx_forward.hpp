#pragma once
// The libpqxx (6.4) names storage's public headers mention, declared without including libpqxx,
// so code outside storage/ that includes them never compiles libpqxx's headers. Only
// references and pointers to these types appear in those headers; storage/*.cpp include libpqxx
// itself. The declarations match libpqxx 6's own (in its types.hxx and connection.hxx).
namespace pqxx {
class connection_base;
class transaction_base;
class field;
class connect_direct;
template <typename CONNECTPOLICY>
class basic_connection_base;
using connection = basic_connection_base<connect_direct>;
}  // namespace pqxx
