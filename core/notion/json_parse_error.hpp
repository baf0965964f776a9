#pragma once
// The error of the hand-written Notion JSON parsers: a message saying which field was wrong.
// A malformed page fails one job with this message; it never crashes the daemon.
#include <string>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace ngsync::notion {

struct parse_error {
  std::string message;
};

// Lets boost::system::result<T, parse_error>::value() throw a readable exception.
[[noreturn]] void throw_exception_from_error(const parse_error& e,
                                             const boost::source_location& loc);

template <class T>
using parse_result = boost::system::result<T, parse_error>;

}  // namespace ngsync::notion
