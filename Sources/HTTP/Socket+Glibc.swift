import CSystem
import Glibc

/// Thin wrappers over the socket calls the server makes; the rest of the module has no `#if`.
enum Socket {
    /// Opens a non-blocking listening socket. Port 0 asks the kernel for a free port.
    /// - Returns: the descriptor and the port actually bound.
    static func listen(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> (fd: Int32, port: Int) {
        var storage = sockaddr_storage()
        let length = try resolve(host: host, port: port, into: &storage)
        let family = Int32(storage.ss_family)
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw .systemCallFailed(call: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        if bound != 0 {
            let code = errno
            close(fd)
            throw .systemCallFailed(call: "bind", errno: code)
        }
        if Glibc.listen(fd, backlog) != 0 {
            let code = errno
            close(fd)
            throw .systemCallFailed(call: "listen", errno: code)
        }
        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        return (fd, describe(actual).port)
    }

    /// Fills `storage` from an IP literal, or from the first getaddrinfo answer for a name.
    private static func resolve(host: String, port: Int, into storage: inout sockaddr_storage) throws(HTTPServerError) -> socklen_t {
        guard (0...65535).contains(port) else { throw .invalidAddress("\(host):\(port)") }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: v4) { target.copyMemory(from: $0) } }
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        var v6 = sockaddr_in6()
        let literal = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if inet_pton(AF_INET6, literal, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: v6) { target.copyMemory(from: $0) } }
            return socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw .invalidAddress(host)
        }
        defer { freeaddrinfo(result) }
        let length = first.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &storage) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(length)))
        }
        return length
    }

    /// Accepts one pending connection as a non-blocking socket with TCP_NODELAY set.
    /// - Returns: nil when none is pending (EAGAIN) or the peer already left.
    static func accept(_ listener: Int32) -> (fd: Int32, peer: String)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                csystem_accept4(listener, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            }
        }
        if fd < 0 { return nil }
        // Without TCP_NODELAY a head and body written separately wait for the client's delayed ACK.
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let (address, port) = describe(storage)
        return (fd, storage.ss_family == sa_family_t(AF_INET6) ? "[\(address)]:\(port)" : "\(address):\(port)")
    }

    /// The textual address and port of a socket address.
    static func describe(_ storage: sockaddr_storage) -> (address: String, port: Int) {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        var copy = storage
        if storage.ss_family == sa_family_t(AF_INET6) {
            return withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var bytes = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &bytes, &text, socklen_t(text.count))
                    return (cStringText(text), Int(UInt16(bigEndian: address.pointee.sin6_port)))
                }
            }
        }
        return withUnsafePointer(to: &copy) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                var bytes = address.pointee.sin_addr
                inet_ntop(AF_INET, &bytes, &text, socklen_t(text.count))
                return (cStringText(text), Int(UInt16(bigEndian: address.pointee.sin_port)))
            }
        }
    }

    /// Reads into `buffer`. Returns the byte count, 0 at end of stream, nil on EAGAIN; -1 on error.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: return -1
            }
        }
    }

    /// Writes what it can of the vectors. Returns bytes written, nil on EAGAIN, -1 on error.
    static func write(_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>) -> Int? {
        while true {
            let count = csystem_writev_nosignal(fd, vectors.baseAddress, Int32(vectors.count))
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: return -1
            }
        }
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Monotonic nanoseconds, for deadlines and durations.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

/// A NUL-terminated C buffer as a String.
private func cStringText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension Socket {
    private static let overloaded = Array(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n".utf8)

    /// Answers a connection over the cap with a canned 503 (best effort, never blocking) and
    /// closes it. Over TLS it only closes: plaintext would reach a client expecting a handshake
    /// as garbage, and a handshake is the very work the cap exists to refuse.
    static func rejectOverloaded(_ fd: Int32, plaintext: Bool) {
        if plaintext {
            overloaded.withUnsafeBytes { bytes in
                _ = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            }
        }
        close(fd)
    }
}
