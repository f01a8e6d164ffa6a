import JSON
import NeuralNet

/// One PATCH operation: `set` (an element, a slice or everything), `add`, `mul`, `fill`
/// (the whole tensor or a slice). A list applies to a copy of the model, all or nothing.
enum PatchOperation {
    case set(index: [Int]?, slice: TensorSlice?, value: Operand)
    case add(Float, slice: TensorSlice?)
    case multiply(Float, slice: TensorSlice?)
    case fill(Float, slice: TensorSlice?)

    enum Operand {
        case scalar(Float)
        case tensor(Tensor)
    }

    /// `{"ops": [...]}` or a single op object.
    static func parseBody(_ body: [UInt8]) throws -> [PatchOperation] {
        let document = try JSONValue(parsing: body)
        guard case .object(let members) = document else {
            throw document.wrongTypeProblem(at: "body", "an object with \"ops\" or a single op")
        }
        // The tree checks the structure and names what is wrong; the numbers come from the text
        // (``PatchValues``): a number rounded to Double and then to Float can differ from the
        // Float nearest its text (double rounding), and a tensor is read once, by the reader
        // every other tensor input uses.
        if members["ops"] == nil {
            var values = try PatchValues(body, isList: false)
            return [try parse(document, at: "body", values: &values)]
        }
        let object = try JSONObject(document, at: "body", allowed: ["ops"])
        guard case .array(let ops) = try object.required("ops"), (1...1000).contains(ops.count) else {
            throw Problem.badRequest("body.ops must be an array of 1 to 1000 operations", slug: "wrong-type", path: "body.ops")
        }
        var values = try PatchValues(body, isList: true)
        return try ops.enumerated().map { index, op in try parse(op, at: "body.ops[\(index)]", values: &values) }
    }

    /// One operation from its tree, its number or tensor from `values` (the same member read
    /// from the text). Every operation that parses takes its value from `values` exactly once,
    /// after the tree's checks of it, so the reader stays in step and the tree's errors come first.
    static func parse(_ value: JSONValue, at location: String, values: inout PatchValues) throws -> PatchOperation {
        guard case .object(let members) = value, case .string(let name)? = members["op"] else {
            throw Problem.badRequest("\(location) must be an object with \"op\": set, add, mul or fill", slug: "wrong-type", path: location)
        }
        switch name {
        case "set":
            let object = try JSONObject(value, at: location, allowed: ["op", "index", "slice", "value"])
            let index = try object["index"].map { try parseIndex($0, at: object.path("index")) }
            let slice = try object.string("slice").map { try SliceText.parse($0, location: object.path("slice")) }
            if index != nil && slice != nil {
                throw Problem.badRequest("\(location) may have \"index\" or \"slice\", not both", slug: "invalid-argument", path: location)
            }
            let operand = try parseOperand(try object.required("value"), at: object.path("value"), values: &values)
            if index != nil, case .tensor = operand {
                throw Problem.badRequest(
                    "\(object.path("value")) must be a number when \"index\" names one element", slug: "wrong-type",
                    path: object.path("value"))
            }
            return .set(index: index, slice: slice, value: operand)
        case "add", "mul", "fill":
            let object = try JSONObject(value, at: location, allowed: ["op", "slice", "value"])
            let slice = try object.string("slice").map { try SliceText.parse($0, location: object.path("slice")) }
            guard case .number(let number) = try object.required("value") else {
                throw try object.required("value").wrongTypeProblem(at: object.path("value"), "a number")
            }
            let checked = try float(number, at: object.path("value"))
            let scalar = try values.next()?.values.first ?? checked
            switch name {
            case "add": return .add(scalar, slice: slice)
            case "mul": return .multiply(scalar, slice: slice)
            default: return .fill(scalar, slice: slice)
            }
        default:
            throw Problem.badRequest(
                "\(location).op must be set, add, mul or fill; got \(name.debugDescription)", slug: "invalid-argument",
                path: "\(location).op")
        }
    }

