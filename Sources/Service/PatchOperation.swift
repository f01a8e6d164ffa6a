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
        let operations: [PatchOperation]
        if members["ops"] == nil {
            operations = [try parse(document, at: "body")]
        } else {
            let object = try JSONObject(document, at: "body", allowed: ["ops"])
            guard case .array(let ops) = try object.required("ops"), (1...1000).contains(ops.count) else {
                throw Problem.badRequest("body.ops must be an array of 1 to 1000 operations", slug: "wrong-type", path: "body.ops")
            }
            operations = try ops.enumerated().map { index, op in try parse(op, at: "body.ops[\(index)]") }
        }
        // The tree holds numbers as Doubles; a value rounded to Double and then to Float can
        // differ from the Float nearest its text (double rounding). Valid now, the values are
        // read once more straight from the text, as every other tensor input is.
        let exact = try PatchValues.read(body)
        return try zip(operations, exact).map { operation, value in try operation.withExactValue(value) }
    }

    /// The same operation with its operand replaced by `value`, the Float32 reading of the
    /// same text (same shape: both readings passed the same checks).
    func withExactValue(_ value: JSONFloatTensor?) throws -> PatchOperation {
        guard let value else { return self }
        switch self {
        case .set(let index, let slice, .scalar) where value.shape.isEmpty:
            return .set(index: index, slice: slice, value: .scalar(value.values[0]))
        case .set(let index, let slice, .tensor(let tensor)) where value.shape == tensor.shape:
            return .set(index: index, slice: slice, value: .tensor(try Tensor(shape: value.shape, scalars: value.values)))
        case .add(_, let slice) where value.shape.isEmpty: return .add(value.values[0], slice: slice)
        case .multiply(_, let slice) where value.shape.isEmpty: return .multiply(value.values[0], slice: slice)
        case .fill(_, let slice) where value.shape.isEmpty: return .fill(value.values[0], slice: slice)
        default: return self
        }
    }

    static func parse(_ value: JSONValue, at location: String) throws -> PatchOperation {
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
            let operand = try parseOperand(try object.required("value"), at: object.path("value"))
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
            let scalar = try float(number, at: object.path("value"))
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

    static func parseOperand(_ value: JSONValue, at location: String) throws -> Operand {
        switch value {
        case .number(let number):
            return .scalar(try float(number, at: location))
        case .array:
            let tensor = try JSONFloatTensor(parsing: value.jsonBytes)
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
