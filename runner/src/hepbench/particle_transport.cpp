// Workload "particle_transport": Monte Carlo transport of electromagnetic
// showers through a sampling calorimeter, in the manner of Geant4's
// stepping loop. Branchy code, transcendental math, random step lengths and
// interaction choices, a secondary-particle stack.
//
// Toy physics, real structure: photons undergo pair production, Compton
// scattering or photoabsorption; electrons and positrons lose energy
// continuously, radiate bremsstrahlung and scatter (Highland formula).
// Units: GeV and cm. The checksum covers every layer's deposited energy, the
// leaked energy and the step and particle counts of every event.
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "hepbench/det_math.hpp"
#include "hepbench/prng.hpp"
#include "hepbench/workload.hpp"

namespace kiln::hepbench {
namespace {

constexpr std::uint64_t kSeed = 0x7A45'5EED'0000'0001ULL;
constexpr int kSlabs = 60;              // alternating absorber / scintillator
constexpr double kSlabThickness = 0.5;  // cm
constexpr double kDepth = kSlabs * kSlabThickness;
constexpr double kRadius2 = 30.0 * 30.0;  // cm^2, transverse containment
constexpr double kElectronMass = 0.000511;
constexpr double kPhotonCut = 0.001;    // GeV: photons below are absorbed
constexpr double kElectronCut = 0.005;  // GeV: electrons below stop
constexpr std::size_t kStackCapacity = 4096;
constexpr std::uint64_t kMaxStepsPerEvent = 2'000'000;
constexpr double kTwoPi = 6.28318530717958647692;

struct Material {
  double radiation_length;  // cm
  double dedx;              // GeV/cm, minimum ionising
  double compton;           // 1/cm at 1 MeV
  double photoelectric;     // 1/cm at 1 MeV
};
constexpr Material kAbsorber{0.56, 0.0127, 0.8, 2.0};
constexpr Material kScintillator{42.0, 0.0020, 0.07, 0.001};

enum class Kind : std::uint8_t { kPhoton, kElectron, kPositron };

struct Particle {
  double x, y, z, ux, uy, uz, energy;
  Kind kind;
};

// Rotates direction (ux, uy, uz) by a polar angle given by its cosine and
// sine, and azimuth phi.
void rotate(Particle& p, double ct, double st, double phi) {
  const double sp = det_sin(phi);
  const double cp = det_cos(phi);
  if (std::fabs(p.uz) > 0.99999) {
    const double sign = p.uz > 0 ? 1.0 : -1.0;
    p.ux = st * cp;
    p.uy = st * sp;
    p.uz = sign * ct;
    return;
  }
  const double perp = std::sqrt(1.0 - p.uz * p.uz);
  const double ux = st * (p.ux * p.uz * cp - p.uy * sp) / perp + p.ux * ct;
  const double uy = st * (p.uy * p.uz * cp + p.ux * sp) / perp + p.uy * ct;
  const double uz = -st * cp * perp + p.uz * ct;
  const double norm = 1.0 / std::sqrt(ux * ux + uy * uy + uz * uz);
  p.ux = ux * norm;
  p.uy = uy * norm;
  p.uz = uz * norm;
}

void rotate(Particle& p, double theta, double phi) {
  rotate(p, det_cos(theta), det_sin(theta), phi);
}

class ParticleTransport final : public Workload {
 public:
  explicit ParticleTransport(std::uint32_t events_per_batch) : events_(events_per_batch) {
    stack_.reserve(kStackCapacity);
  }

  std::uint64_t run_batch() override {
    Checksum sum;
    for (std::uint32_t event = 0; event < events_; ++event) transport_event(event, sum);
    return sum.value();
  }

 private:
  static int slab_of(double z) {
    const int slab = static_cast<int>(z / kSlabThickness);
    return slab < 0 ? 0 : (slab >= kSlabs ? kSlabs - 1 : slab);
  }
  static const Material& material_of(int slab) {
    return (slab % 2 == 0) ? kAbsorber : kScintillator;
  }
  // Distance along the direction to the slab's boundary (plus a nudge across).
  static double distance_to_boundary(const Particle& p, int slab) {
    if (p.uz > 1e-12) return ((slab + 1) * kSlabThickness - p.z) / p.uz + 1e-7;
    if (p.uz < -1e-12) return (p.z - slab * kSlabThickness) / -p.uz + 1e-7;
    return 1e30;
  }

