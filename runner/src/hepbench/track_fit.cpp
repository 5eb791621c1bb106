// Workload "track_fit": Kalman-filter fitting of charged-particle tracks,
// the inner loop of HEP track reconstruction. Small dense floating-point
// algebra: 5x5 covariance propagation (F C F^T + Q), 2-D measurement
// updates with gain matrices, chi-square accumulation.
//
// Each event simulates tracks through planar detectors in a weak magnetic
// field (helix approximated to second order in z) with multiple scattering
// and Gaussian hit smearing, then fits each track forward and refits it
// backward. The checksum covers the fitted parameters, the covariance
// diagonal and the chi-squares of every track.
#include <array>
#include <cstdint>

#include "hepbench/det_math.hpp"
#include "hepbench/prng.hpp"
#include "hepbench/workload.hpp"

namespace kiln::hepbench {
namespace {

constexpr std::uint64_t kSeed = 0x7A45'5EED'0000'0002ULL;
constexpr int kPlanes = 16;
constexpr int kTracksPerEvent = 10;
constexpr double kFirstPlaneZ = 20.0;  // cm
constexpr double kPlaneSpacing = 30.0;
constexpr double kCurvature = 3e-4;  // field constant: dtx/dz per unit q/p
constexpr double kSigmaX = 0.01;     // cm, hit resolution
constexpr double kSigmaY = 0.03;
constexpr double kScatterPerPlane = 0.0014;  // rad at q/p = 1

using Vec5 = std::array<double, 5>;  // x, y, tx, ty, q/p
using Mat5 = std::array<std::array<double, 5>, 5>;

struct Hit {
  double x, y;
};
using TrackHits = std::array<Hit, kPlanes>;

double plane_z(int plane) {
  return kFirstPlaneZ + kPlaneSpacing * plane;
}

Mat5 identity() {
  Mat5 m{};
  for (std::size_t i = 0; i < 5; ++i) m[i][i] = 1.0;
  return m;
}

Mat5 multiply(const Mat5& a, const Mat5& b) {
  Mat5 c{};
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 5; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < 5; ++k) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
  }
  return c;
}

// a * b^T
Mat5 multiply_transposed(const Mat5& a, const Mat5& b) {
  Mat5 c{};
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 5; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < 5; ++k) s += a[i][k] * b[j][k];
      c[i][j] = s;
    }
  }
  return c;
}

// The transport matrix over dz for the second-order helix.
Mat5 transport(double dz) {
  Mat5 f = identity();
  f[0][2] = dz;
  f[0][4] = 0.5 * kCurvature * dz * dz;
  f[1][3] = dz;
  f[2][4] = kCurvature * dz;
  return f;
}

Vec5 transform(const Mat5& f, const Vec5& v) {
  Vec5 out{};
  for (std::size_t i = 0; i < 5; ++i) {
    double s = 0.0;
    for (std::size_t k = 0; k < 5; ++k) s += f[i][k] * v[k];
    out[i] = s;
  }
  return out;
}

TrackHits simulate_track(Xoshiro256& rng) {
  // One random draw per statement: C++ leaves the order of operand
  // evaluation unspecified, and compilers differ.
  Vec5 s{};
  for (std::size_t i = 0; i < 2; ++i) s[i] = rng.uniform(-20.0, 20.0);
  for (std::size_t i = 2; i < 4; ++i) s[i] = rng.uniform(-0.2, 0.2);
  s[4] = rng.uniform(0.1, 2.0);
  if (rng.uniform() < 0.5) s[4] = -s[4];
  TrackHits hits{};
  double z = 0.0;
  for (int plane = 0; plane < kPlanes; ++plane) {
    s = transform(transport(plane_z(plane) - z), s);
    z = plane_z(plane);
    const double scatter = kScatterPerPlane * (s[4] < 0 ? -s[4] : s[4]);
    s[2] += scatter * det_gaussian(rng);
    s[3] += scatter * det_gaussian(rng);
    const double smear_x = kSigmaX * det_gaussian(rng);
    const double smear_y = kSigmaY * det_gaussian(rng);
    hits[static_cast<std::size_t>(plane)] = {s[0] + smear_x, s[1] + smear_y};
  }
  return hits;
}

