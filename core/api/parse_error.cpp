#include "core/api/parse_error.hpp"

#include <stdexcept>

#include <boost/throw_exception.hpp>

namespace ngsync::api {

void throw_exception_from_error(const parse_error& e, const boost::source_location& loc) {
  boost::throw_exception(std::runtime_error("malformed JSON: " + e.message), loc);
}

}  // namespace ngsync::api
