// Workload "histogram_fill": the analysis end of HEP processing. Each event
// is a list of particles (pt, eta, phi); every particle fills kinematic
// histograms and every pair computes its invariant mass and transverse
// momentum and fills weighted 1-D mass histograms (with sum of squared
// weights) and 2-D mass x pt maps. Bins are computed from floating-point
// values, so the access pattern is data-dependent and random over about
// 6 MiB of bins per copy.
//
// Histograms are cleared at the start of each batch; the checksum covers
// every bin of every histogram at the end of the batch.
#include <cmath>
#include <cstdint>
#include <vector>

#include "hepbench/det_math.hpp"
#include "hepbench/prng.hpp"
#include "hepbench/workload.hpp"

namespace kiln::hepbench {
namespace {

constexpr std::uint64_t kSeed = 0x7A45'5EED'0000'0005ULL;
constexpr std::uint32_t kCategories = 8;  // particle category = index % 8
constexpr std::uint32_t kMinParticles = 30;
constexpr std::uint32_t kExtraParticles = 30;
constexpr std::uint32_t kMaxParticles = kMinParticles + kExtraParticles;
constexpr double kPi = 3.14159265358979323846;

// A fixed-binning 1-D axis with underflow (bin 0) and overflow (bin n + 1).
struct Axis {
  double lo;
  double hi;
  std::uint32_t bins;

  [[nodiscard]] std::uint32_t cells() const { return bins + 2; }
  [[nodiscard]] std::uint32_t bin(double x) const {
    if (x < lo) return 0;
    if (x >= hi) return bins + 1;
    const auto b = static_cast<std::uint32_t>((x - lo) * (bins / (hi - lo)));
    return 1 + (b < bins ? b : bins - 1);
  }
};

constexpr Axis kPtAxis{0.0, 100.0, 200};
constexpr Axis kEtaAxis{-2.5, 2.5, 100};
constexpr Axis kPhiAxis{-kPi, kPi, 128};
constexpr Axis kMassAxis{0.0, 200.0, 2048};
constexpr Axis kMapMassAxis{0.0, 200.0, 254};
constexpr Axis kMapPtAxis{0.0, 150.0, 254};
constexpr std::uint32_t kMassHistograms = kCategories * kCategories;
constexpr std::uint32_t kMaps = 8;

struct Particle {
  double pt, exp_eta, inv_exp_eta, cos_phi, sin_phi;
};

class HistogramFill final : public Workload {
 public:
  explicit HistogramFill(std::uint32_t events_per_batch)
      : events_(events_per_batch),
        pt_(static_cast<std::size_t>(kCategories) * kPtAxis.cells()),
        eta_(static_cast<std::size_t>(kCategories) * kEtaAxis.cells()),
        phi_(static_cast<std::size_t>(kCategories) * kPhiAxis.cells()),
        mass_(static_cast<std::size_t>(kMassHistograms) * kMassAxis.cells()),
        mass_w2_(mass_.size()),
        maps_(static_cast<std::size_t>(kMaps) * kMapMassAxis.cells() * kMapPtAxis.cells()) {
    particles_.reserve(kMaxParticles);
  }

  std::uint64_t run_batch() override {
    for (auto* h : {&pt_, &eta_, &phi_, &mass_, &mass_w2_, &maps_}) h->assign(h->size(), 0.0);
    for (std::uint32_t event = 0; event < events_; ++event) {
      Xoshiro256 rng(event_seed(kSeed, event));
      fill_event(rng);
    }
    Checksum sum;
    for (const auto* h : {&pt_, &eta_, &phi_, &mass_, &mass_w2_, &maps_}) {
      for (const double v : *h) sum.add(v);
    }
    return sum.value();
  }

 private:
  static std::size_t at(std::uint32_t histogram, const Axis& axis, double x) {
    return static_cast<std::size_t>(histogram) * axis.cells() + axis.bin(x);
  }

  void fill_event(Xoshiro256& rng) {
    particles_.clear();
    const std::uint32_t n = kMinParticles + rng.below(kExtraParticles + 1);
    for (std::uint32_t i = 0; i < n; ++i) {
      const double pt = 0.5 - 10.0 * det_log(rng.uniform_nonzero());
      const double eta = rng.uniform(-2.5, 2.5);
      const double phi = rng.uniform(-kPi, kPi);
      const double exp_eta = det_exp(eta);
      particles_.push_back({pt, exp_eta, 1.0 / exp_eta, det_cos(phi), det_sin(phi)});
      const std::uint32_t category = i % kCategories;
      pt_[at(category, kPtAxis, pt)] += 1.0;
      eta_[at(category, kEtaAxis, eta)] += 1.0;
      phi_[at(category, kPhiAxis, phi)] += 1.0;
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      const Particle& a = particles_[i];
      for (std::uint32_t j = i + 1; j < n; ++j) {
        const Particle& b = particles_[j];
        // Massless pair: m^2 = 2 pt_a pt_b (cosh(deta) - cos(dphi)).
        const double cosh_deta = 0.5 * (a.exp_eta * b.inv_exp_eta + b.exp_eta * a.inv_exp_eta);
        const double cos_dphi = a.cos_phi * b.cos_phi + a.sin_phi * b.sin_phi;
        const double m2 = 2.0 * a.pt * b.pt * (cosh_deta - cos_dphi);
        const double mass = std::sqrt(m2 > 0.0 ? m2 : 0.0);
        const double px = a.pt * a.cos_phi + b.pt * b.cos_phi;
        const double py = a.pt * a.sin_phi + b.pt * b.sin_phi;
        const double pair_pt = std::sqrt(px * px + py * py);
        const double weight = 1.0 / (1.0 + 0.01 * pair_pt);
        const std::uint32_t pair = (i % kCategories) * kCategories + (j % kCategories);
        const std::size_t mass_bin = at(pair, kMassAxis, mass);
        mass_[mass_bin] += weight;
        mass_w2_[mass_bin] += weight * weight;
        const std::uint32_t map = (i + j) % kMaps;
        const std::size_t map_bin =
            (static_cast<std::size_t>(map) * kMapMassAxis.cells() + kMapMassAxis.bin(mass)) *
                kMapPtAxis.cells() +
            kMapPtAxis.bin(pair_pt);
        maps_[map_bin] += weight;
      }
    }
  }

  std::uint32_t events_;
  std::vector<Particle> particles_;
  std::vector<double> pt_;
  std::vector<double> eta_;
  std::vector<double> phi_;
  std::vector<double> mass_;
  std::vector<double> mass_w2_;
  std::vector<double> maps_;
};

}  // namespace

Expected<std::unique_ptr<Workload>> make_histogram_fill(std::uint32_t events_per_batch) {
  return allocate_workload<HistogramFill>("histogram_fill", events_per_batch);
}

}  // namespace kiln::hepbench
