import CKernels

extension GemmThreading {
    /// Cores in the affinity mask, lowered to the cgroup v2 cpu.max quota (rounded up), at least 1.
    static func usableCores() -> Int { max(1, ck_usable_cpu_count()) }

    /// Cores a cgroup v2 `cpu.max` text allows, rounded up; nil for "max" (no quota) or malformed text.
    static func cores(cpuMax text: String) -> Int? {
        let cores = ck_parse_cpu_max(text)
        return cores > 0 ? cores : nil
    }

    /// The tightest cpu.max quota from the cgroup named in `procCgroup` (the text of
    /// /proc/self/cgroup) up to `cgroupRoot` (the v2 mount); nil when no level sets one.
    static func cgroupCoreLimit(cgroupRoot: String, procCgroup: String) -> Int? {
        let cores = ck_cgroup_cpu_limit(cgroupRoot, procCgroup)
        return cores > 0 ? cores : nil
    }
}