    static func parseIndex(_ value: JSONValue, at location: String) throws(Problem) -> [Int] {
        guard case .array(let elements) = value, (1...8).contains(elements.count) else {
            throw value.wrongTypeProblem(at: location, "an array of 1 to 8 integers")
        }
        return try elements.enumerated().map { offset, element throws(Problem) in
            try JSONObject.integer(element, at: "\(location)[\(offset)]", in: -1_000_000_000...1_000_000_000)
        }
    }

    /// `value` checked by its tree, then taken from `values`, its reading from the text.
    static func parseOperand(_ value: JSONValue, at location: String, values: inout PatchValues) throws -> Operand {
        switch value {
        case .number(let number):
            let checked = try float(number, at: location)
            return .scalar(try values.next()?.values.first ?? checked)
        case .array:
            guard let tensor = try values.next() else {
                throw value.wrongTypeProblem(at: location, "a number or nested arrays of numbers")  // the text disagrees with its tree
            }
            return .tensor(try Tensor(shape: tensor.shape, scalars: tensor.values))
        default:
            throw value.wrongTypeProblem(at: location, "a number or nested arrays of numbers")
        }
    }

    static func float(_ number: Double, at location: String) throws(Problem) -> Float {
        guard abs(number) <= Double(Float.greatestFiniteMagnitude) else {
            throw Problem.badRequest("\(location) is beyond the float32 range: \(number)", slug: "out-of-range", path: location)
        }
        return Float(number)
    }

    /// What the operations write into `model`'s parameter at `path`, as one run, computed
    /// without copying the tensor; nil when one of them reads or writes every element (`add`,
    /// `mul`, a `fill` or `set` of the whole tensor), which ``apply(_:to:path:)`` does on a copy.
    /// Throws what `apply` throws for a wrong index, slice or shape. The values written are
    /// numbers the body held, which parsing keeps finite, so the result is finite as the
    /// tensor was.
    static func run(_ operations: [PatchOperation], in model: Model, path: String) throws -> ParameterRun? {
        var edits: [ParameterEdit] = []
        for operation in operations {
            switch operation {
            case .set(let index?, _, .scalar(let value)): edits.append(.setElement(index: index, value: value))
            case .set(_, let slice?, let operand): edits.append(.setSlice(slice, operand.edit))
            case .fill(let value, let slice?): edits.append(.setSlice(slice, .scalar(value)))
            default: return nil
            }
        }
        return try model.run(path, edits)
    }

    /// Applies the operations to `model`'s parameter at `path`; throws (and `model` is
    /// left as it was) when one fails or the result is not finite.
    static func apply(_ operations: [PatchOperation], to model: inout Model, path: String) throws {
        var copy = model
        for operation in operations {
            switch operation {
            case .set(let index?, _, .scalar(let value)):
                try copy.edit(path, [.setElement(index: index, value: value)])
            case .set(_, let slice?, let operand):
                try copy.edit(path, [.setSlice(slice, operand.edit)])
            case .set(_, nil, .scalar(let value)):
                try copy.edit(path, [.fill(value)])
            case .set(_, nil, .tensor(let tensor)):
                try copy.edit(path, [.replace(tensor)])
            case .add(let value, nil):
                try copy.edit(path, [.add(.scalar(value))])
            case .multiply(let value, nil):
                try copy.edit(path, [.multiply(.scalar(value))])
            case .fill(let value, nil):
                try copy.edit(path, [.fill(value)])
            case .fill(let value, let slice?):
                try copy.edit(path, [.setSlice(slice, .scalar(value))])
            case .add(let value, let slice?), .multiply(let value, let slice?):
                let part = try copy.parameter(path).value.sliced(slice, path: path)
                let isAdd = if case .add = operation { true } else { false }
                let changed = part.scalars.map { isAdd ? $0 + value : $0 * value }
                try copy.edit(path, [.setSlice(slice, .tensor(try Tensor(shape: part.shape, scalars: changed)))])
            case .set(.some, _, .tensor):
                preconditionFailure("parse refuses a tensor value with an index")
            }
        }
        try ParameterBody.requireFinite(try copy.parameter(path).value.scalars, what: "the result of the operations")
        model = copy
    }
}

extension PatchOperation.Operand {
    var edit: EditOperand {
        switch self {
        case .scalar(let value): .scalar(value)
        case .tensor(let tensor): .tensor(tensor)
        }
    }
}
