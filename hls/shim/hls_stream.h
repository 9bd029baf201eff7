// hwgen's stand-in for Vitis HLS <hls_stream.h>: an unbounded FIFO for C-simulation.
#ifndef HWGEN_SHIM_HLS_STREAM_H
#define HWGEN_SHIM_HLS_STREAM_H

#include <cstdio>
#include <cstdlib>
#include <deque>

namespace hls {
template <typename T>
class stream {
    std::deque<T> q_;
    const char* name_;
  public:
    stream() : name_("stream") {}
    explicit stream(const char* name) : name_(name) {}
    T read() {
        if (q_.empty()) {
            std::fprintf(stderr, "hls::stream '%s': read while empty\n", name_);
            std::exit(3);
        }
        T v = q_.front();
        q_.pop_front();
        return v;
    }
    void read(T& v) { v = read(); }
    void write(const T& v) { q_.push_back(v); }
    bool empty() const { return q_.empty(); }
    size_t size() const { return q_.size(); }
};
}  // namespace hls

#endif
