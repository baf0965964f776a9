#pragma once
// The one error of the hand-written JSON parsers (Notion pages, GitHub issues, both webhooks): a
// message saying which field was wrong. A malformed answer fails one job with this message
// (api::throw_malformed); it never crashes the daemon.
#include <string>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace ngsync::api {

struct parse_error {
  std::string message;
};

// Lets boost::system::result<T, parse_error>::value() throw a readable exception.
[[noreturn]] void throw_exception_from_error(const parse_error& e,
                                             const boost::source_location& loc);

template <class T>
using parse_result = boost::system::result<T, parse_error>;

}  // namespace ngsync::api
