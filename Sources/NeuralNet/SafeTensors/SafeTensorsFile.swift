/// One named tensor of a safetensors file: Float32 values, written as F32 or, for an integer
/// tensor (a batch norm's `num_batches_tracked`), as I64.
public struct SafeTensorsEntry: Sendable, Equatable {
    /// The tensor's key, e.g. a PyTorch state-dict key such as `0.weight`.
    public var name: String
    /// Dimensions, outermost first; `[]` is a scalar.
    public var shape: [Int]
    /// Elements in row-major order; `values.count` is the product of `shape`.
    public var values: [Float]
    /// `.f32` or `.i64` (values then hold integers).
    public var dtype: SafeTensorsDType

    /// A tensor entry; ``SafeTensorsFile/encoded()`` checks that `values` fill `shape`.
    public init(name: String, shape: [Int], values: [Float], dtype: SafeTensorsDType = .f32) {
        precondition(dtype == .f32 || dtype == .i64, "entries are written as F32 or I64")
        self.name = name
        self.shape = shape
        self.values = values
        self.dtype = dtype
    }
}

/// The safetensors format (Hugging Face), with Float32 tensors.
///
/// Layout: an 8-byte little-endian unsigned header length `N`; `N` bytes of UTF-8 JSON,
/// `{"NAME": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {"key": "value"}}`; then the byte buffer, which the tensors' offsets (relative
/// to the buffer's start) cover exactly, without gaps or overlaps, data little-endian.
///
/// Encoding keeps the tensors' order in the buffer and pads the header with spaces so the
/// buffer starts 8-byte aligned, as the reference writer does. Decoding is strict: every rule
/// above is checked and a file breaking one is refused with a ``SafeTensorsError`` naming the
/// tensor and the rule — never a crash, never a partial result. `F32` is read as is, `F16`,
/// `BF16` and `F64` are converted; any other dtype is refused by name.
public struct SafeTensorsFile: Sendable, Equatable {
    /// The tensors, in the order of their data in the buffer.
    public var tensors: [SafeTensorsEntry]
    /// The free-form string map stored under `__metadata__`.
    public var metadata: [String: String]

    /// A file of `tensors`, in buffer order, and `metadata`.
    public init(tensors: [SafeTensorsEntry], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The header key reserved for metadata; no tensor may be called this.
    public static let metadataKey = "__metadata__"
}

/// Bounds on what ``SafeTensorsFile/init(decoding:limits:)`` accepts.
public struct SafeTensorsLimits: Sendable, Equatable {
    /// Largest header, in bytes. The reference implementation refuses above 100 MB.
    public var maxHeaderBytes: Int

    /// Limits with the reference implementation's header cap unless given.
    public init(maxHeaderBytes: Int = 100_000_000) {
        self.maxHeaderBytes = maxHeaderBytes
    }
}
