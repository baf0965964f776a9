// ngsync-sandbox: Notion and GitHub API emulators over HTTPS.
#include <iostream>
int main() {
  std::cerr << "ngsync-sandbox: not implemented yet\n";
  return 1;
}
