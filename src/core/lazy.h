// A value that is usually absent and large when present, stored behind a
// pointer so that holding none costs 8 bytes. PortResult keeps -sV's
// ServiceInfo this way: a 65,535-port scan without -sV must not carry half a
// kilobyte of empty strings per port.
// Copying copies the value (it behaves as a value, not a shared pointer).
// Thread-safety: as the value it holds.
#pragma once

#include <memory>

namespace tj {

template <typename T>
class Lazy {
 public:
  Lazy() = default;
  Lazy(const Lazy& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Lazy& operator=(const Lazy& o) {
    p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Lazy(Lazy&&) noexcept = default;
  Lazy& operator=(Lazy&&) noexcept = default;
  Lazy& operator=(T v) {
    p_ = std::make_unique<T>(std::move(v));
    return *this;
  }

  bool has_value() const { return p_ != nullptr; }
  // Reading an absent value gives an empty T; writing creates it.
  const T& get() const {
    static const T kEmpty{};
    return p_ ? *p_ : kEmpty;
  }
  T& mut() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  const T* operator->() const { return &get(); }
  T* operator->() { return &mut(); }
  const T& operator*() const { return get(); }
  T& operator*() { return mut(); }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace tj
