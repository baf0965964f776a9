#pragma once
// Reads a scenario file: JSON, or YAML when the name ends in .yaml/.yml (converted to JSON).
#include <string>

#include <boost/json.hpp>

namespace ngsync::sandbox {

// Throws std::runtime_error with the file name on a missing or malformed file.
boost::json::value read_scenario_file(const std::string& path);

}  // namespace ngsync::sandbox