  void push(const Particle& p, int slab) {
    if (stack_.size() < kStackCapacity) {
      stack_.push_back(p);
    } else {
      deposit_[static_cast<std::size_t>(slab)] += p.energy;  // stack full: absorb locally
    }
  }

  void transport_event(std::uint32_t event, Checksum& sum) {
    Xoshiro256 rng(event_seed(kSeed, event));
    deposit_.fill(0.0);
    leaked_ = 0.0;
    steps_ = 0;
    std::uint64_t particles = 0;
    // One random draw per statement: C++ leaves argument evaluation order
    // unspecified, and compilers differ.
    const double x = rng.uniform(-1.0, 1.0);
    const double y = rng.uniform(-1.0, 1.0);
    const double energy = rng.uniform(2.0, 20.0);
    const Kind kind = rng.uniform() < 0.5 ? Kind::kPhoton : Kind::kElectron;
    const double theta = 0.05 * rng.uniform();
    const double phi = kTwoPi * rng.uniform();
    Particle primary{x, y, 0.0, 0.0, 0.0, 1.0, energy, kind};
    rotate(primary, theta, phi);
    stack_.clear();
    stack_.push_back(primary);
    while (!stack_.empty() && steps_ < kMaxStepsPerEvent) {
      Particle p = stack_.back();
      stack_.pop_back();
      ++particles;
      if (p.kind == Kind::kPhoton) {
        track_photon(p, rng);
      } else {
        track_charged(p, rng);
      }
    }
    for (const double e : deposit_) sum.add(e);
    sum.add(leaked_);
    sum.add(steps_);
    sum.add(particles);
  }

  // Moves p by `step`; returns false (after booking leakage) when it leaves.
  bool move(Particle& p, double step) {
    p.x += step * p.ux;
    p.y += step * p.uy;
    p.z += step * p.uz;
    ++steps_;
    if (p.z < 0.0 || p.z >= kDepth || p.x * p.x + p.y * p.y > kRadius2) {
      leaked_ += p.energy;
      return false;
    }
    return true;
  }

  void track_photon(Particle& p, Xoshiro256& rng) {
    while (steps_ < kMaxStepsPerEvent) {
      if (p.energy < kPhotonCut) {
        deposit_[static_cast<std::size_t>(slab_of(p.z))] += p.energy;
        return;
      }
      const int slab = slab_of(p.z);
      const Material& m = material_of(slab);
      const double log_e = det_log(p.energy / 0.001);
      const double mu_pair = p.energy > 2 * kElectronMass ? (7.0 / 9.0) / m.radiation_length *
                                                                (1.0 - det_exp(-p.energy / 0.05))
                                                          : 0.0;
      const double mu_compton = m.compton * det_exp(-0.7 * log_e);
      const double mu_photo = m.photoelectric * det_exp(-3.0 * log_e);
      const double mu = mu_pair + mu_compton + mu_photo;
      const double step = -det_log(rng.uniform_nonzero()) / mu;
      const double boundary = distance_to_boundary(p, slab);
      if (step >= boundary) {
        if (!move(p, boundary)) return;
        continue;  // memoryless: resample in the next slab
      }
      if (!move(p, step)) return;
      const double choice = rng.uniform() * mu;
      if (choice < mu_pair) {
        pair_produce(p, rng, slab);
        return;
      }
      if (choice < mu_pair + mu_compton) {
        compton_scatter(p, rng, slab);
        continue;
      }
      deposit_[static_cast<std::size_t>(slab)] += p.energy;  // photoabsorption
      return;
    }
  }

  void pair_produce(const Particle& p, Xoshiro256& rng, int slab) {
    const double kinetic = p.energy - 2 * kElectronMass;
    const double fraction = rng.uniform(0.05, 0.95);
    const double theta = kElectronMass / p.energy * std::fabs(det_gaussian(rng));
    const double phi = kTwoPi * rng.uniform();
    Particle electron = p;
    electron.kind = Kind::kElectron;
    electron.energy = fraction * kinetic;
    rotate(electron, theta, phi);
    Particle positron = p;
    positron.kind = Kind::kPositron;
    positron.energy = (1.0 - fraction) * kinetic;
    rotate(positron, theta, phi + kTwoPi / 2);
    push(electron, slab);
    push(positron, slab);
  }

