// The raw TCP techniques (see tcp_probe.h), as factories for the table.
#pragma once

#include <memory>

#include "probes/tcp_probe.h"

namespace tj {

std::unique_ptr<TcpProbe> MakeSynProbe();
std::unique_ptr<TcpProbe> MakeFinProbe();
std::unique_ptr<TcpProbe> MakeNullProbe();
std::unique_ptr<TcpProbe> MakeXmasProbe();
std::unique_ptr<TcpProbe> MakeAckProbe();
std::unique_ptr<TcpProbe> MakeWindowProbe();

}  // namespace tj
