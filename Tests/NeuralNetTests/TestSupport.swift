import JSON
import NeuralNet

/// Parses JSON test literals; a malformed literal is a bug in the test itself.
func json(_ text: String) -> JSONValue {
    do { return try JSONValue(parsing: text) } catch { fatalError("bad JSON in test: \(error)") }
}

func tensor(_ shape: [Int], _ values: [Float]) -> Tensor {
    do { return try Tensor(shape: shape, scalars: values) } catch { fatalError("\(error)") }
}

/// The chapter's MLP: `nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))`.
let mlpSpec = json(
    #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}"#)

/// The chapter's rgnet: `Sequential(block2(), Linear(4, 1))` with "block 0".."block 3".
let rgnetSpec: JSONValue = {
    let block =
        #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 4}, {"type": "relu"}]}"#
    let named = (0..<4).map { block.dropLast() + #", "name": "block \#($0)"}"# }.joined(separator: ", ")
    return json(
        #"{"type": "sequential", "layers": [{"type": "sequential", "layers": [\#(named)]}, {"type": "linear", "in": 4, "out": 1}]}"#)
}()

/// The chapter's tied net (DESIGN.md), the last layer deferred.
let tiedSpec = json(
    #"""
    {"type": "sequential", "layers": [
      {"type": "linear", "in": 20, "out": 8}, {"type": "relu"},
      {"type": "linear", "in": 8, "out": 8, "id": "shared"}, {"type": "relu"},
      {"ref": "shared"}, {"type": "relu"},
      {"type": "linear", "out": 1}]}
    """#)

/// Asserts `body` throws exactly `expected`.
func expectError(_ expected: NeuralNetError, _ body: () throws -> Void) -> Bool {
    do {
        try body()
        return false
    } catch let error as NeuralNetError {
        return error == expected
    } catch {
        return false
    }
}

/// The thrown `NeuralNetError`, or nil.
func thrownError(_ body: () throws -> Void) -> NeuralNetError? {
    do {
        try body()
        return nil
    } catch let error as NeuralNetError {
        return error
    } catch {
        return nil
    }
}
