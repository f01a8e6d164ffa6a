import CSystem
import Glibc

/// CPU placement facts the server sizes itself by.
enum Scheduling {
    /// Cores in this process's affinity mask (so `taskset` is honoured), else the online count.
    static func availableCores() -> Int {
        let count = Int(csystem_affinity_core_count())
        return count > 0 ? count : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
