/// What loading a state dict found, as PyTorch's `load_state_dict` reports it.
public struct StateDictLoad: Sendable, Equatable {
    /// Keys whose values were taken, in state-dict order.
    public var loadedKeys: [String]
    /// Keys of the model that the state dict lacks (a tied parameter counts as missing only
    /// when none of its names is there), in state-dict order.
    public var missingKeys: [String]
    /// Keys of the state dict that the model does not have, sorted.
    public var unexpectedKeys: [String]
    /// Keys whose value cannot be taken, in state-dict order.
    public var mismatched: [StateDictMismatch]

    public init(
        loadedKeys: [String] = [], missingKeys: [String] = [], unexpectedKeys: [String] = [], mismatched: [StateDictMismatch] = []
    ) {
        self.loadedKeys = loadedKeys
        self.missingKeys = missingKeys
        self.unexpectedKeys = unexpectedKeys
        self.mismatched = mismatched
    }

    /// True when every key matched: what `strict=True` requires.
    public var isExact: Bool { missingKeys.isEmpty && unexpectedKeys.isEmpty && mismatched.isEmpty }
}

/// Why one key's value cannot be taken.
public enum StateDictMismatch: Sendable, Equatable {
    /// The value's shape is not the parameter's.
    case shape(key: String, expected: [Int], got: [Int])
    /// `key` and `tiedTo` name one tied parameter but hold different values.
    case tiedValues(key: String, tiedTo: String)

    /// The offending key.
    public var key: String {
        switch self {
        case .shape(let key, _, _), .tiedValues(let key, _): key
        }
    }
}

/// A strict load found keys that do not match; the model is unchanged.
public struct StateDictMismatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public let load: StateDictLoad

    public init(load: StateDictLoad) { self.load = load }

    /// One sentence per kind of trouble, naming the keys.
    public var description: String {
        var parts: [String] = []
        if !load.missingKeys.isEmpty { parts.append("missing keys: " + load.missingKeys.joined(separator: ", ")) }
        if !load.unexpectedKeys.isEmpty { parts.append("unexpected keys: " + load.unexpectedKeys.joined(separator: ", ")) }
        for mismatch in load.mismatched {
            switch mismatch {
            case .shape(let key, let expected, let got):
                parts.append("\(key) has shape \(formatShape(got)) but the model's is \(formatShape(expected))")
            case .tiedValues(let key, let tiedTo):
                parts.append("\(key) and \(tiedTo) name one tied parameter but hold different values")
            }
        }
        return "the state dict does not match the model (" + parts.joined(separator: "; ") + ")"
    }
}
