// hello: an ordinary iostream program, with nothing hvrun-specific in it. Its
// output is the same natively and under hvrun (argv[0] is left out: the path
// the app sees may differ), so tests can compare the two runs byte for byte.
//
//   $ bin/hello a b              $ bin/hvrun bin/hello a b
//   Hello from hvrun!            Hello from hvrun!
//   argc: 3                      argc: 3
//   argv[1]: a                   argv[1]: a
//   argv[2]: b                   argv[2]: b

#include <iostream>

int main(int argc, char** argv) {
  std::cout << "Hello from hvrun!\n";
  std::cout << "argc: " << argc << "\n";
  for (int i = 1; i < argc; ++i) std::cout << "argv[" << i << "]: " << argv[i] << "\n";
  return 0;
}
