#include "core/sync/input_error.hpp"

#include <stdexcept>

#include <boost/throw_exception.hpp>

namespace ngsync::sync {

void throw_exception_from_error(const input_error& e, const boost::source_location& loc) {
  boost::throw_exception(std::invalid_argument(e.message), loc);
}

}  // namespace ngsync::sync
