// (replaced by the storage layer)
namespace ngsync::storage {}
