// hwgen's stand-in for the subset of Vitis HLS <ap_int.h> that hls/ uses, so the kernel
// library C-simulates with plain g++. Selected only when the real headers are not used
// (XILINX_HLS unset). Arbitrary-width unsigned words (ap_uint<W>) with bit and range access,
// bitwise ops, comparison and conversion; ap_int<W> for W <= 64 (two's complement wrap).
#ifndef HWGEN_SHIM_AP_INT_H
#define HWGEN_SHIM_AP_INT_H
#define HWGEN_SHIM 1

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

template <int W>
class ap_uint {
    static_assert(W >= 1, "ap_uint width must be >= 1");
    static constexpr int N = (W + 63) / 64;
    std::array<uint64_t, N> w_{};

    void clip() {
        if (W % 64) w_[N - 1] &= (~0ULL) >> (64 - W % 64);
    }

  public:
    ap_uint() = default;
    ap_uint(unsigned long long v) { w_[0] = v; clip(); }
    ap_uint(unsigned long v) : ap_uint(static_cast<unsigned long long>(v)) {}
    ap_uint(unsigned v) : ap_uint(static_cast<unsigned long long>(v)) {}
    ap_uint(long long v) {  // sign-extend, then wrap to W bits
        for (auto& x : w_) x = v < 0 ? ~0ULL : 0ULL;
        w_[0] = static_cast<uint64_t>(v);
        clip();
    }
    ap_uint(long v) : ap_uint(static_cast<long long>(v)) {}
    ap_uint(int v) : ap_uint(static_cast<long long>(v)) {}
    ap_uint(bool v) : ap_uint(static_cast<unsigned long long>(v)) {}
    // from text in radix 16 (the form the generated weight headers use)
    ap_uint(const char* s, signed char radix) {
        (void)radix;
        size_t n = std::strlen(s);
        for (size_t i = 0; i < n; i++) {
            char c = s[n - 1 - i];
            unsigned d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 0;
            size_t bit = 4 * i;
            if (bit / 64 < static_cast<size_t>(N)) w_[bit / 64] |= static_cast<uint64_t>(d) << (bit % 64);
            if (bit % 64 > 60 && bit / 64 + 1 < static_cast<size_t>(N)) w_[bit / 64 + 1] |= static_cast<uint64_t>(d) >> (64 - bit % 64);
        }
        clip();
    }
    template <int W2>
    ap_uint(const ap_uint<W2>& o) {
        constexpr int M = N < ap_uint<W2>::words() ? N : ap_uint<W2>::words();
        for (int i = 0; i < M; i++) w_[i] = o.word(i);
        clip();
    }

    static constexpr int words() { return N; }
    uint64_t word(int i) const { return w_[i]; }
    void set_word(int i, uint64_t v) { w_[i] = v; clip(); }

    // one-word values index word 0 statically: g++ cannot then suspect an out-of-bounds word
    const uint64_t& word_of(int i) const { if constexpr (N == 1) { (void)i; return w_[0]; } else { return w_[i / 64]; } }
    uint64_t& word_of(int i) { if constexpr (N == 1) { (void)i; return w_[0]; } else { return w_[i / 64]; } }
    bool test(int i) const { return (word_of(i) >> (i % 64)) & 1ULL; }
    void set_bit(int i, bool v) {
        if (v) word_of(i) |= 1ULL << (i % 64); else word_of(i) &= ~(1ULL << (i % 64));
    }

    class bit_ref {
        ap_uint& p_;
        int i_;
      public:
        bit_ref(ap_uint& p, int i) : p_(p), i_(i) {}
        operator bool() const { return p_.test(i_); }
        bit_ref& operator=(bool v) { p_.set_bit(i_, v); return *this; }
        bit_ref& operator=(const bit_ref& o) { p_.set_bit(i_, bool(o)); return *this; }
    };
    bit_ref operator[](int i) { return bit_ref(*this, i); }
    bool operator[](int i) const { return test(i); }

    // range (hi, lo), inclusive, as an unsigned value of at most 64 bits
    uint64_t range(int hi, int lo) const {
        uint64_t v = 0;
        for (int i = hi; i >= lo; i--) v = (v << 1) | (test(i) ? 1ULL : 0ULL);
        return v;
    }
    void set_range(int hi, int lo, uint64_t v) {
        for (int i = lo; i <= hi; i++) set_bit(i, (v >> (i - lo)) & 1ULL);
    }

    unsigned long long to_uint64() const { return w_[0]; }
    unsigned to_uint() const { return static_cast<unsigned>(w_[0]); }

    ap_uint operator~() const { ap_uint r; for (int i = 0; i < N; i++) r.w_[i] = ~w_[i]; r.clip(); return r; }
    ap_uint operator^(const ap_uint& o) const { ap_uint r; for (int i = 0; i < N; i++) r.w_[i] = w_[i] ^ o.w_[i]; return r; }
    ap_uint operator&(const ap_uint& o) const { ap_uint r; for (int i = 0; i < N; i++) r.w_[i] = w_[i] & o.w_[i]; return r; }
    ap_uint operator|(const ap_uint& o) const { ap_uint r; for (int i = 0; i < N; i++) r.w_[i] = w_[i] | o.w_[i]; return r; }
    ap_uint& operator|=(const ap_uint& o) { for (int i = 0; i < N; i++) w_[i] |= o.w_[i]; return *this; }
    bool operator==(const ap_uint& o) const { return w_ == o.w_; }
    bool operator!=(const ap_uint& o) const { return w_ != o.w_; }

    // popcount: a helper of the shim (the library counts lanes in a loop for synthesis)
    unsigned popcount() const { unsigned c = 0; for (auto x : w_) c += __builtin_popcountll(x); return c; }

    std::string to_hex() const {
        static const char* d = "0123456789abcdef";
        std::string s;
        for (int i = (W + 3) / 4 - 1; i >= 0; i--) s += d[range(i * 4 + 3 < W ? i * 4 + 3 : W - 1, i * 4)];
        return s;
    }
};

template <int W>
class ap_int {
    static_assert(W >= 1 && W <= 64, "the shim's ap_int supports 1..64 bits");
    long long v_ = 0;
    static long long wrap(long long v) {
        if (W == 64) return v;
        const unsigned long long m = (1ULL << W) - 1;
        unsigned long long u = static_cast<unsigned long long>(v) & m;
        return (u >> (W - 1)) ? static_cast<long long>(u | ~m) : static_cast<long long>(u);
    }
  public:
    ap_int() = default;
    ap_int(long long v) : v_(wrap(v)) {}
    ap_int(int v) : v_(wrap(v)) {}
    operator long long() const { return v_; }
    ap_int& operator+=(long long o) { v_ = wrap(v_ + o); return *this; }
    ap_int& operator-=(long long o) { v_ = wrap(v_ - o); return *this; }
};

#endif
