import Testing
@testable import JSON

/// The pull reader: walking a document and decoding parts of it differently.
struct JSONReaderTests {
    @Test func decodesAnEmbeddedTensorAndTheRestAsValues() throws {
        let body = #"{"inputs": [[1, 2], [3, 4]], "outputs": ["0.weight"], "extra": {"a": [true]}}"#
        var reader = try JSONReader(Array(body.utf8))
        var tensor: JSONFloatTensor?
        var outputs: JSONValue?
        var keys: [String] = []
        try reader.beginObject()
        while let key = try reader.nextKey() {
            keys.append(key)
            switch key {
            case "inputs": tensor = try reader.readFloatTensor()
            case "outputs": outputs = try reader.readValue()
            default: try reader.skipValue()
            }
        }
        try reader.finish()
        #expect(keys == ["inputs", "outputs", "extra"])
        #expect(tensor == JSONFloatTensor(shape: [2, 2], values: [1, 2, 3, 4]))
        #expect(outputs == .array([.string("0.weight")]))
    }

    @Test func walksArraysElementByElement() throws {
        var reader = try JSONReader(Array(#"[{"data": [1.5]}, {"data": 2}] "#.utf8))
        var tensors: [JSONFloatTensor] = []
        try reader.beginArray()
        while try reader.nextElement() {
            try reader.beginObject()
            while let key = try reader.nextKey() {
                #expect(key == "data")
                tensors.append(try reader.readFloatTensor())
            }
        }
        try reader.finish()
        #expect(tensors == [JSONFloatTensor(shape: [1], values: [1.5]), JSONFloatTensor(shape: [], values: [2])])
    }

    @Test func readsEmptyContainers() throws {
        var reader = try JSONReader(Array("[[], {}]".utf8))
        try reader.beginArray()
        #expect(try reader.nextElement())
        try reader.beginArray()
        #expect(try !reader.nextElement())
        #expect(try reader.nextElement())
        try reader.beginObject()
        #expect(try reader.nextKey() == nil)
        #expect(try !reader.nextElement())
        try reader.finish()
    }

    @Test func refusesDuplicateKeysWhilePulling() throws {
        var reader = try JSONReader(Array(#"{"a": 1, "a": 2}"#.utf8))
        try reader.beginObject()
        #expect(try reader.nextKey() == "a")
        _ = try reader.readDouble()
        #expect(throws: JSONError.duplicateKey("a", at(9))) { try reader.nextKey() }
    }

    /// The first key is kept apart from the others (no set for one key): a repeat of it or of a
    /// later one, second or further on, is still refused, and distinct keys are not.
    @Test func refusesDuplicatesOfAnyEarlierKey() throws {
        for (text, duplicate, offset) in [
            (#"{"a": 1, "b": 2, "a": 3}"#, "a", 17), (#"{"a": 1, "b": 2, "c": 3, "b": 4}"#, "b", 25),
            (#"{"a": 1, "b": 2, "b": 3}"#, "b", 17)
        ] {
            var reader = try JSONReader(Array(text.utf8))
            try reader.beginObject()
            var error: JSONError?
            do {
                while try reader.nextKey() != nil { _ = try reader.readDouble() }
            } catch let thrown {
                error = thrown
            }
            #expect(error == .duplicateKey(duplicate, at(offset)), "\(text)")
        }
        var reader = try JSONReader(Array(#"{"a": 1, "b": 2, "c": 3}"#.utf8))
        try reader.beginObject()
        var keys: [String] = []
        while let key = try reader.nextKey() {
            keys.append(key)
            _ = try reader.readDouble()
        }
        #expect(keys == ["a", "b", "c"])
        try reader.finish()
    }

    @Test func refusesTrailingCommasWhilePulling() throws {
        var reader = try JSONReader(Array("[1,]".utf8))
        try reader.beginArray()
        #expect(try reader.nextElement())
        _ = try reader.readDouble()
        #expect(throws: JSONError.trailingComma(at(3))) { try reader.nextElement() }
    }

    @Test func typedReadsNameWhatTheyExpected() throws {
        var reader = try JSONReader(Array(#"{"n": "x", "s": 1, "b": true, "z": null}"#.utf8))
        try reader.beginObject()
        _ = try reader.nextKey()
        #expect(throws: JSONError.unexpectedByte(UInt8(ascii: "\""), expected: .number, at(6))) {
            try reader.readDouble()
        }
        #expect(try reader.readString() == "x")
        _ = try reader.nextKey()
        #expect(try reader.peekKind() == .number)
        #expect(try reader.readDouble() == 1)
        _ = try reader.nextKey()
        #expect(try reader.readBool())
        _ = try reader.nextKey()
        #expect(try reader.readNullIfPresent())
        #expect(try reader.nextKey() == nil)
        try reader.finish()
    }

    @Test func countsEnteredContainersTowardTheDepthLimit() throws {
        var reader = try JSONReader(Array("[[[1]]]".utf8), limits: JSONLimits(maxDepth: 2))
        try reader.beginArray()
        _ = try reader.nextElement()
        #expect(throws: JSONError.tooDeep(limit: 2, at(2))) { try reader.readValue() }
    }

    @Test func refusesTrailingData() throws {
        var reader = try JSONReader(Array("{} x".utf8))
        _ = try reader.readValue()
        #expect(throws: JSONError.trailingData(at(3))) { try reader.finish() }
    }
}
