// Workload "hit_clustering": reconstruction of clusters from pixel-detector
// hits. Integer work with irregular memory access and pointer chasing:
// hits land at random places on a 1024 x 1024 pixel grid (4 MiB of cell ->
// hit indices), neighbours are merged with union-find (path halving, union
// by size) in a shuffled order, then each cluster is walked as a linked list
// to compute its charge, charge-weighted centroid and bounding box.
//
// The checksum covers the number of clusters and every cluster's size,
// charge, weighted coordinate sums and extent, in hit order.
#include <cstdint>
#include <utility>
#include <vector>

#include "hepbench/prng.hpp"
#include "hepbench/workload.hpp"

namespace kiln::hepbench {
namespace {

constexpr std::uint64_t kSeed = 0x7A45'5EED'0000'0003ULL;
constexpr std::uint32_t kGridSide = 1024;
constexpr std::uint32_t kClustersPerEvent = 500;
constexpr std::uint32_t kMaxHitsPerCluster = 16;
constexpr std::uint32_t kNoiseHitsPerEvent = 3000;
constexpr std::uint32_t kMaxHits = kClustersPerEvent * kMaxHitsPerCluster + kNoiseHitsPerEvent;
constexpr std::int32_t kEmpty = -1;

struct Hit {
  std::uint32_t x, y, charge;
};

class HitClustering final : public Workload {
 public:
  explicit HitClustering(std::uint32_t events_per_batch)
      : events_(events_per_batch),
        grid_(static_cast<std::size_t>(kGridSide) * kGridSide, kEmpty),
        parent_(kMaxHits),
        size_(kMaxHits),
        next_(kMaxHits),
        head_(kMaxHits),
        order_(kMaxHits) {
    hits_.reserve(kMaxHits);
  }

  std::uint64_t run_batch() override {
    Checksum sum;
    for (std::uint32_t event = 0; event < events_; ++event) {
      Xoshiro256 rng(event_seed(kSeed, event));
      generate_hits(rng);
      merge_neighbours(rng);
      summarise_clusters(sum);
      for (const Hit& h : hits_) grid_[cell(h.x, h.y)] = kEmpty;
    }
    return sum.value();
  }

 private:
  static std::size_t cell(std::uint32_t x, std::uint32_t y) {
    return static_cast<std::size_t>(y) * kGridSide + x;
  }

  void add_hit(std::uint32_t x, std::uint32_t y, std::uint32_t charge) {
    std::int32_t& slot = grid_[cell(x, y)];
    if (slot != kEmpty) {
      hits_[static_cast<std::size_t>(slot)].charge += charge;  // same pixel twice
      return;
    }
    slot = static_cast<std::int32_t>(hits_.size());
    hits_.push_back({x, y, charge});
  }

  void generate_hits(Xoshiro256& rng) {
    hits_.clear();
    for (std::uint32_t c = 0; c < kClustersPerEvent; ++c) {
      std::uint32_t x = rng.below(kGridSide);
      std::uint32_t y = rng.below(kGridSide);
      const std::uint32_t n = 1 + rng.below(kMaxHitsPerCluster);
      for (std::uint32_t k = 0; k < n; ++k) {
        add_hit(x, y, 20 + rng.below(200));
        const std::uint32_t step = rng.below(9);  // random walk to a neighbour
        const std::uint32_t nx = x + step % 3;
        const std::uint32_t ny = y + step / 3;
        if (nx >= 1 && nx <= kGridSide) x = nx - 1;
        if (ny >= 1 && ny <= kGridSide) y = ny - 1;
      }
    }
    for (std::uint32_t n = 0; n < kNoiseHitsPerEvent; ++n) {
      const std::uint32_t x = rng.below(kGridSide);  // one draw per statement: argument
      const std::uint32_t y = rng.below(kGridSide);  // order is unspecified in C++
      add_hit(x, y, 1 + rng.below(30));
    }
  }

  std::uint32_t find(std::uint32_t i) {
    while (parent_[i] != i) {
      parent_[i] = parent_[parent_[i]];  // path halving
      i = parent_[i];
    }
    return i;
  }

  void unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }

  // Unions every hit with its 8 neighbours, visiting hits in a shuffled order.
  void merge_neighbours(Xoshiro256& rng) {
    const auto n = static_cast<std::uint32_t>(hits_.size());
    for (std::uint32_t i = 0; i < n; ++i) {
      parent_[i] = i;
      size_[i] = 1;
      order_[i] = i;
    }
    for (std::uint32_t i = n; i > 1; --i) std::swap(order_[i - 1], order_[rng.below(i)]);
    for (std::uint32_t k = 0; k < n; ++k) {
      const std::uint32_t i = order_[k];
      const Hit& h = hits_[i];
      for (std::uint32_t dy = 0; dy < 3; ++dy) {
        for (std::uint32_t dx = 0; dx < 3; ++dx) {
          if ((dx == 1 && dy == 1) || h.x + dx < 1 || h.x + dx > kGridSide || h.y + dy < 1 ||
              h.y + dy > kGridSide) {
            continue;
          }
          const std::int32_t j = grid_[cell(h.x + dx - 1, h.y + dy - 1)];
          if (j != kEmpty) unite(i, static_cast<std::uint32_t>(j));
        }
      }
    }
  }

  // Threads each cluster's hits into a linked list, then walks each list.
  void summarise_clusters(Checksum& sum) {
    const auto n = static_cast<std::uint32_t>(hits_.size());
    for (std::uint32_t i = 0; i < n; ++i) head_[i] = kEmpty;
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t root = find(i);
      next_[i] = head_[root];
      head_[root] = static_cast<std::int32_t>(i);
    }
    std::uint64_t clusters = 0;
    for (std::uint32_t root = 0; root < n; ++root) {
      if (parent_[root] != root) continue;
      ++clusters;
      std::uint64_t count = 0;
      std::uint64_t charge = 0;
      std::uint64_t sum_x = 0;
      std::uint64_t sum_y = 0;
      std::uint32_t min_x = kGridSide;
      std::uint32_t max_x = 0;
      for (std::int32_t i = head_[root]; i != kEmpty; i = next_[static_cast<std::size_t>(i)]) {
        const Hit& h = hits_[static_cast<std::size_t>(i)];
        ++count;
        charge += h.charge;
        sum_x += static_cast<std::uint64_t>(h.x) * h.charge;
        sum_y += static_cast<std::uint64_t>(h.y) * h.charge;
        if (h.x < min_x) min_x = h.x;
        if (h.x > max_x) max_x = h.x;
      }
      sum.add(count);
      sum.add(charge);
      sum.add(sum_x);
      sum.add(sum_y);
      sum.add(static_cast<std::uint64_t>(max_x - min_x));
    }
    sum.add(clusters);
  }

  std::uint32_t events_;
  std::vector<std::int32_t> grid_;
  std::vector<Hit> hits_;
  std::vector<std::uint32_t> parent_;
  std::vector<std::uint32_t> size_;
  std::vector<std::int32_t> next_;
  std::vector<std::int32_t> head_;
  std::vector<std::uint32_t> order_;
};

}  // namespace

Expected<std::unique_ptr<Workload>> make_hit_clustering(std::uint32_t events_per_batch) {
  return allocate_workload<HitClustering>("hit_clustering", events_per_batch);
}

}  // namespace kiln::hepbench
