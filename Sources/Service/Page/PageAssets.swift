/// The files of the parameter page, compiled into the binary (`PageAssets+Embedded.swift`,
/// generated from `ui/` by `scripts/embed-ui.py`), so `swift run` and the container serve the
/// same page with nothing to install beside the executable.
enum PageAssets {
    /// One file: its media type, bytes and strong entity tag (a hash of the bytes).
    struct Asset: Sendable {
        let contentType: String
        let bytes: [UInt8]
        let etag: String
    }

    /// Every asset by file name.
    static let all: [String: Asset] = Dictionary(
        uniqueKeysWithValues: embedded.map { name, text in
            let bytes = Array(text.utf8)
            return (name, Asset(contentType: contentType(of: name), bytes: bytes, etag: "\"\(fingerprint(bytes))\""))
        })

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }

    /// FNV-1a, 64 bits, in hex: a change of any byte changes the tag.
    static func fingerprint(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