  // Samples the scattered photon's energy fraction from a 1/eps law with a
  // Klein-Nishina-like rejection (branchy, variable trip count).
  void compton_scatter(Particle& p, Xoshiro256& rng, int slab) {
    const double k = p.energy / kElectronMass;
    const double eps0 = 1.0 / (1.0 + 2.0 * k);
    const double log_eps0 = det_log(eps0);
    double eps = 1.0;
    double cos_theta = 1.0;
    for (int attempt = 0; attempt < 64; ++attempt) {
      eps = det_exp(log_eps0 * rng.uniform());
      cos_theta = 1.0 - (1.0 - eps) / (eps * k);
      const double sin2 = 1.0 - cos_theta * cos_theta;
      if (rng.uniform() <= 1.0 - eps * sin2 / (1.0 + eps * eps)) break;
    }
    if (cos_theta < -1.0) cos_theta = -1.0;
    const double phi = kTwoPi * rng.uniform();
    Particle electron = p;
    electron.kind = Kind::kElectron;
    electron.energy = p.energy * (1.0 - eps);
    // The electron leaves at (pi - theta) / 2: cos = sin(theta/2), sin = cos(theta/2).
    rotate(electron, std::sqrt(0.5 * (1.0 - cos_theta)), std::sqrt(0.5 * (1.0 + cos_theta)),
           phi + kTwoPi / 2);
    p.energy *= eps;
    rotate(p, cos_theta, std::sqrt(1.0 - cos_theta * cos_theta), phi);
    if (electron.energy >= kElectronCut) {
      push(electron, slab);
    } else {
      deposit_[static_cast<std::size_t>(slab)] += electron.energy;
    }
  }

  void track_charged(Particle& p, Xoshiro256& rng) {
    while (steps_ < kMaxStepsPerEvent) {
      const int slab = slab_of(p.z);
      if (p.energy < kElectronCut) {
        const double annihilation = p.kind == Kind::kPositron ? 2 * kElectronMass : 0.0;
        deposit_[static_cast<std::size_t>(slab)] += p.energy + annihilation;
        return;
      }
      const Material& m = material_of(slab);
      const double log_e = det_log(p.energy / 0.001);
      const double dedx = m.dedx * (1.0 + 0.05 * log_e);
      const double mu_brem = 0.5 * log_e / m.radiation_length;
      const double brem_step = -det_log(rng.uniform_nonzero()) / mu_brem;
      const double msc_limit = 0.2 * m.radiation_length;
      const double range_limit = 0.5 * p.energy / dedx + 1e-6;
      const double boundary = distance_to_boundary(p, slab);
      double step = brem_step;
      if (msc_limit < step) step = msc_limit;
      if (range_limit < step) step = range_limit;
      if (boundary < step) step = boundary;
      if (!move(p, step)) return;
      double loss = step * dedx;
      if (loss > p.energy) loss = p.energy;
      deposit_[static_cast<std::size_t>(slab)] += loss;
      p.energy -= loss;
      if (p.energy <= 0.0) continue;
      const double t = step / m.radiation_length;
      const double theta0 = 0.0136 / p.energy * std::sqrt(t) * (1.0 + 0.038 * det_log(t));
      double theta = std::fabs(theta0 * det_gaussian(rng));
      if (theta > 3.14159265358979323846) theta = 3.14159265358979323846;
      rotate(p, theta, kTwoPi * rng.uniform());
      if (step == brem_step && p.energy > 2 * kPhotonCut) {
        const double photon_energy =
            kPhotonCut * det_exp(rng.uniform() * det_log(p.energy / kPhotonCut));
        Particle photon = p;
        photon.kind = Kind::kPhoton;
        photon.energy = photon_energy < p.energy ? photon_energy : 0.5 * p.energy;
        p.energy -= photon.energy;
        rotate(photon, kElectronMass / p.energy, kTwoPi * rng.uniform());
        push(photon, slab);
      }
    }
  }

  std::uint32_t events_;
  std::vector<Particle> stack_;
  std::array<double, kSlabs> deposit_{};
  double leaked_ = 0.0;
  std::uint64_t steps_ = 0;
};

}  // namespace

Expected<std::unique_ptr<Workload>> make_particle_transport(std::uint32_t events_per_batch) {
  return allocate_workload<ParticleTransport>("particle_transport", events_per_batch);
}

}  // namespace kiln::hepbench