struct FitState {
  Vec5 x{};
  Mat5 c{};
  double chi2 = 0.0;
};

// One Kalman step: predict to plane `plane` from z_from, update with its hit.
void filter_step(FitState& st, double z_from, int plane, const Hit& hit) {
  const double dz = plane_z(plane) - z_from;
  if (dz != 0.0) {
    const Mat5 f = transport(dz);
    st.x = transform(f, st.x);
    st.c = multiply_transposed(multiply(f, st.c), f);
    const double qop = st.x[4] < 0 ? -st.x[4] : st.x[4];
    const double scatter2 = kScatterPerPlane * kScatterPerPlane * (qop * qop + 0.01);
    st.c[2][2] += scatter2;
    st.c[3][3] += scatter2;
  }
  // S = H C H^T + R with H selecting (x, y).
  const double s00 = st.c[0][0] + kSigmaX * kSigmaX;
  const double s01 = st.c[0][1];
  const double s11 = st.c[1][1] + kSigmaY * kSigmaY;
  const double det = s00 * s11 - s01 * s01;
  const double i00 = s11 / det;
  const double i01 = -s01 / det;
  const double i11 = s00 / det;
  const double r0 = hit.x - st.x[0];
  const double r1 = hit.y - st.x[1];
  st.chi2 += r0 * (i00 * r0 + i01 * r1) + r1 * (i01 * r0 + i11 * r1);
  // K = C H^T S^-1 (5x2); x += K r; C -= K H C.
  std::array<std::array<double, 2>, 5> gain{};
  for (std::size_t i = 0; i < 5; ++i) {
    gain[i][0] = st.c[i][0] * i00 + st.c[i][1] * i01;
    gain[i][1] = st.c[i][0] * i01 + st.c[i][1] * i11;
    st.x[i] += gain[i][0] * r0 + gain[i][1] * r1;
  }
  Mat5 updated = st.c;
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 5; ++j) {
      updated[i][j] -= gain[i][0] * st.c[0][j] + gain[i][1] * st.c[1][j];
    }
  }
  st.c = updated;
}

class TrackFit final : public Workload {
 public:
  explicit TrackFit(std::uint32_t events_per_batch) : events_(events_per_batch) {}

  std::uint64_t run_batch() override {
    Checksum sum;
    for (std::uint32_t event = 0; event < events_; ++event) {
      Xoshiro256 rng(event_seed(kSeed, event));
      for (int track = 0; track < kTracksPerEvent; ++track) fit_track(simulate_track(rng), sum);
    }
    return sum.value();
  }

 private:
  static void fit_track(const TrackHits& hits, Checksum& sum) {
    // Forward pass, seeded from the first hit with a wide covariance.
    FitState st;
    st.x = {hits[0].x, hits[0].y, 0.0, 0.0, 0.0};
    st.c = identity();
    st.c[4][4] = 4.0;
    double z = plane_z(0);
    for (int plane = 0; plane < kPlanes; ++plane) {
      filter_step(st, z, plane, hits[static_cast<std::size_t>(plane)]);
      z = plane_z(plane);
    }
    const double forward_chi2 = st.chi2;
    // Backward refit from the forward result, covariance inflated.
    st.chi2 = 0.0;
    for (auto& row : st.c) {
      for (double& v : row) v *= 100.0;
    }
    for (int plane = kPlanes - 1; plane >= 0; --plane) {
      filter_step(st, z, plane, hits[static_cast<std::size_t>(plane)]);
      z = plane_z(plane);
    }
    for (const double v : st.x) sum.add(v);
    for (std::size_t i = 0; i < 5; ++i) sum.add(st.c[i][i]);
    sum.add(forward_chi2);
    sum.add(st.chi2);
  }

  std::uint32_t events_;
};

}  // namespace

Expected<std::unique_ptr<Workload>> make_track_fit(std::uint32_t events_per_batch) {
  return allocate_workload<TrackFit>("track_fit", events_per_batch);
}

}  // namespace kiln::hepbench
