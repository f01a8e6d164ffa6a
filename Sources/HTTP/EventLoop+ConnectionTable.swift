/// The connections of one event loop by id, found with an index rather than a hash: an id
/// carries its slot's index in its low 32 bits (plus 2: epoll tokens 0 and 1 are the listener's
/// and the eventfd's) and a serial number above them, so the id of a closed connection never
/// finds the next one in its slot. Every epoll event looks a connection up; hashing its id cost
/// about 150 instructions a request.
struct ConnectionTable {
    private var slots: [Connection?] = []
    /// Slots without a connection, reused first.
    private var free: [Int] = []
    private var serial: UInt64 = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Every connection held, in slot order.
    var all: [Connection] { slots.compactMap { $0 } }

    /// An id for a connection about to be inserted, with a slot held for it until it is
    /// (``insert(_:)``) or the id is given back (``release(_:)``).
    mutating func reserveID() -> UInt64 {
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
        } else {
            slot = slots.count
            slots.append(nil)
        }
        serial += 1
        return serial << 32 | UInt64(slot + 2)
    }

    /// Holds `connection` in the slot its id names.
    mutating func insert(_ connection: Connection) {
        guard let slot = Self.slot(of: connection.id, in: slots.count) else { return }
        slots[slot] = connection
        count += 1
    }

    /// Lets go of the connection with `id`, if held, and frees its slot.
    mutating func remove(_ id: UInt64) {
        guard let slot = Self.slot(of: id, in: slots.count), slots[slot]?.id == id else { return }
        slots[slot] = nil
        count -= 1
        free.append(slot)
    }

    /// Frees the slot of an id reserved for a connection never inserted.
    mutating func release(_ id: UInt64) {
        guard let slot = Self.slot(of: id, in: slots.count), slots[slot] == nil else { return }
        free.append(slot)
    }

    subscript(id: UInt64) -> Connection? {
        guard let slot = Self.slot(of: id, in: slots.count), let connection = slots[slot], connection.id == id else { return nil }
        return connection
    }

    private static func slot(of id: UInt64, in count: Int) -> Int? {
        let slot = Int(truncatingIfNeeded: id & 0xFFFF_FFFF) &- 2
        return slot >= 0 && slot < count ? slot : nil
    }
}
