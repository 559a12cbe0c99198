// Kernel interface probes for `berth check` (probe.cc).
#pragma once
#include <string>

// Runs the probe called name; returns the errno it got, 0 on success, -1 for an unknown name.
int RunProbe(const std::string& name);
