#pragma once
// The error of a pure sync function that rejects user input (a repository name, a page value):
// a message written for the person who will read it on the Notion page.
#include <string>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace ngsync::sync {

struct input_error {
  std::string message;
};

// Lets result<T, input_error>::value() throw std::invalid_argument with the message.
[[noreturn]] void throw_exception_from_error(const input_error& e,
                                             const boost::source_location& loc);

template <class T>
using input_result = boost::system::result<T, input_error>;

}  // namespace ngsync::sync
