// Writes stdsort.txt: inputs with many ties and the order GNU libstdc++'s std::sort leaves them in,
// so StdSortTest can check that StdSort is libstdc++'s algorithm and not merely "a sort".
// Build and run: g++ -O2 -o /tmp/stdsort_fixture stdsort_fixture.cpp && /tmp/stdsort_fixture > stdsort.txt
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <utility>
#include <vector>

int main() {
  uint64_t seed = 12345;
  auto next = [&seed]() {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(seed >> 33);
  };
  const int sizes[] = {1, 2, 5, 16, 17, 20, 33, 64, 100, 257, 1000};
  const int ranges[] = {1, 2, 3, 10, 1000};
  for (int n : sizes) {
    for (int r : ranges) {
      std::vector<std::pair<int, int>> v;
      for (int i = 0; i < n; i++) v.push_back({(int)(next() % r), i});
      for (auto &p : v) printf("%d ", p.first);
      printf("|");
      std::sort(v.begin(), v.end(), [](auto &a, auto &b) { return a.first < b.first; });
      for (auto &p : v) printf(" %d", p.second);
      printf("\n");
    }
  }
  // already sorted and reversed inputs with ties: quicksort's worst cases, heapsort fallback
  for (int n : {40, 300}) {
    for (int rev = 0; rev < 2; rev++) {
      std::vector<std::pair<int, int>> v;
      for (int i = 0; i < n; i++) v.push_back({rev ? (n - i) / 3 : i / 3, i});
      for (auto &p : v) printf("%d ", p.first);
      printf("|");
      std::sort(v.begin(), v.end(), [](auto &a, auto &b) { return a.first < b.first; });
      for (auto &p : v) printf(" %d", p.second);
      printf("\n");
    }
  }
}
