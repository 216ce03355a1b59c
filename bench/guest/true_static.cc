// true_static: does nothing and exits 0, linked -static: the static twin of
// Debian's dynamically linked /bin/true for BM_StartStatic_* (hv_bench).
int main() { return 0; }
