// (replaced by the sandbox)
namespace ngsync::sandbox {}
