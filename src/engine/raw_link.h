// One interface and address family a raw run sends and listens on, opened
// while still privileged (engine/link_set.h) and shared by the raw TCP and
// UDP engines and host discovery. The capture ring and the senders are held
// by their interfaces (net/frame_io.h), so a unit test can run any of them
// on frames in memory.
// Thread-safety: the run given a link owns it for its duration.
#pragma once

#include <memory>
#include <vector>

#include "net/frame_io.h"
#include "net/route.h"

namespace tj {

struct RawLink {
  RouteInfo route;
  std::unique_ptr<FrameSource> rx;
  std::vector<std::unique_ptr<FrameSink>> tx;  // one per sending thread
};

}  // namespace tj
